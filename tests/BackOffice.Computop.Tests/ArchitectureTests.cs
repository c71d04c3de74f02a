namespace BackOffice.Computop.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void The_paygate_client_knows_neither_asp_net_nor_klarnas_legacy_api()
    {
        var references = typeof(ComputopClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain("BackOffice.Klarna", references);
        Assert.DoesNotContain(typeof(ComputopClient).Assembly.GetTypes(), t => t.Name.Contains("PClass", StringComparison.Ordinal) || t.Name.Contains("Digest", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sandbox_speaks_through_the_clients_codec_and_steers_its_traffic_with_the_shared_kit()
    {
        var sandbox = typeof(BackOffice.Computop.Sandbox.ComputopSandbox).Assembly;

        Assert.Contains(sandbox.GetReferencedAssemblies(), a => a.Name == typeof(PaygateCipher).Assembly.GetName().Name);
        Assert.Contains(sandbox.GetReferencedAssemblies(), a => a.Name == typeof(BackOffice.Sandbox.Kit.SandboxTraffic).Assembly.GetName().Name);
        Assert.DoesNotContain(sandbox.GetTypes(), t => t.Name.Contains("Cipher", StringComparison.Ordinal) || t.Name.Contains("Traffic", StringComparison.Ordinal));
    }
}
