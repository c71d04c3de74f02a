namespace BackOffice.ECommPay.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void The_ecommpay_client_knows_neither_asp_net_nor_the_other_providers()
    {
        var references = typeof(ECommPayClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name is "BackOffice.Klarna" or "BackOffice.Computop" or "BackOffice.KlarnaRest");
    }

    [Fact]
    public void The_sandbox_signs_with_the_clients_signature_and_steers_its_traffic_with_the_shared_kit()
    {
        var sandbox = typeof(BackOffice.ECommPay.Sandbox.ECommPaySandbox).Assembly;

        Assert.Contains(sandbox.GetReferencedAssemblies(), a => a.Name == typeof(ECommPaySignature).Assembly.GetName().Name);
        Assert.Contains(sandbox.GetReferencedAssemblies(), a => a.Name == typeof(BackOffice.Sandbox.Kit.SandboxTraffic).Assembly.GetName().Name);
    }
}
