using System.Diagnostics.Metrics;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "process metrics";
}

/// <summary>
/// The warm-up before a stored run runs its own decisions on another thread: none of them may reach the process's
/// meter (what /metrics serves). Measured on every thread, so the test runs alone (no parallel test records).
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class EngineWarmUpMetricsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-warmup-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheMeterCountsTheRunsOwnDecisionsAndFillsOnly()
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")], null, SymbolCatalog.Default);
        // Every second: the warm-up's first minute alone places ~60 parents, so a leak cannot hide in noise.
        var spec = new BacktestSpec("intel", 7, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(1), 5000m, 7)), new ExecutorOptions());
        long parents = 0, fills = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ExecutionMetrics.MeterName && instrument.Name is "fillwise.parent_orders" or "fillwise.fills")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "fillwise.parent_orders")
            {
                Interlocked.Add(ref parents, value);
            }
            else
            {
                Interlocked.Add(ref fills, value);
            }
        });
        listener.Start();

        var alone = BacktestEngine.Run(inputs, spec);
        var (aloneParents, aloneFills) = (Interlocked.Exchange(ref parents, 0), Interlocked.Exchange(ref fills, 0));
        var stored = StoredBacktest.Run(Path.Combine(_dir, "runs.db"), inputs, spec, "arrivals:1s", [])!;
        // The stored run (warm-up first) records exactly what the engine run alone records, no more.
        Assert.Equal((alone.Stats.Orders, alone.Venue.Fills, aloneParents, aloneFills), (stored.Stats.Orders, stored.Venue.Fills, Interlocked.Read(ref parents), Interlocked.Read(ref fills)));
        Assert.True(stored.Stats.Orders > 300, $"{stored.Stats.Orders} orders");
    }
}
