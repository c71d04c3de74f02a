using System.Reflection;
using Xunit.Sdk;

namespace BackOffice.EndToEnd.Infrastructure;

/// <summary>One app and one browser for all journeys: Hangfire keeps static state per process.</summary>
[CollectionDefinition(Name)]
[ClosesBrowserContexts]
public sealed class BrowserCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "Browser";
}

/// <summary>After each journey, the browser contexts it opened are closed.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ClosesBrowserContextsAttribute : BeforeAfterTestAttribute
{
    // Off xunit's synchronization context, whose few threads the blocked caller would otherwise wait on.
    public override void After(MethodInfo methodUnderTest) => Task.Run(BrowserAppFixture.CloseOpenContextsAsync).GetAwaiter().GetResult();
}
