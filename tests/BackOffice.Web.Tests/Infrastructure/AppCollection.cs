namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>Hangfire keeps static state per process: tests that start the app run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection
{
    public const string Name = "App";
}
