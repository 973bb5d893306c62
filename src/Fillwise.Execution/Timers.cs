namespace Fillwise.Execution;

internal enum TimerKind : byte
{
    /// <summary>Periodic health snapshot and intel refresh.</summary>
    Health,
    /// <summary>A signal source asked to be woken; the payload is its own.</summary>
    SignalSource,
    /// <summary>A maker child's timeout; the payload is the child order id.</summary>
    MakerTimeout,
}

internal readonly record struct TimerEntry(TimerKind Kind, long Payload, Signals.ISignalSource? Source = null);

/// <summary>
/// Typed timers over the venue's token timers: each timer gets a fresh token mapped to what it is for, so
/// nothing is bit-packed and a stale token is simply unknown. Allocation-free once the map has grown.
/// </summary>
internal sealed class Timers(IVenue venue)
{
    private readonly Dictionary<long, TimerEntry> _due = [];
    private long _nextToken;

    public void At(long dueNs, TimerEntry entry)
    {
        var token = ++_nextToken;
        _due.Add(token, entry);
        venue.SetTimer(dueNs, token);
    }

    public bool TryTake(long token, out TimerEntry entry) => _due.Remove(token, out entry);
}
