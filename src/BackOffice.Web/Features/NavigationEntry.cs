namespace BackOffice.Web.Features;

/// <summary>
/// A page in the main navigation, for those <paramref name="Policy"/> lets in, at <paramref name="Order"/>: the core's
/// pages are listed by the menu itself, a provider module's are in its descriptor (such as its batch files).
/// </summary>
public sealed record NavigationEntry(string Href, string Title, string Icon, string Policy, int Order);
