namespace BackOffice.EndToEnd.Infrastructure;

/// <summary>One app and one browser for all journeys: Hangfire keeps static state per process.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "Browser";
}
