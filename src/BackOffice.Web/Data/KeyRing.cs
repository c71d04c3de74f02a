using System.Security.Cryptography.X509Certificates;
using BackOffice.Web.Features;
using Microsoft.AspNetCore.DataProtection;

namespace BackOffice.Web.Data;

/// <summary>
/// Data Protection's key ring lives in the database, so every instance shares it, beside the secrets it protects.
/// Outside Development its keys must themselves be encrypted with a certificate, or the app does not start.
/// </summary>
internal static class KeyRing
{
    public const string Section = "DataProtection:Certificate";

    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("KlarnaBackOffice").PersistKeysToDbContext<BackOfficeDbContext>();
        var certificate = Certificate(builder.Configuration, builder.Environment);
        if (certificate is not null)
            dataProtection.ProtectKeysWithCertificate(certificate);
        else if (!builder.Environment.IsDevelopment())
            throw new StartupRefusedException(
                $"Outside Development the Data Protection key ring must be protected by a certificate: set {Section}:Path (a .pfx file) and {Section}:Password, " +
                $"or {Section}:Thumbprint (a certificate with its private key in the CurrentUser or LocalMachine 'My' store). See the README for an openssl recipe.");
        return builder;
    }

    private static X509Certificate2? Certificate(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(Section);
        if (section["Path"] is { Length: > 0 } path)
        {
            var file = Path.GetFullPath(path, environment.ContentRootPath);
            if (!File.Exists(file))
                throw new StartupRefusedException($"{Section}:Path names '{file}', which does not exist.");
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(file, section["Password"], X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey ? certificate : throw new StartupRefusedException($"{Section}:Path '{file}' holds no private key.");
        }
        if (section["Thumbprint"] is { Length: > 0 } thumbprint)
        {
            foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly);
                if (store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false) is [var found, ..] && found.HasPrivateKey)
                    return found;
            }
            throw new StartupRefusedException($"{Section}:Thumbprint {thumbprint} names no certificate with a private key in the 'My' stores.");
        }
        return null;
    }
}
