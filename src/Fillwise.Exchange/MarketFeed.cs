using System.Buffers;
using System.Text.Json;
using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Exchange;

/// <summary>
/// The market the exchange shows (engine thread only): each recorded event the matching consumed is republished
/// as Binance's depthUpdate / bookTicker / trade messages, with the recorded update and trade ids and the exchange
/// clock's E and T; a book per symbol, kept with the same sync code a client uses, answers depth snapshots whose
/// lastUpdateId is the u of the last diff published, so a client syncs by Binance's rules.
/// </summary>
internal sealed class MarketFeed(SymbolCatalog catalog, StreamHub hub, ExchangeClock clock)
{
    private readonly Dictionary<Symbol, Book> _books = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer = new(Stream.Null);

    private sealed class Book(OrderBook book, int pricePlaces, int quantityPlaces)
    {
        public OrderBook Value { get; } = book;
        public int PricePlaces { get; } = pricePlaces;
        public int QuantityPlaces { get; } = quantityPlaces;
    }

    public long Published { get; private set; }

    public long Consumed { get; private set; }

    public IEnumerable<Symbol> Symbols => _books.Keys;

    /// <summary>Price and quantity decimals of a symbol (its tick and step), as exchangeInfo states them.</summary>
    public (int Price, int Quantity) Places(Symbol symbol) =>
        catalog.TryGet(symbol, out var f) ? (Json.Places(f.TickSize), Json.Places(f.StepSize)) : (8, 8);

    public void OnConsumed(IMarketEventSource source)
    {
        Consumed++;
        var book = BookOf(source.Symbol);
        source.ApplyTo(book.Value);
        switch (source.Kind)
        {
            case CaptureEventKind.DepthUpdate:
                var depth = new StreamKey(source.Symbol.Value, StreamKind.Depth);
                if (hub.HasSubscribers(depth))
                {
                    Publish(depth, WriteDepth(source, book));
                }
                break;
            case CaptureEventKind.BookTicker:
                var ticker = new StreamKey(source.Symbol.Value, StreamKind.BookTicker);
                if (hub.HasSubscribers(ticker))
                {
                    Publish(ticker, WriteTicker(source, book));
                }
                break;
            case CaptureEventKind.Trade:
                var trade = new StreamKey(source.Symbol.Value, StreamKind.Trade);
                if (hub.HasSubscribers(trade))
                {
                    Publish(trade, WriteTrade(source, book));
                }
                break;
        }
    }

    /// <summary>Whether the symbol's book is synchronised (a recorded snapshot was seen and the diffs chain from it).</summary>
    public bool IsSynced(Symbol symbol) => _books.TryGetValue(symbol, out var b) && b.Value.IsValid;

    /// <summary>The mid of the symbol's book, or false before it is synchronised.</summary>
    public bool TryGetMid(Symbol symbol, out decimal mid)
    {
        mid = 0;
        if (!_books.TryGetValue(symbol, out var b) || !b.Value.TryGetBestBid(out var bid) || !b.Value.TryGetBestAsk(out var ask))
        {
            return false;
        }
        mid = (bid.Price.ToDecimal() + ask.Price.ToDecimal()) / 2;
        return true;
    }

    /// <summary>GET /fapi/v1/depth: the top <paramref name="limit"/> levels per side, or null before the book is synchronised.</summary>
    public byte[]? Snapshot(Symbol symbol, int limit)
    {
        if (!_books.TryGetValue(symbol, out var book) || !book.Value.IsValid)
        {
            return null;
        }
        var now = clock.NowMs;
        return Json.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("lastUpdateId", book.Value.LastUpdateId);
            w.WriteNumber("E", now);
            w.WriteNumber("T", now);
            WriteSide(w, "bids", book.Value.Bids, limit, book);
            WriteSide(w, "asks", book.Value.Asks, limit, book);
            w.WriteEndObject();
        });
    }

    private static void WriteSide(Utf8JsonWriter w, string name, BookSide side, int limit, Book book)
    {
        w.WriteStartArray(name);
        for (var i = 0; i < Math.Min(limit, side.Count); i++)
        {
            var level = side[i];
            w.WriteStartArray();
            Json.WriteFixedValue(w, level.Price.Raw, book.PricePlaces);
            Json.WriteFixedValue(w, level.Quantity.Raw, book.QuantityPlaces);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private Book BookOf(Symbol symbol)
    {
        if (!_books.TryGetValue(symbol, out var book))
        {
            var (price, quantity) = Places(symbol);
            book = new Book(new OrderBook(symbol), price, quantity);
            _books.Add(symbol, book);
        }
        return book;
    }

    private void Publish(StreamKey key, ReadOnlySpan<byte> data)
    {
        hub.Publish(key, data);
        Published++;
    }

    private Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return _writer;
    }

    private ReadOnlySpan<byte> Finish()
    {
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    private ReadOnlySpan<byte> WriteDepth(IMarketEventSource s, Book book)
    {
        var w = Start();
        var now = clock.NowMs;
        w.WriteStartObject();
        w.WriteString("e", "depthUpdate");
        w.WriteNumber("E", now);
        w.WriteNumber("T", now);
        w.WriteString("s", s.Symbol.Value);
        w.WriteNumber("U", s.UpdateIds.First);
        w.WriteNumber("u", s.UpdateIds.Final);
        w.WriteNumber("pu", s.UpdateIds.PreviousFinal);
        WriteLevels(w, "b", s.Bids, book);
        WriteLevels(w, "a", s.Asks, book);
        w.WriteEndObject();
        return Finish();
    }

    private static void WriteLevels(Utf8JsonWriter w, string name, ReadOnlySpan<Level> levels, Book book)
    {
        w.WriteStartArray(name);
        foreach (var level in levels)
        {
            w.WriteStartArray();
            Json.WriteFixedValue(w, level.Price.Raw, book.PricePlaces);
            Json.WriteFixedValue(w, level.Quantity.Raw, book.QuantityPlaces);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private ReadOnlySpan<byte> WriteTicker(IMarketEventSource s, Book book)
    {
        var w = Start();
        var now = clock.NowMs;
        var t = s.TopOfBook;
        w.WriteStartObject();
        w.WriteString("e", "bookTicker");
        w.WriteNumber("u", t.UpdateId);
        w.WriteString("s", s.Symbol.Value);
        Json.WriteFixed(w, "b", t.BidPrice.Raw, book.PricePlaces);
        Json.WriteFixed(w, "B", t.BidQuantity.Raw, book.QuantityPlaces);
        Json.WriteFixed(w, "a", t.AskPrice.Raw, book.PricePlaces);
        Json.WriteFixed(w, "A", t.AskQuantity.Raw, book.QuantityPlaces);
        w.WriteNumber("T", now);
        w.WriteNumber("E", now);
        w.WriteEndObject();
        return Finish();
    }

    private ReadOnlySpan<byte> WriteTrade(IMarketEventSource s, Book book)
    {
        var w = Start();
        var now = clock.NowMs;
        var t = s.Trade;
        w.WriteStartObject();
        w.WriteString("e", "trade");
        w.WriteNumber("E", now);
        w.WriteNumber("T", now);
        w.WriteString("s", s.Symbol.Value);
        w.WriteNumber("t", t.TradeId);
        Json.WriteFixed(w, "p", t.Price.Raw, book.PricePlaces);
        Json.WriteFixed(w, "q", t.Quantity.Raw, book.QuantityPlaces);
        w.WriteString("X", "MARKET");
        w.WriteBoolean("m", t.BuyerIsMaker);
        w.WriteEndObject();
        return Finish();
    }
}
