using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// A stored run is preceded by a throwaway warm-up run over the first minute of its data (compiling the decision
/// path before the first real decision): it must leave no trace in what the run computes.
/// </summary>
public sealed class EngineWarmUpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-warmup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("intel")]
    [InlineData("static")]
    public void AStoredRunEqualsTheEngineRunAlone(string policy)
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")], null, SymbolCatalog.Default);
        var spec = new BacktestSpec(policy, 7, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5000m, 7), TimeSpan.FromSeconds(5)), new ExecutorOptions());

        var alone = BacktestEngine.Run(inputs, spec);
        var stored = StoredBacktest.Run(Path.Combine(_dir, "runs.db"), inputs, spec, "informed:2s", [])!;

        Assert.True(alone.Stats.Orders > 100, $"{alone.Stats.Orders} orders");
        Assert.Equal(alone.Stats.Orders, stored.Stats.Orders);
        Assert.Equal(alone.Stats.FilledOrders, stored.Stats.FilledOrders);
        Assert.Equal(alone.Stats.CostBpsMean, stored.Stats.CostBpsMean);
        Assert.Equal(alone.Stats.MakerFillRatio, stored.Stats.MakerFillRatio);
        Assert.Equal(alone.Stats.MeanTimeToFillMs, stored.Stats.MeanTimeToFillMs);
        Assert.Equal(alone.Venue.Fills, stored.Venue.Fills);
        // The run's latencies are its own decisions only, none of the warm-up's.
        Assert.Equal(alone.Latency.Count, stored.Latency.Count);
        Assert.Equal(alone.Learned?.TotalSamples, stored.Learned?.TotalSamples);
    }

    [Fact]
    public void TheWarmUpDecidesEvenWhenTheRunsFirstSignalComesAfterItsWindow()
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")], null, SymbolCatalog.Default);
        var late = new ParentSignal(inputs.Quality.StartNs + TimeSpan.FromMinutes(5).Ticks * 100, new Symbol("BTCUSDT"), Side.Buy, null, 5000m, "signals");
        using var warmUp = EngineWarmUp.Start(inputs, new BacktestSpec("intel", 1, () => new ScheduledSignals([late]), new ExecutorOptions()));
        warmUp.Wait();
        // Thirty seeded arrivals over its minute; the first come before the book has a quote.
        Assert.InRange(warmUp.Decisions, 20, 31);
    }

    [Fact]
    public void TheWarmUpEndsByCyclingTheYoungGeneration()
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz")], null, SymbolCatalog.Default);
        var collections = GC.CollectionCount(0);
        using var warmUp = EngineWarmUp.Start(inputs, new BacktestSpec("intel", 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5000m, 1)), new ExecutorOptions()));
        warmUp.Wait();
        // Collected twice since it started (other tests' collections count too, which only shortens the loop),
        // within its 64 MB bound.
        Assert.True(GC.CollectionCount(0) - collections >= 2, $"{GC.CollectionCount(0) - collections} young collections");
        Assert.InRange(warmUp.PrefaultedBytes, 1, 64L << 20);
    }
}
