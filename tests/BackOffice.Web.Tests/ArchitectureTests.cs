using System.Reflection;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Tests;

/// <summary>
/// The boundaries the provider seam keeps, enforced at build time: the journal and the books (Transactions) know
/// neither the jobs nor any provider's adapter; Computop's path knows no concept of Klarna's legacy API, and the
/// legacy path nothing of Computop.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Features = "BackOffice.Web.Features.";

    private static readonly Assembly App = typeof(TransactionService).Assembly;

    [Theory]
    [InlineData("Transactions", "Jobs")]
    [InlineData("Transactions", "Computop")]
    [InlineData("Payments", "Transactions")]
    [InlineData("Payments", "Computop")]
    public void A_feature_does_not_depend_on_another_it_must_not_know(string feature, string unknown)
    {
        var offending = TypesOf(feature)
            .SelectMany(type => Dependencies(type).Where(d => d.Namespace == Features + unknown).Select(d => $"{type.FullName} → {d.FullName}"))
            .Distinct().ToList();

        Assert.True(offending.Count == 0, string.Join(Environment.NewLine, offending));
    }

    [Fact]
    public void The_computop_path_has_no_concept_of_klarnas_legacy_api()
    {
        string[] legacy = ["IKlarnaGateway", "KlarnaCredentials", "KlarnaFault", "KlarnaAction", "KlarnaCall", "PClass", "Digest", "Split", "OperationReconciler", "ReservationFlags"];

        var offending = TypesOf("Computop")
            .SelectMany(type => Dependencies(type).Where(d => legacy.Any(l => d.Name.Contains(l, StringComparison.Ordinal))).Select(d => $"{type.FullName} → {d.FullName}"))
            .Distinct().ToList();

        Assert.True(offending.Count == 0, string.Join(Environment.NewLine, offending));
        Assert.DoesNotContain(typeof(BackOffice.Computop.ComputopClient).Assembly.GetReferencedAssemblies(), a => a.Name == "BackOffice.Klarna");
    }

    [Fact]
    public void The_legacy_path_knows_nothing_of_computop()
    {
        Type[] legacyPath = [.. TypesOf("Klarna")];

        var offending = legacyPath
            .SelectMany(type => Dependencies(type).Where(d => d.Namespace?.StartsWith("BackOffice.Computop", StringComparison.Ordinal) == true || d.Namespace == Features + "Computop")
                .Select(d => $"{type.FullName} → {d.FullName}"))
            .Distinct().ToList();

        Assert.True(offending.Count == 0, string.Join(Environment.NewLine, offending));
        Assert.DoesNotContain(typeof(BackOffice.Klarna.IKlarnaGateway).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("BackOffice.Computop", StringComparison.Ordinal));
    }

    /// <summary>The types of a feature folder, with the compiler's closures and state machines inside them.</summary>
    private static IEnumerable<Type> TypesOf(string feature) =>
        App.GetTypes().Where(t => InFolder(t.Namespace, feature) || InFolder(t.DeclaringType?.Namespace, feature));

    private static bool InFolder(string? @namespace, string feature) =>
        @namespace == Features + feature || @namespace?.StartsWith(Features + feature + ".", StringComparison.Ordinal) == true;

    /// <summary>Every type a type's members name: base type, fields, properties, constructors' and methods' parameters and returns, generic arguments.</summary>
    private static IEnumerable<Type> Dependencies(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        IEnumerable<Type> named =
        [
            .. type.BaseType is { } baseType ? [baseType] : Array.Empty<Type>(),
            .. type.GetInterfaces(),
            .. type.GetFields(all).Select(f => f.FieldType),
            .. type.GetProperties(all).Select(p => p.PropertyType),
            .. type.GetConstructors(all).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType),
            .. type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)),
        ];
        return named.SelectMany(Unwrap).Distinct();
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
            return Unwrap(type.GetElementType()!);
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type) : [type];
    }
}
