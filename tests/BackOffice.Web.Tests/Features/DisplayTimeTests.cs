using BackOffice.Web.Features;
using Microsoft.Extensions.Configuration;

namespace BackOffice.Web.Tests.Features;

public sealed class DisplayTimeTests
{
    private static DisplayTime With(string? zone) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Display:TimeZone"] = zone }).Build());

    [Fact]
    public void Times_are_shown_in_berlin_by_default_and_say_so_in_summer_and_winter()
    {
        var display = With(null);

        Assert.Equal("2026-12-02 15:52 Berlin time", display.Format(new DateTimeOffset(2026, 12, 2, 14, 52, 0, TimeSpan.Zero)));
        Assert.Equal("2026-07-01 14:00:05 Berlin time", display.Format(new DateTimeOffset(2026, 7, 1, 12, 0, 5, TimeSpan.Zero), seconds: true));
        Assert.Equal("Created (Berlin time)", display.Column("Created"));
        Assert.Equal("never", display.Format(null, "never"));
    }

    [Fact]
    public void Another_zone_is_configured_by_its_iana_id_and_an_unknown_one_stops_the_start()
    {
        Assert.Equal("2026-12-02 15:52 Stockholm time", With("Europe/Stockholm").Format(new DateTimeOffset(2026, 12, 2, 9, 52, 0, TimeSpan.FromHours(-5))));
        Assert.Equal("2026-12-02 14:52 UTC", With("UTC").Format(new DateTimeOffset(2026, 12, 2, 14, 52, 0, TimeSpan.Zero)));
        Assert.Contains("Mars/Olympus", Assert.Throws<BackOffice.Web.Features.StartupRefusedException>(() => With("Mars/Olympus")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_who_chose_a_zone_reads_times_in_it_and_an_unknown_choice_falls_back()
    {
        var backOffice = With(null);
        static System.Security.Claims.ClaimsPrincipal User(string? zone) => new(new System.Security.Claims.ClaimsIdentity(
            zone is null ? [] : [new System.Security.Claims.Claim(BackOffice.Web.Features.Users.StaffClaimsFactory.TimeZoneClaim, zone)], "Test"));
        var at = new DateTimeOffset(2026, 12, 2, 14, 52, 0, TimeSpan.Zero);

        Assert.Equal("2026-12-02 23:52 Tokyo time", backOffice.For(User("Asia/Tokyo")).Format(at));
        Assert.Equal("2026-12-02 09:52 New York time", backOffice.For(User("America/New_York")).Format(at));
        Assert.Same(backOffice, backOffice.For(User(null)));
        Assert.Same(backOffice, backOffice.For(User("Mars/Olympus")));
        Assert.Same(backOffice, backOffice.For(null));
        Assert.Contains("Asia/Tokyo", DisplayTime.Choices);
        Assert.DoesNotContain(DisplayTime.Choices, id => id.StartsWith("Etc/", StringComparison.Ordinal));
    }
}
