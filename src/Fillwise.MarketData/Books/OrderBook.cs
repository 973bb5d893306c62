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

    /// <summary>Older than the snapshot (u &lt; lastUpdateId): dropped, as Binance's procedure says.</summary>
    Stale,

    /// <summary>A break in the id chain: counted as a gap; the book is invalid until the next snapshot.</summary>
    Gap,
}

public sealed record OrderBookOptions
{
    /// <summary>Diffs kept while waiting for a snapshot; beyond this the oldest are dropped (and counted).</summary>
    public int MaxBufferedDiffs { get; init; } = 10_000;
}

/// <summary>
/// An L2 order book kept in sync with Binance USDⓈ-M's documented procedure: diffs received before the
/// snapshot are buffered; diffs with u &lt; lastUpdateId are dropped; the first applied diff must satisfy
/// U &lt;= lastUpdateId &lt;= u; every next diff must have pu == the previous diff's u. A break is a counted
/// gap and the book stays invalid (<see cref="IsValid"/> false) until a new snapshot arrives. The best
/// bid/ask from the bookTicker stream is tracked alongside (<see cref="Ticker"/>).
/// </summary>
public sealed class OrderBook(Symbol symbol, OrderBookOptions? options = null)
{
    private readonly int _maxBuffered = (options ?? new OrderBookOptions()).MaxBufferedDiffs;
    private readonly Queue<DepthDiff> _buffer = new();

    public Symbol Symbol { get; } = symbol;
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

    /// <summary>Feeds the reader's current event to the book if it is a depth event of this symbol.</summary>
    public void Apply(CaptureReader reader)
    {
        if (reader.Symbol != Symbol)
        {
            return;
        }
        switch (reader.Kind)
        {
            case CaptureEventKind.DepthUpdate:
                if (State == BookSyncState.AwaitingSnapshot)
                {
                    Buffer((DepthDiff)reader.ToRecord());
                }
                else
                {
                    ApplyDiff(reader.UpdateIds, reader.Bids, reader.Asks);
                }
                break;
            case CaptureEventKind.Snapshot:
                ApplySnapshot(reader.UpdateIds.Final, reader.Bids, reader.Asks);
                break;
            case CaptureEventKind.BookTicker:
                ApplyTicker(reader.TopOfBook);
                break;
        }
    }

    public DiffOutcome ApplyDiff(DepthDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        if (State == BookSyncState.AwaitingSnapshot)
        {
            Buffer(diff);
            return DiffOutcome.Buffered;
        }
        return ApplyDiff(new UpdateIds(diff.FirstUpdateId, diff.FinalUpdateId, diff.PreviousFinalUpdateId), diff.Bids.AsSpan(), diff.Asks.AsSpan());
    }

    public void ApplySnapshot(DepthSnapshot snapshot) =>
        ApplySnapshot(snapshot.LastUpdateId, snapshot.Bids.AsSpan(), snapshot.Asks.AsSpan());

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
        foreach (var diff in pending)
        {
            ApplyDiff(diff);
        }
    }

    public void ApplyTicker(TopOfBook ticker)
    {
        if (Ticker is not { } current || ticker.UpdateId >= current.UpdateId)
        {
            Ticker = ticker;
        }
    }

    private void Buffer(DepthDiff diff)
    {
        if (_buffer.Count == _maxBuffered)
        {
            _buffer.Dequeue();
            BufferOverflows++;
        }
        _buffer.Enqueue(diff);
    }

    /// <summary>Applies a diff once a snapshot is loaded (buffering happens before this).</summary>
    private DiffOutcome ApplyDiff(UpdateIds ids, ReadOnlySpan<Level> bids, ReadOnlySpan<Level> asks)
    {
        switch (State)
        {
            case BookSyncState.AwaitingFirstDiff:
                if (ids.Final < LastUpdateId)
                {
                    StaleDiffs++;
                    return DiffOutcome.Stale;
                }
                if (ids.First > LastUpdateId)
                {
                    // The stream has moved past the snapshot: updates between them are lost.
                    return MarkGap();
                }
                break;
            case BookSyncState.Synced:
                if (ids.PreviousFinal != LastUpdateId)
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
