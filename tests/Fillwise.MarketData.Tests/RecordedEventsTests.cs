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

    [Fact]
    public void LevelsStayContiguousAcrossChunksAndEventsWithoutLevelsCostNothing()
    {
        // Generated data (labelled): events whose level counts straddle the recorder's chunks, one bigger than a
        // chunk, and many without levels (trades), more events than one chunk holds.
        int[] sizes = [0, 3, 65_535, 2, 70_000, 0, 1, 40_000, 40_000, .. Enumerable.Repeat(0, 20_000), 5];
        var recorded = RecordedEvents.Record(new Generated(sizes));
        Assert.Equal(sizes.Length, recorded.Count);
        using var cursor = recorded.Open();
        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.True(cursor.MoveNext());
            Assert.Equal(i, cursor.ReceiveTimeNs);
            Assert.Equal(Generated.Levels(i, sizes[i], bid: true), cursor.Bids.ToArray());
            Assert.Equal(Generated.Levels(i, sizes[i] / 2, bid: false), cursor.Asks.ToArray());
        }
        Assert.False(cursor.MoveNext());
    }

    /// <summary>Event i has n bid levels and n / 2 ask levels, each a distinct price and size.</summary>
    private sealed class Generated(int[] sizes) : IMarketEventSource
    {
        private int _index = -1;
        private Level[] _bids = [];
        private Level[] _asks = [];

        public static Level[] Levels(int index, int count, bool bid) =>
            [.. Enumerable.Range(0, count).Select(k => new Level(new Fixed8((bid ? 1 : 2) * 1_000_000L + k), new Fixed8(index + 1L)))];

        public bool MoveNext()
        {
            if (++_index >= sizes.Length)
            {
                return false;
            }
            _bids = Levels(_index, sizes[_index], bid: true);
            _asks = Levels(_index, sizes[_index] / 2, bid: false);
            return true;
        }

        public CaptureEventKind Kind => CaptureEventKind.DepthUpdate;
        public Market Market => Market.UsdM;
        public Symbol Symbol { get; } = new("BTCUSDT");
        public long ReceiveTimeNs => _index;
        public long EventTimeMs => _index;
        public long TransactTimeMs => _index;
        public UpdateIds UpdateIds => default;
        public TopOfBook TopOfBook => default;
        public TradeTick Trade => default;
        public ReadOnlySpan<Level> Bids => _bids;
        public ReadOnlySpan<Level> Asks => _asks;

        public void Dispose()
        {
        }
    }
}
