using Fillwise.Core;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData;

/// <summary>
/// A stream of typed market events, one at a time: the seam between where events come from (raw capture
/// files, the Parquet catalog) and what consumes them (books, inspection, the replay venue). Each
/// <see cref="MoveNext"/> exposes one event through the properties; level lists are spans into reused
/// buffers, valid until the next call, so consuming allocates nothing per event.
/// </summary>
public interface IMarketEventSource : IDisposable
{
    bool MoveNext();

    CaptureEventKind Kind { get; }
    Market Market { get; }
    Symbol Symbol { get; }
    long ReceiveTimeNs { get; }
    long EventTimeMs { get; }
    long TransactTimeMs { get; }

    /// <summary>For depth updates U/u/pu (pu = 0 on spot, which has none); for snapshots <c>Final</c> = lastUpdateId.</summary>
    UpdateIds UpdateIds { get; }
    TopOfBook TopOfBook { get; }
    TradeTick Trade { get; }
    ReadOnlySpan<Level> Bids { get; }
    ReadOnlySpan<Level> Asks { get; }
}

public static class MarketEventSourceExtensions
{
    /// <summary>The current depth update as the book takes it.</summary>
    public static DepthUpdate Depth(this IMarketEventSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new DepthUpdate(source.UpdateIds, source.Bids, source.Asks);
    }

    /// <summary>
    /// Hands the current event to <paramref name="book"/> in its typed form when it is a book event of the
    /// book's symbol (diff, snapshot or ticker); other events are ignored.
    /// </summary>
    public static void ApplyTo(this IMarketEventSource source, OrderBook book)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(book);
        if (source.Symbol != book.Symbol)
        {
            return;
        }
        switch (source.Kind)
        {
            case CaptureEventKind.DepthUpdate:
                book.Apply(source.Depth());
                break;
            case CaptureEventKind.Snapshot:
                book.ApplySnapshot(source.UpdateIds.Final, source.Bids, source.Asks);
                break;
            case CaptureEventKind.BookTicker:
                book.ApplyTicker(source.TopOfBook);
                break;
        }
    }
}
