using Fillwise.Core;

namespace Fillwise.Venues.Replay;

internal enum PendingKind : byte
{
    OrderArrival = 0,
    CancelArrival,
    DeliverOrderEvent,
    ListenerTimer,
    ProviderTimer,
}

/// <summary>The venue's own future events but market deliveries (their own lane). A struct union so scheduling allocates nothing.</summary>
internal readonly struct PendingEvent
{
    public PendingKind Kind { get; init; }
    public OrderRequest Order { get; init; }
    public OrderEvent OrderEvent { get; init; }
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
/// The venue's future events in time order, in two lanes merged by key. Market deliveries, the bulk of them (every
/// market event, for every venue of an evaluation), are due in the order they were published (the venue never
/// delivers market data out of order), so they wait in a FIFO ring and cost no heap operation. Everything else
/// goes through a heap of small (slot, key) pairs; each of those events (an order and an order event side by side)
/// is written once into a slot and read once, instead of being moved by
/// every sift of the heap, which cost an eighth of a month-of-bars replay. Keys are unique (a sequence number
/// breaks ties), so the merge gives exactly the order one heap of everything would.
/// </summary>
internal sealed class PendingQueue
{
    private readonly PriorityQueue<int, PendingKey> _order = new();
    private readonly Stack<int> _free = new();
    private PendingEvent[] _slots = new PendingEvent[64];
    private int _used;
    private (MarketUpdate Update, PendingKey Key)[] _market = new (MarketUpdate, PendingKey)[64];
    private int _marketHead;
    private int _marketCount;

    // A market update due now (no market-data latency): held here instead of the lane, and handed back right after
    // the market step that published it when nothing else is due before it (TryTakeDueNow), which is where the lane
    // would have delivered it next. Saves every venue of an evaluation a lane round trip per market event.
    private MarketUpdate _dueNow;
    private PendingKey _dueNowKey;
    private bool _hasDueNow;

    /// <summary>The next event's key, and whether it is a market delivery (<see cref="DequeueMarket"/>) or not (<see cref="Dequeue"/>).</summary>
    public bool TryPeekKey(out PendingKey key, out bool isMarket)
    {
        var hasOther = _order.TryPeek(out _, out key);
        isMarket = _marketCount > 0 && (!hasOther || _market[_marketHead].Key.CompareTo(key) < 0);
        if (isMarket)
        {
            key = _market[_marketHead].Key;
        }
        return hasOther || isMarket;
    }

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

    /// <summary>
    /// A market delivery; its key must not be below the last one enqueued here (FIFO). Due at <paramref name="nowNs"/>,
    /// the time of the market step publishing it, it is held for <see cref="TryTakeDueNow"/>.
    /// </summary>
    public void EnqueueMarket(in MarketUpdate update, PendingKey key, long nowNs)
    {
        if (key.TimeNs == nowNs && !_hasDueNow && _marketCount == 0)
        {
            _dueNow = update;
            _dueNowKey = key;
            _hasDueNow = true;
            return;
        }
        if (_hasDueNow)
        {
            _hasDueNow = false; // a second update in one step: both wait in the lane, in order
            EnqueueLane(_dueNow, _dueNowKey);
        }
        EnqueueLane(update, key);
    }

    /// <summary>
    /// After a market step, once the time of the next market event is known: the update held as due now, unless
    /// something else is due first (an ack or fill due now, scheduled during the step) or the next market event is
    /// earlier (data stepping back in time), in which case it waits in the lane.
    /// </summary>
    public bool TryTakeDueNow(bool hasNextMarket, long nextMarketNs, out MarketUpdate update)
    {
        update = default;
        if (!_hasDueNow)
        {
            return false;
        }
        _hasDueNow = false;
        if ((hasNextMarket && nextMarketNs < _dueNowKey.TimeNs) || (TryPeekKey(out var next, out _) && next.CompareTo(_dueNowKey) < 0))
        {
            EnqueueLane(_dueNow, _dueNowKey);
            return false;
        }
        update = _dueNow;
        return true;
    }

    private void EnqueueLane(in MarketUpdate update, PendingKey key)
    {
        if (_marketCount > 0 && key.CompareTo(_market[(_marketHead + _marketCount - 1) & (_market.Length - 1)].Key) < 0)
        {
            throw new InvalidOperationException("Market deliveries must be enqueued in time order.");
        }
        if (_marketCount == _market.Length)
        {
            var grown = new (MarketUpdate, PendingKey)[_market.Length * 2];
            for (var i = 0; i < _marketCount; i++)
            {
                grown[i] = _market[(_marketHead + i) & (_market.Length - 1)];
            }
            _market = grown;
            _marketHead = 0;
        }
        _market[(_marketHead + _marketCount) & (_market.Length - 1)] = (update, key); // the length stays a power of two
        _marketCount++;
    }

    /// <summary>The oldest market delivery (its only reference, the symbol's name, is long-lived: the slot is not cleared).</summary>
    public MarketUpdate DequeueMarket()
    {
        var update = _market[_marketHead].Update;
        _marketHead = (_marketHead + 1) & (_market.Length - 1);
        _marketCount--;
        return update;
    }
}
