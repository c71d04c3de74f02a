using BackOffice.Web.Data;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>A fact about one database only (e.g. SQLite's PRAGMAs); on the other it is reported as skipped.</summary>
public sealed class FactOnAttribute : FactAttribute
{
    public FactOnAttribute(DatabaseProvider provider)
    {
        if (TestDatabase.Provider != provider)
            Skip = $"Only on {provider}; this run is on {TestDatabase.Provider}.";
    }
}
