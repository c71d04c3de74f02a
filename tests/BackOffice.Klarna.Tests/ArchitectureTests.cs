namespace BackOffice.Klarna.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void The_gateway_client_library_does_not_depend_on_asp_net()
    {
        var references = typeof(IKlarnaGateway).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains("Microsoft.Extensions.Http", references);
    }

    [Fact]
    public void The_sandbox_speaks_through_the_client_librarys_codec_not_a_copy_of_it()
    {
        var sandboxTypes = typeof(BackOffice.Klarna.Sandbox.KlarnaSandbox).Assembly.GetTypes().Select(t => t.Name);

        Assert.DoesNotContain(sandboxTypes, name => name.Contains("Codec", StringComparison.Ordinal) || name.Contains("Digest", StringComparison.Ordinal) || name.Contains("Traffic", StringComparison.Ordinal));
        Assert.Contains(typeof(BackOffice.Klarna.Sandbox.KlarnaSandbox).Assembly.GetReferencedAssemblies(), a => a.Name == typeof(IKlarnaGateway).Assembly.GetName().Name);
    }
}
