using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.TestData;
using Xunit.Abstractions;

namespace Fillwise.Cli.Tests;

/// <summary>Health snapshots are taken when something changed, so a gap between two captures costs no rows.</summary>
public sealed class HealthOverGapsTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void TwentyDaysBetweenTwoCapturesWriteNoIdenticalHealthRows()
    {
        string[] files = [TestPaths.Shared("binance-usdm", "btcusdt_20240719.gz"), TestPaths.Shared("binance-usdm", "btcusdt_20240808.gz")];
        var inputs = BacktestInputs.Load(files, null, SymbolCatalog.Default);
        var (options, _) = inputs.Adapt(Evaluation.TcaOptions());
        var spec = new BacktestSpec("static", 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(10), 5000m, 1)), options);
        var result = BacktestEngine.Run(inputs, spec);

        var health = result.Telemetry.HealthSnapshots;
        var (start, end) = inputs.TimeRange();
        // What a snapshot every period wrote before (one per symbol per HealthEvery over the whole span).
        var everyPeriod = (end - start) / (options.HealthEvery.Ticks * 100);
        output.WriteLine($"health rows: {health.Count:N0} now; {everyPeriod:N0} with a snapshot every {options.HealthEvery} (before).");
        Assert.True(everyPeriod > 28_000, $"the pair spans 20 days ({everyPeriod} periods)");
        Assert.True(health.Count < everyPeriod / 50, $"{health.Count} health rows for {everyPeriod} periods");

        // Inside the gap (from a minute after the first capture's last event to the second's first) at most one row.
        var first = inputs.Captures.Take(1).ToList();
        var firstEnd = BacktestInputs.Load(first, null, SymbolCatalog.Default).TimeRange().EndNs;
        var secondStart = BacktestInputs.Load([files[1]], null, SymbolCatalog.Default).TimeRange().StartNs;
        var inGap = health.Count(h => h.TimeNs > firstEnd + 60_000_000_000L && h.TimeNs < secondStart);
        Assert.True(inGap <= 1, $"{inGap} health rows inside the gap");
        // And the run itself still has its regular snapshots while data flows.
        Assert.True(health.Count(h => h.TimeNs <= firstEnd) >= (firstEnd - start) / (options.HealthEvery.Ticks * 100));
    }
}
