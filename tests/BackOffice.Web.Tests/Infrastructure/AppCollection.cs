namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// The tests that start the app or open a database of their own. Hangfire keeps static state per process, so they run
/// one at a time; their trait lets scripts/test.sh run exactly these again on PostgreSQL (<c>Uses=Database</c>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class AppCollection
{
    public const string Name = "Database";

    public const string Trait = "Uses";
}
