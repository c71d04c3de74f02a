namespace BackOffice.Web.Features;

/// <summary>What a save changed, in words for the audit log: "Enabled: Off → On"; secrets never pass through here.</summary>
public static class SettingChanges
{
    public static void Add<T>(List<Message> changes, string what, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
            changes.Add(new("{0}: {1} → {2}", new Message(what), Describe(before), Describe(after)));
    }

    private static object Describe<T>(T value) => value switch
    {
        null => new Message("not set"),
        bool flag => new Message(flag ? "On" : "Off"),
        _ => value,
    };
}
