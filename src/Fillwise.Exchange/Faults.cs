namespace Fillwise.Exchange;

/// <summary>
/// Faults a client's tests can inject (POST /admin/faults, loopback only): each one reproduces something Binance
/// does to a client — dropped sockets, an expired listenKey, 429s, a clock that disagrees, a slow network.
/// </summary>
public sealed record FaultRequest
{
    /// <summary>Drop every WebSocket (market and user data) now, without a close handshake.</summary>
    public bool DropConnections { get; init; }

    /// <summary>Drop only the market-data WebSockets now.</summary>
    public bool DropMarketStreams { get; init; }

    /// <summary>Drop only the user-data WebSockets now (their listenKeys stay valid).</summary>
    public bool DropUserStreams { get; init; }

    /// <summary>
    /// Execute the next N order placements and cancels but answer 503 / -1007 ("execution status unknown"), as
    /// Binance does on a backend timeout: the client must query by client order id before any resend.
    /// </summary>
    public int? UnknownOutcome { get; init; }

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
    private int _unknownOutcome;
    private long _latencyMs;

    public int Force429Remaining => Volatile.Read(ref _force429);

    public long LatencyMs
    {
        get => Interlocked.Read(ref _latencyMs);
        set => Interlocked.Exchange(ref _latencyMs, Math.Max(0, value));
    }

    public int UnknownOutcomeRemaining => Volatile.Read(ref _unknownOutcome);

    public void SetForce429(int count) => Volatile.Write(ref _force429, Math.Max(0, count));

    public void SetUnknownOutcome(int count) => Volatile.Write(ref _unknownOutcome, Math.Max(0, count));

    /// <summary>Consumes one forced 429; true when this request gets it.</summary>
    public bool TakeForced429() => Take(ref _force429);

    /// <summary>Consumes one unknown outcome; true when this order request's answer is replaced by -1007.</summary>
    public bool TakeUnknownOutcome() => Take(ref _unknownOutcome);

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
