using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BackOffice.EndToEnd.Infrastructure;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// The app as an operator starts it, in Production: a setting it cannot start with stops it with one line that names
/// the key and exit code 1, not a stack trace.
/// </summary>
public sealed class StartRefusalTests
{
    [Fact]
    public async Task Without_a_key_ring_certificate_it_says_so_in_one_line_and_exits_with_1()
    {
        await using var app = AppProcess.Start([new("ASPNETCORE_ENVIRONMENT", "Production"), new("App:PublicBaseUrl", "https://backoffice.shop.example/")]);

        var exitCode = await app.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(app.Output, l => l.Trim().Length > 0);
        Assert.StartsWith("Klarna Back Office cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("DataProtection:Certificate:Path", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_public_address_it_says_so_in_one_line_and_exits_with_1()
    {
        var certificate = Path.Combine(Path.GetTempPath(), $"backoffice-keyring-{Guid.NewGuid():N}.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Key ring (test)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(certificate, made.Export(X509ContentType.Pfx, "test"));
        }
        try
        {
            await using var app = AppProcess.Start(
            [
                new("ASPNETCORE_ENVIRONMENT", "Production"), new("DataProtection:Certificate:Path", certificate), new("DataProtection:Certificate:Password", "test"),
            ]);

            var exitCode = await app.ExitCodeAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(1, exitCode);
            var line = Assert.Single(app.Output, l => l.Trim().Length > 0);
            Assert.Contains("App:PublicBaseUrl is required outside Development", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(certificate);
        }
    }
}
