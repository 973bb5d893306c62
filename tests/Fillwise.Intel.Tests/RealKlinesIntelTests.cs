using Fillwise.Core;
using Fillwise.MarketData.Klines;
using Fillwise.TestData;

namespace Fillwise.Intel.Tests;

/// <summary>Regime and expectancy on the real month of 1-minute bars.</summary>
public sealed class RealKlinesIntelTests
{
    private static IEnumerable<KlineSeries> AllSeries() =>
        KlineFile.Expand([TestPaths.SharedData is null ? Path.Combine(TestPaths.Samples, "klines") : TestPaths.Shared("klines-1m")]).Select(p => KlineFile.Scan(p));

    /// <summary>
    /// A reference strategy to have trades to map: each hour, go with the previous hour's direction, exit at the
    /// hour's close, pay taker fees both ways (2 x 5 bps). The trades are derived from real bars; the strategy
    /// is only a way to produce them.
    /// </summary>
    private static List<TradeRecord> HourlyMomentumTrades(KlineSeries series)
    {
        var trades = new List<TradeRecord>();
        var hours = series.ReadBars().GroupBy(b => b.OpenTimeMs / 3_600_000).Where(g => g.Count() == 60).Select(g => (Open: g.First(), Close: g.Last())).ToList();
        for (var i = 1; i < hours.Count; i++)
        {
            var direction = hours[i - 1].Close.Close >= hours[i - 1].Open.Open ? 1 : -1;
            var entry = (double)hours[i].Open.Open;
            var exit = (double)hours[i].Close.Close;
            trades.Add(new TradeRecord(series.Symbol!.Value, hours[i].Open.OpenTimeMs, (direction * (exit - entry) / entry * 10_000) - 10));
        }
        return trades;
    }

    [Fact]
    public void Every_regime_occurs_somewhere_in_the_month()
    {
        var seen = new HashSet<Regime>();
        foreach (var series in AllSeries())
        {
            var tracker = new AtrRegimeTracker();
            foreach (var bar in series.ReadBars())
            {
                tracker.Add((double)bar.High, (double)bar.Low, (double)bar.Close);
                var reading = tracker.Current;
                if (!reading.InsufficientHistory)
                {
                    seen.Add(reading.Regime);
                    Assert.True(reading.NatrBps > 0);
                }
            }
            Assert.Equal(0, tracker.RejectedBars);
        }
        Assert.Equal([Regime.Quiet, Regime.Normal, Regime.Hot, Regime.Panic], seen.Order());
    }

    [Fact]
    public void Hour_of_day_table_has_24_cells_per_symbol_and_sessions_have_6()
    {
        var all = AllSeries().ToList();
        var trades = all.SelectMany(HourlyMomentumTrades).ToArray();
        var map = ExpectancyMap.Build(trades, []);
        Assert.Equal(all.Select(s => s.Symbol!.Value.Value).Order(StringComparer.Ordinal), map.Symbols.Select(s => s.Value));
        foreach (var symbol in map.Symbols)
        {
            var cells = Enumerable.Range(0, 24).Select(h => map.Get(symbol, h)).ToList();
            Assert.Equal(24, cells.Count);
            Assert.All(cells, c => Assert.Equal(ExpectancySource.Cell, c.Source)); // a month = ~30 trades per hour
            Assert.All(cells, c => Assert.InRange(c.WinRate, 0, 1));
            Assert.Equal(trades.Count(t => t.Symbol == symbol), cells.Sum(c => c.Trades));
        }
        var sessions = ExpectancyMap.Build(trades, [], new ExpectancyOptions { Scheme = BucketScheme.Session });
        Assert.Equal(6, sessions.BucketCount);
        Assert.Equal(trades.Length, Enumerable.Range(0, 6).Sum(b => sessions.GetAggregate(b).Trades));
    }
}

public sealed class ExpectancyMapTests
{
    private static readonly Symbol Btc = new("BTCUSDT");
    private static readonly Symbol Eth = new("ETHUSDT");

    private static long At(int hour, int day = 5) => new DateTimeOffset(2025, 5, day, hour, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Thin_cells_shrink_toward_the_symbol_then_the_aggregate()
    {
        var trades = new List<TradeRecord>();
        trades.AddRange(Enumerable.Range(0, 12).Select(_ => new TradeRecord(Btc, At(10), 10)));  // full cell, +10
        trades.AddRange(Enumerable.Range(0, 3).Select(_ => new TradeRecord(Btc, At(11), -20)));  // thin cell
        trades.AddRange(Enumerable.Range(0, 4).Select(_ => new TradeRecord(Eth, At(11), 30)));   // thin symbol
        var map = ExpectancyMap.Build(trades.ToArray(), [new SlippageSample(Btc, At(10), 1), new SlippageSample(Btc, At(10), 3), new SlippageSample(Btc, At(10), 2)]);

        var full = map.Get(Btc, 10);
        Assert.Equal((ExpectancySource.Cell, 12, 10.0, 1.0), (full.Source, full.Trades, full.ExpectancyBps, full.WinRate));
        Assert.Equal((2.0, 2.0, 2.5), (full.SlippageMeanBps, full.SlippageMedianBps, full.SlippageP75Bps));

        var btcAll = ((12 * 10.0) + (3 * -20.0)) / 15;  // the symbol has 15 trades >= MinSamples
        var thin = map.Get(Btc, 11);
        Assert.Equal(ExpectancySource.Symbol, thin.Source);
        Assert.Equal((3.0 / 13 * -20) + (10.0 / 13 * btcAll), thin.ExpectancyBps, 10);
        Assert.Equal(-20, thin.MeanNetReturnBps);

        var aggregateAll = ((12 * 10.0) + (3 * -20.0) + (4 * 30.0)) / 19;
        var ethThin = map.Get(Eth, 11);
        Assert.Equal(ExpectancySource.Aggregate, ethThin.Source);
        Assert.Equal((4.0 / 14 * 30) + (10.0 / 14 * aggregateAll), ethThin.ExpectancyBps, 10);

        var empty = map.Get(Eth, 3);
        Assert.Equal((0, ExpectancySource.Aggregate), (empty.Trades, empty.Source));
        Assert.Equal(aggregateAll, empty.ExpectancyBps, 10);
    }

    [Fact]
    public void Unknown_symbols_bad_buckets_and_bad_records_are_handled()
    {
        var map = ExpectancyMap.Build([new TradeRecord(Btc, At(1), double.NaN)], [new SlippageSample(Btc, At(1), double.PositiveInfinity)]);
        Assert.Equal(2, map.IgnoredRecords);
        var none = map.Get(new Symbol("XRPUSDT"), 5);
        Assert.Equal((ExpectancySource.None, 0.0), (none.Source, none.ExpectancyBps));
        Assert.Equal(ExpectancySource.None, map.Get(Btc, 99).Source);
    }

    [Theory]
    [InlineData(2025, 5, 5, 3, 0)]   // Monday, Asia
    [InlineData(2025, 5, 5, 9, 1)]   // Monday, Europe
    [InlineData(2025, 5, 5, 15, 2)]  // Monday, US
    [InlineData(2025, 5, 4, 3, 3)]   // Sunday, Asia
    [InlineData(2025, 5, 3, 20, 5)]  // Saturday, US
    public void Session_buckets(int y, int m, int d, int hour, int bucket) =>
        Assert.Equal(bucket, ExpectancyMap.BucketOf(new DateTimeOffset(y, m, d, hour, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), BucketScheme.Session));
}
