namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>The repository the tests run in: its root is where <c>BackOffice.sln</c> is.</summary>
internal static class Repository
{
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BackOffice.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("The tests run outside the repository.");
    }
}
