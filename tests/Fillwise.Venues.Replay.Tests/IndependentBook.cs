using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>An independent replay of the capture (not through the venue) to check the venue's claims against.</summary>
internal static class IndependentBook
{
    /// <summary>The book after every event received at or before <paramref name="timeNs"/>.</summary>
    public static OrderBook At(IReadOnlyList<string> files, long timeNs, Symbol? symbol = null)
    {
        using var reader = new CaptureReader(files);
        var book = new OrderBook(symbol ?? Venues.Btc);
        while (reader.MoveNext() && reader.ReceiveTimeNs <= timeNs)
        {
            reader.ApplyTo(book);
        }
        return book;
    }

    /// <summary>Public trades received in (fromNs, toNs].</summary>
    public static List<TradeTick> Trades(IReadOnlyList<string> files, long fromNs, long toNs)
    {
        using var reader = new CaptureReader(files);
        var trades = new List<TradeTick>();
        while (reader.MoveNext() && reader.ReceiveTimeNs <= toNs)
        {
            if (reader.Kind == CaptureEventKind.Trade && reader.ReceiveTimeNs > fromNs)
            {
                trades.Add(reader.Trade);
            }
        }
        return trades;
    }
}
