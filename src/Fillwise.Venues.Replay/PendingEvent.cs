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

/// <summary>
/// The venue's future events in time order. The heap orders small (slot, key) pairs; each event (a few hundred
/// bytes: an order, an order event and a market update side by side) is written once into a slot and read once,
/// instead of being moved by every sift of the heap, which cost an eighth of a month-of-bars replay.
/// </summary>
internal sealed class PendingQueue
{
    private readonly PriorityQueue<int, PendingKey> _order = new();
    private readonly Stack<int> _free = new();
    private PendingEvent[] _slots = new PendingEvent[64];
    private int _used;

    public bool TryPeekKey(out PendingKey key) => _order.TryPeek(out _, out key);

    public void Enqueue(in PendingEvent pending, PendingKey key)
    {
        if (!_free.TryPop(out var slot))
        {
            if (_used == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }
            slot = _used++;
        }
        _slots[slot] = pending;
        _order.Enqueue(slot, key);
    }

    public PendingEvent Dequeue()
    {
        var slot = _order.Dequeue();
        var pending = _slots[slot];
        _slots[slot] = default; // drop its references (orders, timers) for the collector
        _free.Push(slot);
        return pending;
    }
}
