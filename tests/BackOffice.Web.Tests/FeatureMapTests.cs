using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using BackOffice.Web.Features;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests;

/// <summary>
/// The map of the feature folders, read from the compiled app with ArchUnitNET — signatures and method bodies alike
/// (calls, object creations, casts, closures, Razor markup) — so what a file uses counts, not only what it declares.
/// </summary>
public sealed class FeatureMapTests
{
    private const string Features = "BackOffice.Web.Features";

    private static readonly Lazy<Architecture> App = new(() => new ArchLoader().LoadAssemblies(typeof(BusinessRuleException).Assembly).Build());

    /// <summary>The folder under Features a namespace belongs to ("" for the shared files directly in Features), or null outside Features.</summary>
    private static string? FolderOf(string @namespace) =>
        @namespace == Features ? "" : @namespace.StartsWith(Features + ".", StringComparison.Ordinal) ? @namespace[(Features.Length + 1)..].Split('.')[0] : null;

    /// <summary>Every use of one folder's types by another's: (from folder, to folder) → one example, type to type.</summary>
    internal static Dictionary<(string From, string To), string> FolderDependencies()
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var type in App.Value.Types)
        {
            if (type.Namespace?.FullName is not { } name || FolderOf(name) is not { } from)
                continue;
            foreach (var dependency in type.Dependencies)
            {
                if (dependency.Target?.Namespace?.FullName is { } target && FolderOf(target) is { } to && to != from)
                    edges.TryAdd((from, to), $"{type.FullName} → {dependency.Target.FullName}");
            }
        }
        return edges;
    }

    [Fact]
    public void No_feature_folder_depends_on_itself_through_others()
    {
        var edges = FolderDependencies();
        var cycles = StronglyConnected(edges.Keys).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, string.Join(Environment.NewLine, cycles.Select(c =>
            "Cycle: " + string.Join(", ", c.Select(f => f.Length == 0 ? "(Features)" : f)) + Environment.NewLine
            + string.Join(Environment.NewLine, edges.Where(e => c.Contains(e.Key.From) && c.Contains(e.Key.To)).Select(e => "  " + e.Value)))));
    }

    /// <summary>The provider modules: leaves of the map, which only Program.cs (outside Features) takes in.</summary>
    private static readonly string[] Modules = ["Klarna", "Computop", "KlarnaRest"];

    [Fact]
    public void No_core_folder_and_no_other_module_uses_a_provider_module()
    {
        var offending = FolderDependencies().Where(e => Modules.Contains(e.Key.To)).Select(e => e.Value).ToList();

        Assert.True(offending.Count == 0, string.Join(Environment.NewLine, offending));
    }

    /// <summary>What names a provider in source: its module's name, the legacy price plans, the legacy gateway's namespace.</summary>
    private static readonly string[] ProviderWords = ["Computop", "PClass", "BackOffice.Klarna", "KlarnaRest"];

    [Fact]
    public void No_file_outside_the_provider_modules_names_a_provider_but_Program_cs_and_the_migrations()
    {
        var web = Path.Combine(Repository.Root(), "src", "BackOffice.Web");
        string[] allowed = [Path.Combine(web, "Program.cs"), Path.Combine(web, "Data", "Migrations") + Path.DirectorySeparatorChar,
            .. Modules.Select(m => Path.Combine(web, "Features", m) + Path.DirectorySeparatorChar)];
        var naming = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !allowed.Any(a => f == a || a.EndsWith(Path.DirectorySeparatorChar) && f.StartsWith(a, StringComparison.Ordinal)))
            .SelectMany(f => ProviderWords.Where(File.ReadAllText(f).Contains).Select(word => $"{Path.GetRelativePath(web, f)}: {word}"))
            .ToList();

        Assert.True(naming.Count == 0, string.Join(Environment.NewLine, naming));
    }

    [Fact]
    public void The_check_finds_a_cycle_through_several_folders_and_none_in_a_layering()
    {
        var cycles = StronglyConnected([("Channels", "Payments"), ("Payments", "Transactions"), ("Transactions", "Channels"), ("Klarna", "Transactions"), ("Klarna", "")]);
        var layered = StronglyConnected([("Klarna", "Transactions"), ("Transactions", "Channels"), ("Channels", ""), ("Klarna", "")]);

        Assert.Equal(["Channels", "Payments", "Transactions"], Assert.Single(cycles, c => c.Count > 1).Order());
        Assert.DoesNotContain(layered, c => c.Count > 1);
    }

    /// <summary>Tarjan's algorithm: the groups of folders that reach each other.</summary>
    private static List<List<string>> StronglyConnected(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToList();
        var (index, lowLink, onStack, stack, groups) = (new Dictionary<string, int>(), new Dictionary<string, int>(), new HashSet<string>(), new Stack<string>(), new List<List<string>>());

        void Visit(string node)
        {
            index[node] = lowLink[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var to in next.GetValueOrDefault(node, []))
            {
                if (!index.ContainsKey(to))
                {
                    Visit(to);
                    lowLink[node] = Math.Min(lowLink[node], lowLink[to]);
                }
                else if (onStack.Contains(to))
                    lowLink[node] = Math.Min(lowLink[node], index[to]);
            }
            if (lowLink[node] != index[node])
                return;
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                group.Add(member);
            }
            while (member != node);
            groups.Add(group);
        }

        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
            Visit(node);
        return groups;
    }

}
