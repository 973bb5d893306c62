using Fillwise.Core;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData.Books;

public enum BookSyncState
{
    /// <summary>No usable snapshot yet (or the last one was invalidated by a gap): diffs are buffered.</summary>
    AwaitingSnapshot,

    /// <summary>A snapshot was loaded; waiting for the first diff that bridges it (U &lt;= lastUpdateId &lt;= u).</summary>
    AwaitingFirstDiff,

    /// <summary>The book is a faithful image of the exchange's book.</summary>
    Synced,
}

public enum DiffOutcome
{
    Applied,
    Buffered,

    /// <summary>Older than the snapshot (futures: u &lt; lastUpdateId; spot: u &lt;= lastUpdateId): dropped, as Binance's procedure says.</summary>
    Stale,

    /// <summary>A break in the id chain: counted as a gap; the book is invalid until the next snapshot.</summary>
    Gap,
}

public sealed record OrderBookOptions
{
    /// <summary>Diffs kept while waiting for a snapshot; beyond this the oldest are dropped (and counted).</summary>
    public int MaxBufferedDiffs { get; init; } = 10_000;

    /// <summary>Which of Binance's sync rules applies: futures (USDⓈ-M, COIN-M: the <c>pu</c> chain) or spot.</summary>
    public Market Market { get; init; } = Market.UsdM;
}

/// <summary>One depth diff as the book consumes it: the update ids and the changed levels (spans into the producer's buffers).</summary>
public readonly ref struct DepthUpdate(UpdateIds ids, ReadOnlySpan<Level> bids, ReadOnlySpan<Level> asks)
{
    public UpdateIds Ids { get; } = ids;
    public ReadOnlySpan<Level> Bids { get; } = bids;
    public ReadOnlySpan<Level> Asks { get; } = asks;
}

/// <summary>
/// An L2 order book kept in sync with Binance's documented procedure. Diffs received before the snapshot are
/// buffered. Futures (USDⓈ-M, COIN-M): diffs with u &lt; lastUpdateId are dropped, the first applied diff has
/// U &lt;= lastUpdateId &lt;= u, every next diff has pu == the previous diff's u. Spot (no pu): diffs with
/// u &lt;= lastUpdateId are dropped, the first applied diff has U &lt;= lastUpdateId + 1 &lt;= u, every next
/// diff has U == the previous u + 1. A break is a counted gap and the book stays invalid
/// (<see cref="IsValid"/> false) until a new snapshot arrives. The book is fed typed updates
/// (<see cref="Apply(in DepthUpdate)"/>, <see cref="ApplySnapshot(long, ReadOnlySpan{Level}, ReadOnlySpan{Level})"/>,
/// <see cref="ApplyTicker"/>); it does not know where they come from (a capture, a catalog, a live feed).
/// The best bid/ask from the bookTicker stream is tracked alongside (<see cref="Ticker"/>).
/// </summary>
public sealed class OrderBook(Symbol symbol, OrderBookOptions? options = null)
{
    private readonly int _maxBuffered = (options ?? new OrderBookOptions()).MaxBufferedDiffs;
    private readonly bool _spot = (options ?? new OrderBookOptions()).Market == Market.Spot;
    private readonly Queue<(UpdateIds Ids, Level[] Bids, Level[] Asks)> _buffer = new();

    public Symbol Symbol { get; } = symbol;
    public Market Market { get; } = (options ?? new OrderBookOptions()).Market;
    public BookSide Bids { get; } = new(isBid: true);
    public BookSide Asks { get; } = new(isBid: false);
    public BookSyncState State { get; private set; } = BookSyncState.AwaitingSnapshot;
    public bool IsValid => State == BookSyncState.Synced;

    /// <summary>The update id the book reflects: the snapshot's lastUpdateId, then each applied diff's u.</summary>
    public long LastUpdateId { get; private set; }

    public long Gaps { get; private set; }
    public long AppliedDiffs { get; private set; }
    public long StaleDiffs { get; private set; }
    public long BufferOverflows { get; private set; }
    public long Snapshots { get; private set; }

    /// <summary>The latest bookTicker (by update id), or null before the first.</summary>
    public TopOfBook? Ticker { get; private set; }

