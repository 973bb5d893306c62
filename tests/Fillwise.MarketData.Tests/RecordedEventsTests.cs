using Fillwise.Core;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;
using Fillwise.TestData;

namespace Fillwise.MarketData.Tests;

/// <summary>Parse once, run many: events recorded in memory come back exactly as the capture reader gave them, from every cursor.</summary>
public sealed class RecordedEventsTests
{
    private static readonly string[] Files = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    [Fact]
    public void EveryCursorReplaysTheCapturesEventsAndRebuildsTheSameBook()
    {
        var recorded = RecordedEvents.Record(new CaptureReader(Files));
        using var reader = new CaptureReader(Files);
        using var first = recorded.Open();
        using var second = recorded.Open();
        var fromFile = new OrderBook(new Symbol("BTCUSDT"));
        var fromMemory = new OrderBook(new Symbol("BTCUSDT"));
        long events = 0;
        while (reader.MoveNext())
        {
            Assert.True(first.MoveNext());
            Assert.Equal((reader.Kind, reader.Symbol, reader.ReceiveTimeNs, reader.UpdateIds, reader.TopOfBook, reader.Trade), (first.Kind, first.Symbol, first.ReceiveTimeNs, first.UpdateIds, first.TopOfBook, first.Trade));
            Assert.True(reader.Bids.SequenceEqual(first.Bids) && reader.Asks.SequenceEqual(first.Asks));
            reader.ApplyTo(fromFile);
            first.ApplyTo(fromMemory);
            events++;
        }
        Assert.False(first.MoveNext());
        Assert.Equal(events, recorded.Count);
        Assert.True(events > 50_000);
        Assert.True(fromFile.TryGetBestBid(out var bid) && fromMemory.TryGetBestBid(out var bid2) && bid == bid2);
        Assert.True(fromFile.TryGetBestAsk(out var ask) && fromMemory.TryGetBestAsk(out var ask2) && ask == ask2);
        // A second cursor is independent of the first, which is exhausted.
        Assert.True(second.MoveNext());
    }
}
