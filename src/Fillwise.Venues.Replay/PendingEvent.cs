using Fillwise.Core;

namespace Fillwise.Venues.Replay;

internal enum PendingKind : byte
{
    OrderArrival = 0,
    CancelArrival,
    DeliverOrderEvent,
    DeliverMarket,
    ListenerTimer,
    ProviderTimer,
}

/// <summary>The venue's own future events. A struct union so scheduling allocates nothing.</summary>
internal readonly struct PendingEvent
{
    public PendingKind Kind { get; init; }
    public OrderRequest Order { get; init; }
    public OrderEvent OrderEvent { get; init; }
    public MarketUpdate Market { get; init; }
    public long Token { get; init; }
    public Symbol Symbol { get; init; }
    public ReplayTimer? Timer { get; init; }
}

/// <summary>Time first, then scheduling order: equal times run in the order they were scheduled.</summary>
internal readonly record struct PendingKey(long TimeNs, long Sequence) : IComparable<PendingKey>
{
    public int CompareTo(PendingKey other)
    {
        var byTime = TimeNs.CompareTo(other.TimeNs);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }
}
