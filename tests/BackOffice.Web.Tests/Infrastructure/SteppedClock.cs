namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// A clock a test sets and steps, whose timers run in real time. A fake clock fires every tick of the app's periodic
/// timers on its way (a month of a half-minute reload is tens of thousands of callbacks); where a test jumps days at a
/// time and waits for nothing on the clock, this one makes the jump free.
/// </summary>
public sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);

    public void SetUtcNow(DateTimeOffset now) => Interlocked.Exchange(ref ticks, now.UtcTicks);
}
