using System.Text.RegularExpressions;
using System.Xml.Linq;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests;

/// <summary>The Dockerfile cannot be built here; what can be checked without Docker is checked.</summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void Every_project_the_app_references_is_copied_before_the_restore()
    {
        var root = Repository.Root();
        var dockerfile = File.ReadAllText(Path.Combine(root, "Dockerfile"));
        var beforeRestore = dockerfile[..dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal)];
        var copied = CopiedProject().Matches(beforeRestore).Select(m => m.Groups["path"].Value).ToHashSet(StringComparer.Ordinal);

        var needed = new SortedSet<string>(StringComparer.Ordinal);
        void Visit(string project)
        {
            if (!needed.Add(Path.GetRelativePath(root, project).Replace('\\', '/')))
                return;
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                Visit(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        Visit(Path.Combine(root, "src", "BackOffice.Web", "BackOffice.Web.csproj"));

        Assert.Empty(needed.Except(copied));
    }

    [GeneratedRegex(@"^COPY (?<path>\S+\.csproj) ", RegexOptions.Multiline)]
    private static partial Regex CopiedProject();
}
