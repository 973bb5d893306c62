using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.MarketData;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// Replays of the spot and COIN-M captures: the venue's book syncs by the market's rule, fees are the market's,
/// COIN-M quantities are contracts and its prices average harmonically. Every number is recomputed here from
/// the fills, independently of the router's own arithmetic.
/// </summary>
public sealed class SpotAndCoinMReplayTests
{
    private static string[] Spot => [TestPaths.Shared("binance-spot", "ethusdt_20240808.gz"), TestPaths.Shared("binance-spot", "ethusdt_20240809.gz")];
    private static string[] CoinM => [TestPaths.Shared("binance-coinm", "ethusd_perp_20240808.gz"), TestPaths.Shared("binance-coinm", "ethusd_perp_20240809.gz")];

    private static BacktestResult Run(string[] files, string policy)
    {
        var inputs = BacktestInputs.Load(files, null, SymbolCatalog.Default);
        var (options, _) = inputs.Adapt(new ExecutorOptions());
        return BacktestEngine.Run(inputs, new BacktestSpec(policy, 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(10), 5_000m, 1)), options));
    }

    [SharedDataFact]
    public void Spot_replays_on_a_synced_book_with_spot_fees()
    {
        var result = Run(Spot, "static");
        var t = result.Telemetry;

        Assert.True(t.Parents.Count > 50, $"{t.Parents.Count} parents");
        Assert.All(t.Parents, p => Assert.False(p.Risk.IsDenied));
        Assert.True(t.Results.Count(r => r.FilledQuantity > 0) >= t.Parents.Count - 2, "nearly every parent fills (a book out of sync fills none)");
        Assert.Contains(t.Fills, f => f.Liquidity == Liquidity.Maker);
        // Spot VIP0 charges 0.1 % on both sides (the perpetual's 0.02 / 0.05 % would be wrong here).
        Assert.All(t.Fills, f => Assert.Equal(Math.Round(f.Price * f.Quantity * 0.001m, 12), Math.Round(f.Fee, 12)));
        Assert.All(t.Results.Where(r => r.FilledQuantity > 0), r => Assert.Equal(10.0, r.FeesBps, 6));
    }

    [SharedDataFact]
    public void CoinM_counts_contracts_and_averages_prices_harmonically()
    {
        var result = Run(CoinM, "static");
        var t = result.Telemetry;
        var fillsByParent = t.Fills.GroupBy(f => f.ParentId).ToDictionary(g => g.Key, g => g.ToList());

        Assert.True(t.Parents.Count > 50, $"{t.Parents.Count} parents");
        // 5,000 USD in 10-USD contracts.
        Assert.All(t.Parents, p => Assert.Equal(500m, p.Quantity));
        // Fees: the rate on contracts x contract size (USD), never on price x contracts.
        Assert.All(t.Fills, f => Assert.Equal((f.Liquidity == Liquidity.Maker ? 0.0002m : 0.0005m) * f.Quantity * 10m, f.Fee));
        var checkedResults = 0;
        foreach (var r in t.Results.Where(r => r.FilledQuantity > 0))
        {
            var fills = fillsByParent[r.ParentId];
            var contracts = fills.Sum(f => f.Quantity);
            var coins = fills.Sum(f => f.Quantity * 10m / f.Price);
            var harmonic = contracts * 10m / coins;
            Assert.Equal((double)harmonic, (double)r.AveragePrice, 9);
            var parent = t.Parents.Single(p => p.ParentId == r.ParentId);
            var expected = (double)(parent.Side.Sign() * (harmonic - parent.ArrivalMid) / parent.ArrivalMid + fills.Sum(f => f.Fee) / (contracts * 10m)) * 10_000;
            Assert.Equal(expected, r.CostBps, 6);
            checkedResults++;
        }
        Assert.True(checkedResults > 50, $"{checkedResults} filled parents checked");
        Assert.Contains(fillsByParent.Values, fs => fs.Select(f => f.Price).Distinct().Count() > 1);
    }

    [SharedDataFact]
    public void One_run_reads_one_market()
    {
        var error = Assert.Throws<DataFormatException>(() => BacktestInputs.Load([Spot[0], TestPaths.Shared("binance-usdm", "ethusdt_20240808.gz")], null, SymbolCatalog.Default));
        Assert.Contains("a run reads one market", error.Message, StringComparison.Ordinal);
        Assert.Contains("spot", error.Message, StringComparison.Ordinal);
        Assert.Contains("usdm", error.Message, StringComparison.Ordinal);
    }
}
