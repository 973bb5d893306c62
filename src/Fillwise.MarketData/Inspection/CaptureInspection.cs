using Fillwise.Core;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData.Inspection;

/// <summary>The state of one symbol's rebuilt book at the end of a capture.</summary>
public sealed record BookReport(
    Market Market,
    Symbol Symbol,
    bool Synced,
    long Gaps,
    long AppliedDiffs,
    long StaleDiffs,
    long Snapshots,
    long TickerChecks,
    long TickerMismatches,
    Level? BestBid,
    Level? BestAsk);

/// <summary>Everything `fillwise data inspect` says about a capture.</summary>
public sealed record CaptureInspection(
    IReadOnlyList<string> Files,
    CaptureStats Stats,
    IReadOnlyList<BookReport> Books)
{
    public IReadOnlyList<Symbol> Symbols => Books.Select(b => b.Symbol).ToList();

    public bool HasErrors => Stats.ErrorCount > 0;

    /// <summary>
    /// Reads the files as one stream, rebuilds a book per market and symbol (each with its market's sync rule)
    /// and cross-checks it against bookTicker wherever both describe the same update id. A mismatch there is a
    /// data error: the book is wrong. Streams: memory holds the books and one block of each file, never a file.
    /// </summary>
    public static CaptureInspection Run(IReadOnlyList<string> files, CaptureReaderOptions? options = null)
    {
        using var reader = new CaptureReader(files, options);
        // Files out of time order are refused with replay's sentence: read as given they would show book gaps that are not in the data.
        using var ordered = new CaptureFileOrder(reader);
        var books = Run(ordered);
        return new CaptureInspection(files, reader.Stats, books);
    }

    /// <summary>The book checks over any event source (a capture or the catalog).</summary>
    public static IReadOnlyList<BookReport> Run(IMarketEventSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var books = new SortedDictionary<(Market, string), BookCheck>();
        BookCheck? last = null;
        while (source.MoveNext())
        {
            // Consecutive events are mostly of one symbol: skip the dictionary then.
            if (last is null || last.Book.Symbol != source.Symbol || last.Book.Market != source.Market)
            {
                var key = (source.Market, source.Symbol.Value);
                if (!books.TryGetValue(key, out last))
                {
                    last = new BookCheck(new OrderBook(source.Symbol, new OrderBookOptions { Market = source.Market }));
                    books.Add(key, last);
                }
            }
            last.Apply(source);
        }
        return books.Values.Select(c => c.Report()).ToList();
    }

    private sealed class BookCheck(OrderBook book)
    {
        private long _checks;
        private long _mismatches;

        public OrderBook Book => book;

        public void Apply(IMarketEventSource source)
        {
            source.ApplyTo(book);
            // A rebuilt book is checked against the exchange's best bid/ask after every diff and ticker.
            if (source.Kind is CaptureEventKind.DepthUpdate or CaptureEventKind.BookTicker)
            {
                Compare();
            }
        }

        /// <summary>A bookTicker and the book agree only when they refer to the same update id; the ticker may arrive before or after the diff.</summary>
        private void Compare()
        {
            if (book.Ticker is not { } ticker || !book.IsValid || ticker.UpdateId != book.LastUpdateId)
            {
                return;
            }
            _checks++;
            if (!book.TryGetBestBid(out var bid) || !book.TryGetBestAsk(out var ask)
                || bid.Price != ticker.BidPrice || bid.Quantity != ticker.BidQuantity
                || ask.Price != ticker.AskPrice || ask.Quantity != ticker.AskQuantity)
            {
                _mismatches++;
            }
        }

        public BookReport Report()
        {
            Level? bid = book.TryGetBestBid(out var b) ? b : null;
            Level? ask = book.TryGetBestAsk(out var a) ? a : null;
            return new BookReport(book.Market, book.Symbol, book.IsValid, book.Gaps, book.AppliedDiffs, book.StaleDiffs, book.Snapshots, _checks, _mismatches, bid, ask);
        }
    }
}