    /// <summary>What a client is shown after an event: the top of this L2 book (and the trade, for a trade).</summary>
    public MarketUpdate ToMarketUpdate(MarketUpdateKind kind, long timeNs, TradeTick trade = default)
    {
        TryGetBestBid(out var bid);
        TryGetBestAsk(out var ask);
        return new MarketUpdate(Symbol, kind, timeNs, IsValid, bid.Price, bid.Quantity, ask.Price, ask.Quantity,
            trade.Price, trade.Quantity, trade.BuyerIsMaker ? Side.Sell : Side.Buy, default);
    }

    public bool TryGetBestBid(out Level level)
    {
        level = default;
        return IsValid && Bids.TryGetBest(out level);
    }

    public bool TryGetBestAsk(out Level level)
    {
        level = default;
        return IsValid && Asks.TryGetBest(out level);
    }

    /// <summary>Applies (or, before a snapshot, buffers a copy of) one diff. Allocates only when buffering.</summary>
    public DiffOutcome Apply(in DepthUpdate update)
    {
        if (State == BookSyncState.AwaitingSnapshot)
        {
            Buffer(update.Ids, update.Bids.ToArray(), update.Asks.ToArray());
            return DiffOutcome.Buffered;
        }
        return ApplyLoaded(update.Ids, update.Bids, update.Asks);
    }

    public DiffOutcome ApplyDiff(DepthDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return Apply(new DepthUpdate(new UpdateIds(diff.FirstUpdateId, diff.FinalUpdateId, diff.PreviousFinalUpdateId), diff.Bids.AsSpan(), diff.Asks.AsSpan()));
    }

    public void ApplySnapshot(DepthSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ApplySnapshot(snapshot.LastUpdateId, snapshot.Bids.AsSpan(), snapshot.Asks.AsSpan());
    }

    public void ApplySnapshot(long lastUpdateId, ReadOnlySpan<Level> bids, ReadOnlySpan<Level> asks)
    {
        Bids.Load(bids);
        Asks.Load(asks);
        LastUpdateId = lastUpdateId;
        State = BookSyncState.AwaitingFirstDiff;
        Snapshots++;
        // Replay what arrived before the snapshot. After a gap the rest is buffered again for the next snapshot.
        var pending = _buffer.ToArray();
        _buffer.Clear();
        foreach (var (ids, b, a) in pending)
        {
            if (State == BookSyncState.AwaitingSnapshot)
            {
                Buffer(ids, b, a);
            }
            else
            {
                ApplyLoaded(ids, b, a);
            }
        }
    }

    public void ApplyTicker(TopOfBook ticker)
    {
        if (Ticker is not { } current || ticker.UpdateId >= current.UpdateId)
        {
            Ticker = ticker;
        }
    }

    private void Buffer(UpdateIds ids, Level[] bids, Level[] asks)
    {
        if (_buffer.Count == _maxBuffered)
        {
            _buffer.Dequeue();
            BufferOverflows++;
        }
        _buffer.Enqueue((ids, bids, asks));
    }

    /// <summary>Applies a diff once a snapshot is loaded (buffering happens before this).</summary>
    private DiffOutcome ApplyLoaded(UpdateIds ids, ReadOnlySpan<Level> bids, ReadOnlySpan<Level> asks)
    {
        switch (State)
        {
            case BookSyncState.AwaitingFirstDiff:
                // Spot ids count updates one by one (the next after lastUpdateId is lastUpdateId + 1); futures
                // diffs may start at the snapshot's own id.
                var bridge = _spot ? LastUpdateId + 1 : LastUpdateId;
                if (ids.Final < bridge)
                {
                    StaleDiffs++;
                    return DiffOutcome.Stale;
                }
                if (ids.First > bridge)
                {
                    // The stream has moved past the snapshot: updates between them are lost.
                    return MarkGap();
                }
                break;
            case BookSyncState.Synced:
                if (_spot ? ids.First != LastUpdateId + 1 : ids.PreviousFinal != LastUpdateId)
                {
                    return MarkGap();
                }
                break;
        }
        foreach (var level in bids)
        {
            Bids.Set(level.Price, level.Quantity);
        }
        foreach (var level in asks)
        {
            Asks.Set(level.Price, level.Quantity);
        }
        LastUpdateId = ids.Final;
        State = BookSyncState.Synced;
        AppliedDiffs++;
        return DiffOutcome.Applied;
    }

    private DiffOutcome MarkGap()
    {
        Gaps++;
        State = BookSyncState.AwaitingSnapshot;
        return DiffOutcome.Gap;
    }
}
