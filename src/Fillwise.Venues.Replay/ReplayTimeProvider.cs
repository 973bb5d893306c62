namespace Fillwise.Venues.Replay;

/// <summary>
/// Replay time: "now" is the event loop's clock, and timers fire inside the loop at their due time, so
/// components written against <see cref="TimeProvider"/> behave identically in a replay and live.
/// </summary>
public sealed class ReplayTimeProvider : TimeProvider
{
    private readonly ReplayVenue _venue;

    internal ReplayTimeProvider(ReplayVenue venue) => _venue = venue;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => _venue.NowNs;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(_venue.NowNs / 100);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ReplayTimer(_venue, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}

/// <summary>A timer on the replay clock. Changing or disposing it invalidates what was already scheduled.</summary>
internal sealed class ReplayTimer(ReplayVenue venue, TimerCallback callback, object? state) : ITimer
{
    private long _generation;
    private long _periodNs;
    private bool _disposed;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return false;
        }
        _generation++;
        _periodNs = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks * 100;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            venue.ScheduleProviderTimer(this, venue.NowNs + Math.Max(0, dueTime.Ticks * 100), _generation);
        }
        return true;
    }

    internal void Fire(long generation)
    {
        if (_disposed || generation != _generation)
        {
            return;
        }
        if (_periodNs > 0)
        {
            venue.ScheduleProviderTimer(this, venue.NowNs + _periodNs, _generation);
        }
        callback(state);
    }

    public void Dispose() => _disposed = true;

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }
}
