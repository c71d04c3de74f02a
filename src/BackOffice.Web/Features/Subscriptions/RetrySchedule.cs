using System.Globalization;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>
/// How a channel tries a refused period again, as its administrator sets it: the days waited before each new attempt.
/// While they last the subscription is past due; once they are spent it is terminated. No waits terminates at the first
/// refusal. A channel that set none waits 1, 3 and 7 days.
/// </summary>
public sealed class RetrySchedule
{
    public const int MaxAttempts = 10;
    public const int MaxDays = 60;

    public static readonly IReadOnlyList<int> Default = [1, 3, 7];

    private RetrySchedule()
    {
    }

    public RetrySchedule(int channelId, IReadOnlyList<int> days)
    {
        ChannelId = channelId;
        Change(days);
    }

    public int ChannelId { get; private set; }

    /// <summary>The waits in days, comma separated as they are entered ("1,3,7"); empty for none.</summary>
    public string Days { get; private set; } = "";

    public IReadOnlyList<int> Waits => Parse(Days).Days!;

    /// <summary>The waits of a channel whose schedule reads <paramref name="days"/>; the default where it set none.</summary>
    public static IReadOnlyList<int> Of(string? days) => days is null ? Default : Parse(days).Days!;

    public void Change(IReadOnlyList<int> days)
    {
        if (Error(days) is { } error)
            throw new BusinessRuleException(error);
        Days = string.Join(',', days.Select(d => d.ToString(CultureInfo.InvariantCulture)));
    }

    public static IReadOnlyList<TimeSpan> AsWaits(IReadOnlyList<int> days) => [.. days.Select(d => TimeSpan.FromDays(d))];

    /// <summary>The waits an administrator wrote ("1, 3, 7"; separated by commas or spaces), or why they cannot be.</summary>
    public static (IReadOnlyList<int>? Days, Message? Error) Parse(string? text)
    {
        var parts = (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var days = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var day))
                return (null, new Message("'{0}' is not a number of days.", part));
            days.Add(day);
        }
        return Error(days) is { } error ? (null, error) : (days, null);
    }

    private static Message? Error(IReadOnlyList<int> days) =>
        days.Count > MaxAttempts ? new Message("At most {0} new attempts.", MaxAttempts)
        : days.Any(d => d is < 1 or > MaxDays) ? new Message("Each wait is 1 to {0} days.", MaxDays)
        : null;
}

internal sealed class RetryScheduleConfiguration : IEntityTypeConfiguration<RetrySchedule>
{
    public void Configure(EntityTypeBuilder<RetrySchedule> schedule)
    {
        schedule.ToTable("RetrySchedules");
        schedule.HasKey(s => s.ChannelId);
        schedule.Property(s => s.ChannelId).ValueGeneratedNever();
        schedule.HasOne<Channel>().WithOne().HasForeignKey<RetrySchedule>(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
        schedule.Property(s => s.Days).HasMaxLength(40);
        schedule.Ignore(s => s.Waits);
    }
}
