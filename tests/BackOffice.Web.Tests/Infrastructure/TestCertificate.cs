using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>A self-signed certificate in a temporary .pfx, as an operator would make with openssl for the key ring.</summary>
public static class TestCertificate
{
    public const string Password = "test-key-ring-password";

    private static readonly Lazy<string> Shared = new(Create);

    /// <summary>One file for the whole test run (making an RSA key costs time), removed when the run ends.</summary>
    public static string PfxPath => Shared.Value;

    private static string Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Klarna Back Office key ring (test)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"backoffice-keyring-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
