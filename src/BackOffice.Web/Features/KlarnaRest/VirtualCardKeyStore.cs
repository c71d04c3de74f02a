using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Where the operator wants the private keys of the virtual cards kept instead of the app's key ring (section
/// <c>VirtualCards:KeyStore</c>): a PKCS#12 file, by path and password.
/// </summary>
public sealed class VirtualCardKeyStoreOptions
{
    public const string Section = "VirtualCards:KeyStore";

    public string? Path { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// A PKCS#12 file that holds the channels' virtual card keys, each under a self-signed certificate named by the key's
/// JWK thumbprint; the file is written whole and moved into place, so a reader never sees half of it. One app instance
/// writes it: several instances need a key store they share (or the key ring, the default).
/// </summary>
public sealed class VirtualCardKeyStore(IOptions<VirtualCardKeyStoreOptions> options, IHostEnvironment environment, TimeProvider time)
{
    private static readonly Lock Gate = new();

    public bool IsConfigured => options.Value.Path is { Length: > 0 };

    private string File => System.IO.Path.GetFullPath(options.Value.Path!, environment.ContentRootPath);

    public void Add(RSA key, string thumbprint)
    {
        var now = time.GetUtcNow();
        using var certificate = new CertificateRequest(Subject(thumbprint), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(now.AddDays(-1), now.AddYears(30));
        lock (Gate)
        {
            var keys = Load(X509KeyStorageFlags.Exportable);
            keys.Add(certificate);
            var temporary = File + ".new";
            System.IO.File.WriteAllBytes(temporary, keys.Export(X509ContentType.Pkcs12, options.Value.Password)!);
            System.IO.File.Move(temporary, File, overwrite: true);
            foreach (var kept in keys)
                kept.Dispose();
        }
    }

    /// <summary>The private key kept under <paramref name="thumbprint"/>; the caller disposes it.</summary>
    public RSA Open(string thumbprint)
    {
        X509Certificate2Collection keys;
        lock (Gate)
            keys = Load(X509KeyStorageFlags.EphemeralKeySet);
        try
        {
            return keys.FirstOrDefault(k => k.Subject == Subject(thumbprint))?.GetRSAPrivateKey()
                ?? throw new BusinessRuleException("The key store {0} holds no key {1}.", File, thumbprint);
        }
        finally
        {
            foreach (var kept in keys)
                kept.Dispose();
        }
    }

    private X509Certificate2Collection Load(X509KeyStorageFlags flags)
    {
        if (!System.IO.File.Exists(File))
            return [];
        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(File, options.Value.Password, flags);
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The key store {0} cannot be opened: check VirtualCards:KeyStore:Password.", File);
        }
    }

    private static string Subject(string thumbprint) => $"CN=virtual-card-{thumbprint}";
}
