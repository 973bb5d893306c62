using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Signals;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// Runs stepped in lockstep over one read of the data and one book (<see cref="BacktestEngine.RunMany"/>, what eval
/// and the grid use) produce exactly what each run produces alone: every parent, child order, fill and result, the
/// venue's counters and the marked costs. Real data: the BTCUSDT sample capture pair.
/// </summary>
public sealed class LockstepRunTests
{
    private static readonly Dictionary<string, int> NoDenials = [];

    private static readonly string[] Capture = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    private static BacktestSpec Spec(string policy, ulong seed, RouterOptions? router = null)
    {
        var options = Evaluation.TcaOptions() with { Router = router ?? new RouterOptions() };
        return new BacktestSpec(policy, seed, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5000m, seed)), options);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryRunOfALockstepGroupEqualsTheSameRunAlone(bool preloaded)
    {
        var loaded = BacktestInputs.Load(Capture, null, SymbolCatalog.Default);
        var inputs = preloaded ? loaded.Preloaded() : loaded;
        BacktestSpec[] specs =
        [
            Spec("intel", 7),
            Spec("static", 7),
            Spec("static", 7, new RouterOptions { StaticPegReprices = 20, StaticMakerTimeout = TimeSpan.FromSeconds(60) }),
            Spec("static", 3, new RouterOptions { StaticOffsetBps = 2, StaticMakerTimeout = TimeSpan.FromSeconds(120), StaticGiveUpBps = 4 }),
            Spec("taker", 7),
            Spec("rules", 7),
            Spec("intel", 1),
        ];
        var together = BacktestEngine.RunMany(inputs, specs);
        for (var i = 0; i < specs.Length; i++)
        {
            var alone = BacktestEngine.Run(loaded, specs[i]);
            var run = together[i];
            Assert.True(alone.Telemetry.Parents.Count > 100, $"run {i}: {alone.Telemetry.Parents.Count} parents");
            Assert.Equal(alone.Telemetry.Parents.Select(p => (p.ParentId, p.TimeNs, p.Side, p.ArrivalMid, p.Quantity, p.Risk, p.Context?.Reason)), run.Telemetry.Parents.Select(p => (p.ParentId, p.TimeNs, p.Side, p.ArrivalMid, p.Quantity, p.Risk, p.Context?.Reason)));
            Assert.Equal(alone.Telemetry.Children, run.Telemetry.Children);
            Assert.Equal(alone.Telemetry.Fills, run.Telemetry.Fills);
            Assert.Equal(alone.Telemetry.Results, run.Telemetry.Results);
            Assert.Equal(alone.Venue.MarketEvents, run.Venue.MarketEvents);
            Assert.Equal(alone.Venue.Fills, run.Venue.Fills);
            Assert.Equal(alone.Venue.LateEvents, run.Venue.LateEvents);
            Assert.Equal(alone.MarkedCosts.OrderBy(c => c.Key), run.MarkedCosts.OrderBy(c => c.Key));
            Assert.Equal(alone.Learned?.TotalSamples, run.Learned?.TotalSamples);
        }
        // Different specs really did differ (the comparison above is not between identical runs).
        Assert.NotEqual(together[1].Stats.CostBpsMean, together[2].Stats.CostBpsMean);
        Assert.NotEqual(together[0].Stats.CostBpsMean, together[6].Stats.CostBpsMean);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RunsThatKeepNoRecordsHaveTheSameStatisticsAndMarkedCosts(bool tickMode)
    {
        // What a grid's cells do: statistics from the tally alone, no record held.
        var inputs = tickMode ? BacktestInputs.Load(Capture, null, SymbolCatalog.Default) : BacktestInputs.Load(null, [TestPaths.SampleKlines("BTCUSDT-1m.csv.gz")], SymbolCatalog.Default);
        BacktestSpec[] specs = [Spec("intel", 7), Spec("static", 3, new RouterOptions { StaticOffsetBps = 2, StaticMakerTimeout = TimeSpan.FromSeconds(120) })];
        var kept = BacktestEngine.RunMany(inputs, specs);
        var lean = BacktestEngine.RunMany(inputs, [.. specs.Select(s => s with { KeepRecords = false })]);
        for (var i = 0; i < specs.Length; i++)
        {
            Assert.True(kept[i].Telemetry.Parents.Count > 10, $"run {i}: {kept[i].Telemetry.Parents.Count} parents");
            Assert.Empty(lean[i].Telemetry.Parents);
            Assert.Empty(lean[i].Telemetry.Fills);
            Assert.Empty(lean[i].Telemetry.Results);
            Assert.Equal(kept[i].Stats.DeniedBy, lean[i].Stats.DeniedBy);
            Assert.Equal(kept[i].Stats with { DeniedBy = NoDenials }, lean[i].Stats with { DeniedBy = NoDenials });
            Assert.Equal(kept[i].MarkedCosts.OrderBy(c => c.Key), lean[i].MarkedCosts.OrderBy(c => c.Key));
        }
    }

    [Fact]
    public void NoRunsGiveNoResultsInTickAndBarMode()
    {
        Assert.Empty(BacktestEngine.RunMany(BacktestInputs.Load(Capture, null, SymbolCatalog.Default), []));
        Assert.Empty(BacktestEngine.RunMany(BacktestInputs.Load(null, [TestPaths.SampleKlines("BTCUSDT-1m.csv.gz")], SymbolCatalog.Default), []));
    }
}
