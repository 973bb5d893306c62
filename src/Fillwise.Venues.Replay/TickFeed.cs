using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Venues.Replay;

/// <summary>
/// The market-data half of tick mode: event sources merged by receive time and one L2 book per symbol rebuilt with
/// its market's sync rules. The book depends on the data only, never on anyone's orders, so venues that replay the
/// same data in lockstep (<see cref="ReplayVenueGroup"/>) share one feed and build the book once; each venue's
/// <see cref="TickMarket"/> keeps its own orders, queue positions and consumed liquidity on top of it.
/// One step of the feed is <see cref="Apply"/> (the next event into its book; the event stays readable in
/// <see cref="Current"/>) and then <see cref="MoveNext"/>.
/// </summary>
internal sealed class TickFeed : IDisposable
{
    private readonly IMarketEventSource[] _readers;
    private readonly bool[] _hasEvent;
    private readonly Dictionary<Symbol, int> _indexes = [];
    private readonly List<OrderBook> _books = [];
    private int _current = -1;

    public TickFeed(IReadOnlyList<IMarketEventSource> readers)
    {
        _readers = [.. readers];
        _hasEvent = new bool[_readers.Length];
        for (var i = 0; i < _readers.Length; i++)
        {
            _hasEvent[i] = _readers[i].MoveNext();
        }
    }

    /// <summary>The event last applied, read in place (valid until <see cref="MoveNext"/>).</summary>
    public IMarketEventSource Current => _readers[_current];

    /// <summary>The book of the event last applied.</summary>
    public OrderBook CurrentBook { get; private set; } = null!;

    /// <summary>Its symbol's number: 0, 1, ... in the order the symbols first appear in the data.</summary>
    public int CurrentSymbolIndex { get; private set; }

    /// <summary>The kind of the event last applied.</summary>
    public CaptureEventKind CurrentKind { get; private set; }

    /// <summary>
    /// What a client sees of the event last applied, when it is one a venue publishes (a depth update or snapshot: the
    /// top of the L2 book; a trade: the top and the trade); default for the others. Built once here for every venue of
    /// a group: it depends on the book alone, which no order changes.
    /// </summary>
    public MarketUpdate CurrentUpdate { get; private set; }

    /// <summary>The books built so far, one per symbol met in the data, sorted by symbol.</summary>
    public IReadOnlyList<OrderBook> Books => [.. _books.OrderBy(b => b.Symbol.Value, StringComparer.Ordinal)];

    /// <summary>Receive time of the next event not yet applied; false when the data is exhausted.</summary>
    public bool TryPeekTime(out long timeNs)
    {
        var index = NextReader();
        timeNs = index >= 0 ? _readers[index].ReceiveTimeNs : 0;
        return index >= 0;
    }

    /// <summary>Applies the next event to its symbol's book (a diff-depth gap is counted on the meter).</summary>
    public void Apply()
    {
        _current = NextReader();
        var reader = _readers[_current];
        if (!_indexes.TryGetValue(reader.Symbol, out var index))
        {
            index = _books.Count;
            _indexes.Add(reader.Symbol, index);
            _books.Add(new OrderBook(reader.Symbol, new OrderBookOptions { Market = reader.Market }));
        }
        var book = _books[index];
        CurrentBook = book;
        CurrentSymbolIndex = index;
        CurrentKind = reader.Kind;
        switch (reader.Kind)
        {
            case CaptureEventKind.Snapshot:
                book.ApplySnapshot(reader.UpdateIds.Final, reader.Bids, reader.Asks);
                CurrentUpdate = book.ToMarketUpdate(MarketUpdateKind.Book, reader.ReceiveTimeNs);
                break;
            case CaptureEventKind.DepthUpdate:
                if (book.Apply(reader.Depth()) == DiffOutcome.Gap)
                {
                    ExecutionMetrics.BookGap(book.Symbol);
                }
                CurrentUpdate = book.ToMarketUpdate(MarketUpdateKind.Book, reader.ReceiveTimeNs);
                break;
            case CaptureEventKind.Trade:
                CurrentUpdate = book.ToMarketUpdate(MarketUpdateKind.Trade, reader.ReceiveTimeNs, reader.Trade);
                break;
            case CaptureEventKind.BookTicker:
                // Kept on the book for inspection; matching and quotes come from the L2 book alone, so the
                // prices a client sees are the prices it can be matched against.
                book.ApplyTicker(reader.TopOfBook);
                CurrentUpdate = default;
                break;
            default:
                CurrentUpdate = default;
                break;
        }
    }

    /// <summary>Moves past the event last applied.</summary>
    public void MoveNext() => _hasEvent[_current] = _readers[_current].MoveNext();

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }

    private int NextReader()
    {
        var best = -1;
        for (var i = 0; i < _readers.Length; i++)
        {
            if (_hasEvent[i] && (best < 0 || _readers[i].ReceiveTimeNs < _readers[best].ReceiveTimeNs))
            {
                best = i;
            }
        }
        return best;
    }
}
