namespace Fillwise.Exchange;

/// <summary>
/// The exchange's clock: wall time (an injected TimeProvider) plus a skew that fault injection can set, so a
/// client's timestamps can be made to fall outside recvWindow (-1021). serverTime, E and T all read it.
/// </summary>
public sealed class ExchangeClock(TimeProvider wall)
{
    private long _skewMs;

    public TimeProvider Wall { get; } = wall;

    public long SkewMs
    {
        get => Interlocked.Read(ref _skewMs);
        set => Interlocked.Exchange(ref _skewMs, value);
    }

    /// <summary>The exchange's time as its clients see it: wall time plus the injected <see cref="SkewMs"/> fault.</summary>
    public long NowMs => WallMs + SkewMs;

    /// <summary>Wall time without the skew fault: for the server's own windows, which a skewed clock must not slide.</summary>
    public long WallMs => Wall.GetUtcNow().ToUnixTimeMilliseconds();
}
