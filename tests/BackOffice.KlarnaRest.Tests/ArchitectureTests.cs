namespace BackOffice.KlarnaRest.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void The_rest_client_knows_neither_asp_net_nor_the_other_providers()
    {
        var references = typeof(KlarnaRestClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name is "BackOffice.Klarna" or "BackOffice.Computop");
    }

    [Fact]
    public void The_sandbox_speaks_in_the_clients_shapes_and_steers_its_traffic_with_the_shared_kit()
    {
        var sandbox = typeof(BackOffice.KlarnaRest.Sandbox.KlarnaRestSandbox).Assembly;

        Assert.Contains(sandbox.GetReferencedAssemblies(), a => a.Name == typeof(KlarnaOrder).Assembly.GetName().Name);
        Assert.Contains(sandbox.GetReferencedAssemblies(), a => a.Name == typeof(BackOffice.Sandbox.Kit.SandboxTraffic).Assembly.GetName().Name);
        Assert.DoesNotContain(sandbox.GetTypes(), t => t.Name.StartsWith("Klarna", StringComparison.Ordinal) && t.Name.EndsWith("Request", StringComparison.Ordinal));
    }
}
