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
}
