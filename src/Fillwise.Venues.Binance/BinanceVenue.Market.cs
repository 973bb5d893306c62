using System.Globalization;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Venues.Binance;

/// <summary>
/// Market data: one combined WebSocket (diff depth, bookTicker, trade per symbol) parsed by the capture reader
/// in message mode and applied to the same <see cref="OrderBook"/> as a replay; a gap, or any reconnect, starts
/// the book again from a REST depth snapshot (diffs are buffered meanwhile, as Binance's procedure says).
/// </summary>
public sealed partial class BinanceVenue
{
    private readonly Dictionary<Symbol, OrderBook> _books = [];
    private readonly HashSet<Symbol> _snapshotPending = [];
    private readonly CaptureReader _parser = CaptureReader.ForMessages();
    private WebSocketFeed? _market;

    /// <summary>Parse errors of market messages (counted, never fatal).</summary>
    public long MarketParseErrors => _parser.Stats.Errors.Count;

    /// <summary>The market stream (tests drop it to check reconnect and resync).</summary>
    internal WebSocketFeed? MarketFeed => _market;

    public bool BookIsValid(Symbol symbol) => _books.TryGetValue(symbol, out var book) && book.IsValid;

    /// <summary>Quantity resting on the best <paramref name="levels"/> levels of one side of our book (engine thread).</summary>
    internal decimal DepthQuantity(Symbol symbol, Side side, int levels)
    {
        var book = _books[symbol];
        var levelsOf = side == Side.Buy ? book.Bids : book.Asks;
        var total = 0m;
        for (var i = 0; i < Math.Min(levels, levelsOf.Count); i++)
        {
            total += levelsOf[i].Quantity.ToDecimal();
        }
        return total;
    }

    private static OrderBook NewBook(Symbol symbol) => new(symbol, new OrderBookOptions { Market = Market.UsdM });

    private void StartMarketStream()
    {
        var streams = string.Join('/', _symbols.SelectMany(s =>
        {
            var name = s.Value.ToLowerInvariant();
            return new[] { $"{name}@depth{_o.DepthSpeed}", $"{name}@bookTicker", $"{name}@trade" };
        }));
        var uri = new Uri(_rest.Endpoints.WebSocket, $"stream?streams={streams}");
        _market = new WebSocketFeed("market", _ => Task.FromResult<Uri?>(uri), (bytes, ns) => Post(() => OnMarketMessage(bytes, ns)),
            reconnect => Post(() => OnMarketConnected(reconnect)), reason =>
            {
                Stats.LastDisconnect = $"market: {reason}";
                Post(OnMarketDropped);
            }, ClockNs, _o, _time);
        Background(_market.RunAsync);
    }

    /// <summary>Every (re)connect: fresh books that buffer diffs until their snapshot is in.</summary>
    private void OnMarketConnected(bool reconnect)
    {
        if (reconnect)
        {
            Stats.MarketReconnects++;
        }
        foreach (var symbol in _symbols)
        {
            _books[symbol] = NewBook(symbol);
            _snapshotPending.Remove(symbol);
            RequestSnapshot(symbol);
        }
    }

    /// <summary>
    /// The stream is gone: the books stop here, so they are out of sync until the reconnect's snapshot. Without
    /// this the executor would go on routing on the last quote, frozen, for as long as the outage lasts.
    /// </summary>
    private void OnMarketDropped()
    {
        foreach (var symbol in _symbols)
        {
            if (_books[symbol].IsValid)
            {
                _books[symbol] = NewBook(symbol);
                Publish(_books[symbol], MarketUpdateKind.Book, NowNs, default);
            }
        }
    }

    private void RequestSnapshot(Symbol symbol, int delayMs = 50)
    {
        if (!_snapshotPending.Add(symbol))
        {
            return;
        }
        Background(async ct =>
        {
            // Let the stream buffer a few diffs first, so the snapshot is bridged by what is already buffered
            // (after a failed attempt: a second, as a snapshot of 1,000 levels weighs 20).
            await Task.Delay(TimeSpan.FromMilliseconds(delayMs), _time, ct).ConfigureAwait(false);
            var result = await _rest.SendAsync(HttpMethod.Get, "/fapi/v1/depth", [("symbol", symbol.Value), ("limit", _o.SnapshotLimit.ToString(CultureInfo.InvariantCulture))], Security.None, ct).ConfigureAwait(false);
            var ns = ClockNs();
            Post(() => OnSnapshot(symbol, result, ns));
        });
    }

    private void OnSnapshot(Symbol symbol, RestResult result, long receiveNs)
    {
        _snapshotPending.Remove(symbol);
        if (!result.Ok || !_parser.TryParseMessage(receiveNs, System.Text.Encoding.UTF8.GetBytes(result.Body), symbol) || _parser.Kind != CaptureEventKind.Snapshot)
        {
            // Try again: a book without a snapshot is never used (its quotes are marked invalid meanwhile).
            RequestSnapshot(symbol, delayMs: 1000);
            return;
        }
        var book = _books[symbol];
        book.ApplySnapshot(_parser.UpdateIds.Final, _parser.Bids, _parser.Asks);
        Stats.Snapshots++;
        if (book.State == BookSyncState.AwaitingSnapshot)
        {
            CountGap(symbol);
            RequestSnapshot(symbol);
        }
        Publish(book, MarketUpdateKind.Book, receiveNs, default);
    }

    /// <summary>A book lost sync: counted in the session's stats and on the meter (fillwise_book_gaps_total), as the replay venue does.</summary>
    private void CountGap(Symbol symbol)
    {
        Stats.BookGaps++;
        ExecutionMetrics.BookGap(symbol);
    }

    private void OnMarketMessage(byte[] message, long receiveNs)
    {
        if (!_parser.TryParseMessage(receiveNs, message) || !_books.TryGetValue(_parser.Symbol, out var book))
        {
            return;
        }
        Stats.MarketEvents++;
        Stats.MaxQueueDelayNs = Math.Max(Stats.MaxQueueDelayNs, NowNs - receiveNs);
        switch (_parser.Kind)
        {
            case CaptureEventKind.DepthUpdate:
                if (book.Apply(_parser.Depth()) == DiffOutcome.Gap)
                {
                    CountGap(book.Symbol);
                    RequestSnapshot(book.Symbol);
                }
                else if (book.State == BookSyncState.AwaitingSnapshot && !_snapshotPending.Contains(book.Symbol))
                {
                    RequestSnapshot(book.Symbol);
                }
                Publish(book, MarketUpdateKind.Book, receiveNs, default);
                break;
            case CaptureEventKind.BookTicker:
                // Kept on the book (as in a replay); quotes come from the L2 book the orders meet.
                book.ApplyTicker(_parser.TopOfBook);
                break;
            case CaptureEventKind.Trade:
                Publish(book, MarketUpdateKind.Trade, receiveNs, _parser.Trade);
                break;
        }
    }

    private void Publish(OrderBook book, MarketUpdateKind kind, long timeNs, TradeTick trade) => _listener?.OnMarket(book.ToMarketUpdate(kind, timeNs, trade));
}
