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

    public long NowMs => Wall.GetUtcNow().ToUnixTimeMilliseconds() + SkewMs;
}
