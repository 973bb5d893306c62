namespace Fillwise.Exchange;

/// <summary>
/// Faults a client's tests can inject (POST /admin/faults, loopback only): each one reproduces something Binance
/// does to a client — dropped sockets, an expired listenKey, 429s, a clock that disagrees, a slow network.
/// </summary>
public sealed record FaultRequest
{
    /// <summary>Drop every WebSocket (market and user data) now, without a close handshake.</summary>
    public bool DropConnections { get; init; }

    /// <summary>Expire every listenKey now: its sockets get listenKeyExpired and close; keep-alives then fail with -1125.</summary>
    public bool ExpireListenKeys { get; init; }

    /// <summary>Answer the next N REST requests with 429 / -1003 (Retry-After: 1).</summary>
    public int? Force429 { get; init; }

    /// <summary>Shift the exchange clock by this many ms (serverTime, recvWindow checks, event times); replaces the previous skew.</summary>
    public long? ClockSkewMs { get; init; }

    /// <summary>Delay every REST response by this many ms; replaces the previous latency (0 = none).</summary>
    public long? LatencyMs { get; init; }
}

/// <summary>The faults in force (thread-safe).</summary>
internal sealed class FaultState
{
    private int _force429;
    private long _latencyMs;

    public int Force429Remaining => Volatile.Read(ref _force429);

    public long LatencyMs
    {
        get => Interlocked.Read(ref _latencyMs);
        set => Interlocked.Exchange(ref _latencyMs, Math.Max(0, value));
    }

    public void SetForce429(int count) => Volatile.Write(ref _force429, Math.Max(0, count));

    /// <summary>Consumes one forced 429; true when this request gets it.</summary>
    public bool TakeForced429()
    {
        while (true)
        {
            var current = Volatile.Read(ref _force429);
            if (current <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _force429, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
