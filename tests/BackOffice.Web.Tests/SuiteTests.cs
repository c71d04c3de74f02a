using System.Reflection;
using BackOffice.Web.Data;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests;

/// <summary>
/// scripts/test.sh runs the tests again on PostgreSQL by the database trait alone: a test that reaches a database without
/// it would never meet PostgreSQL, and one that starts an app outside the collection would share Hangfire's static state.
/// </summary>
public sealed class SuiteTests
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Type[] Tests = [.. typeof(SuiteTests).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()))];

    [Fact]
    public void Every_test_class_that_reaches_a_database_runs_in_the_database_collection_with_its_trait()
    {
        var reaching = ReachingADatabase();

        var outside = Tests.Where(t => reaching.Contains(t) && !(InCollection(t) && HasTrait(t))).Select(t => t.FullName).ToList();
        var mislabelled = Tests.Where(t => InCollection(t) != HasTrait(t)).Select(t => t.FullName).ToList();

        Assert.True(outside.Count == 0, "Reach a database outside the collection or without its trait: " + string.Join(", ", outside));
        Assert.True(mislabelled.Count == 0, "In the collection without its trait, or the other way round: " + string.Join(", ", mislabelled));
        Assert.Contains(typeof(Features.Transactions.TransactionServiceTests), reaching);
        Assert.Contains(typeof(Features.Computop.ComputopContract), reaching);
        Assert.DoesNotContain(typeof(Features.Transactions.MoneyDialogTests), reaching);
    }

    /// <summary>The types that name an app, a test database or a context, directly or through other types of this assembly.</summary>
    private static HashSet<Type> ReachingADatabase()
    {
        var own = typeof(SuiteTests).Assembly.GetTypes().Where(t => t.DeclaringType is null).ToList();
        var named = own.ToDictionary(t => t, t => Named(t).ToHashSet());
        var reaching = new HashSet<Type> { typeof(BackOfficeAppFactory), typeof(TestDatabase), typeof(BackOfficeDbContext) };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var type in own.Where(t => !reaching.Contains(t) && named[t].Any(d => reaching.Contains(d) || d.IsSubclassOf(typeof(BackOfficeDbContext)))))
                grew |= reaching.Add(type);
        }
        return reaching;
    }

    /// <summary>Every type a type and its nested types (closures, state machines) name: base, fields, signatures, locals.</summary>
    private static IEnumerable<Type> Named(Type type)
    {
        IEnumerable<Type> named =
        [
            .. type.BaseType is { } baseType ? [baseType] : Array.Empty<Type>(),
            .. type.GetFields(All).Select(f => f.FieldType),
            .. type.GetProperties(All).Select(p => p.PropertyType),
            .. type.GetConstructors(All).SelectMany(c => c.GetParameters().Select(p => p.ParameterType).Concat(Locals(c))),
            .. type.GetMethods(All).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).Concat(Locals(m))),
            .. type.GetNestedTypes(All).SelectMany(Named),
        ];
        return named.SelectMany(Unwrap).Select(t => t.DeclaringType is { } outer && outer.Assembly == type.Assembly ? Outermost(t) : t);
    }

    private static IEnumerable<Type> Locals(MethodBase method) => method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? [];

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
            return Unwrap(type.GetElementType()!);
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type) : [type];
    }

    private static bool InCollection(Type type) => type.GetCustomAttributesData().Concat(BaseAttributes(type))
        .Any(a => a.AttributeType == typeof(CollectionAttribute) && Equals(a.ConstructorArguments[0].Value, AppCollection.Name));

    private static bool HasTrait(Type type) => type.GetCustomAttributesData().Concat(BaseAttributes(type))
        .Any(a => a.AttributeType == typeof(TraitAttribute) && Equals(a.ConstructorArguments[0].Value, AppCollection.Trait) && Equals(a.ConstructorArguments[1].Value, AppCollection.Name));

    private static IEnumerable<CustomAttributeData> BaseAttributes(Type type) =>
        type.BaseType is { } baseType && baseType != typeof(object) ? baseType.GetCustomAttributesData().Concat(BaseAttributes(baseType)) : [];
}
