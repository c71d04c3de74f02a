namespace BackOffice.Web.Features;

public static class Roles
{
    public const string Administrator = nameof(Administrator);
    public const string Operator = nameof(Operator);
    public const string Viewer = nameof(Viewer);

    public static IReadOnlyList<string> All { get; } = [Administrator, Operator, Viewer];
}
