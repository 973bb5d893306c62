using Fillwise.Core;
using Fillwise.MarketData.Klines;
using Fillwise.TestData;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>Tests that measure the process's managed heap run alone: another test allocating beside them would be measured too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurement";
}

/// <summary>
/// Bar mode streams its files. Input: the real sample month of BTCUSDT 1-minute bars and 10 copies of it
/// time-shifted by 6 weeks each (<see cref="TimeShiftedKlines"/>: derived from real data, only timestamps moved).
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class BarStreamingTests : IDisposable
{
    private const long MiB = 1 << 20;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fillwise-bars-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void ReplayingTenTimesTheBarsPeaksAtTheSameLiveMemoryAsOnce()
    {
        var one = Shifted("one", 1);
        var ten = Shifted("ten", 10);

        var (bars1, peak1) = ReplayMeasuringPeakLiveBytes(one);
        var (bars10, peak10) = ReplayMeasuringPeakLiveBytes(ten);

        Assert.Equal(43_199, bars1);
        Assert.Equal(431_990, bars10);
        // Held in memory, the 388,791 extra bars are over 40 MB of Kline objects; streamed, only one bar ahead is held.
        Assert.True(peak10 - peak1 < 4 * MiB, $"peak live heap: {peak1 / (double)MiB:F1} MiB replaying 1x, {peak10 / (double)MiB:F1} MiB replaying 10x");
    }

    [Fact]
    public void SeveralSeriesAreMergedByBarCloseWithTiesToTheSeriesGivenFirst()
    {
        string[] names = ["SOLUSDT-1m.csv.gz", "BTCUSDT-1m.csv.gz", "ETHUSDT-1m.csv.gz"];
        var series = names.Select(n => KlineFile.Scan(TestPaths.SampleKlines(n))).ToList();
        // Oracle: all bars, stably sorted by close time, so equal closes keep the order the series were given in.
        var expected = series.SelectMany(s => s.ReadBars()).OrderBy(b => b.OpenTimeMs).Select(b => (b.Symbol, CloseNs: (b.OpenTimeMs + 60_000) * 1_000_000)).ToList();

        using var venue = ReplayVenues.FromBars(series);
        var seen = new List<(Symbol Symbol, long CloseNs)>();
        VenueLoop.RunToEnd(venue, new ScriptedClient(venue) { OnEveryMarket = (c, m) => seen.Add((m.Symbol, m.ExchangeTimeNs)) });

        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected, seen);
    }

    private string Shifted(string name, int copies)
    {
        var path = Path.Combine(_dir.FullName, name, "BTCUSDT-1m.csv.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeShiftedKlines.Write(TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), path, copies);
        return path;
    }

    /// <summary>Scans and replays one file, sampling the live managed heap (after a full collection) every 20,000 bars.</summary>
    private static (long Bars, long PeakBytes) ReplayMeasuringPeakLiveBytes(string path)
    {
        var series = KlineFile.Scan(path);
        long peak = 0;
        using (var venue = ReplayVenues.FromBars([series]))
        {
            var client = new ScriptedClient(venue)
            {
                OnEveryMarket = (c, m) =>
                {
                    if (c.MarketUpdates % 20_000 == 0)
                    {
                        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                    }
                },
            };
            VenueLoop.RunToEnd(venue, client);
            Assert.Equal(series.BarCount, client.MarketUpdates);
        }
        return (series.BarCount, peak);
    }
}

/// <summary>A venue that forgets closed orders (what the backtest engine asks for) tells its client exactly the same.</summary>
public sealed class ForgettingClosedOrdersTests
{
    private static readonly KlineSeries Btc = KlineFile.Scan(TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"));

    [Fact]
    public void ClientEventsAreTheSameAndAClosedOrdersIdStaysTaken()
    {
        var (keptEvents, keptOrders) = Run(forget: false);
        var (forgotEvents, forgotOrders) = Run(forget: true);

        Assert.Equal(keptEvents, forgotEvents);
        Assert.Contains(forgotEvents, e => e.Event.Kind == OrderEventKind.Rejected && e.Event.Reject == RejectCodes.DuplicateClientOrderId);
        Assert.Equal(2, keptOrders);
        Assert.Equal(0, forgotOrders);
    }

    /// <summary>A market buy after 100 bars, a post-only buy far below that gets cancelled, then the market buy's id again.</summary>
    private static (List<(long TimeNs, OrderEvent Event)> Events, int OrdersHeld) Run(bool forget)
    {
        using var venue = ReplayVenues.FromBars([Btc], options: new ReplayVenueOptions { ForgetClosedOrders = forget });
        var client = new ScriptedClient(venue)
        {
            OnEveryMarket = (c, m) =>
            {
                switch (c.MarketUpdates)
                {
                    case 100:
                        c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.Market, 0.01m));
                        c.Venue.Submit(Venues.Order(2, Side.Buy, OrderType.PostOnly, 0.01m, new Fixed8(m.Bar.Close.Raw / 2 / 10_000_000 * 10_000_000)));
                        break;
                    case 110:
                        c.Venue.Cancel(Btc.Symbol!.Value, 2);
                        break;
                    case 120:
                        c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.Market, 0.01m));
                        break;
                }
            },
        };
        VenueLoop.RunToEnd(venue, client);
        return (client.Events, venue.Orders().Count);
    }
}
