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
}
