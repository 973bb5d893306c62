namespace Fillwise.Venues.Replay;

/// <summary>Counters of one replay, for the run summary and the tests.</summary>
public sealed class ReplayStats
{
    private readonly SortedDictionary<int, long> _rejects = [];

    public long MarketEvents { get; internal set; }
    /// <summary>Recorded events whose timestamp was behind the replay clock; processed at the clock's time.</summary>
    public long LateEvents { get; internal set; }
    public long OrdersReceived { get; internal set; }
    public long OrdersAccepted { get; internal set; }
    public long Fills { get; internal set; }
    public long MakerFills { get; internal set; }
    public long TakerFills { get; internal set; }
    public long Cancels { get; internal set; }
    public long CancelRejects { get; internal set; }
    public long Expired { get; internal set; }
    public long BookExhausted { get; internal set; }

    /// <summary>Rejections by Binance error code, sorted by code.</summary>
    public IReadOnlyDictionary<int, long> RejectsByCode => _rejects;

    internal void CountReject(int code) => _rejects[code] = _rejects.GetValueOrDefault(code) + 1;
}
