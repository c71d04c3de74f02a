namespace BackOffice.KlarnaRest;

/// <summary>The region whose hosts serve a merchant: credentials of one region do not work in another.</summary>
public enum KlarnaRegion
{
    EU,
    NA,
    OC,
}

/// <summary>
/// One merchant's API credentials (HTTP Basic) and the host they belong to: Klarna's host for the region and
/// environment (<see cref="KlarnaHosts"/>), or a sandbox's address, which serves the same paths.
/// </summary>
public sealed record KlarnaRestCredentials(Uri BaseAddress, string Username, string Password)
{
    /// <summary>Never the password.</summary>
    public override string ToString() => $"{Username} at {BaseAddress}";
}

public static class KlarnaHosts
{
    /// <summary>Klarna's host for a region, live or playground (the test environment).</summary>
    public static Uri Of(KlarnaRegion region, bool live)
    {
        var suffix = region switch
        {
            KlarnaRegion.NA => "-na",
            KlarnaRegion.OC => "-oc",
            _ => "",
        };
        return new Uri($"https://api{suffix}{(live ? "" : ".playground")}.klarna.com/");
    }
}
