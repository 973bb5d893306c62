using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Signals;
using Fillwise.TestData;
using static Fillwise.Cli.Tests.GeneratedGridCosts;

namespace Fillwise.Cli.Tests;

/// <summary>The grid's leader walk-forward, on generated (synthetic, labelled as such) per-parent costs and times.</summary>
public sealed class WalkForwardLeaderTests
{

    /// <summary>Parent id arrives at (id - 1) x 10 s, its orders in every cell completed <paramref name="afterS"/> later.</summary>
    private static Dictionary<long, RunTally.ParentTimes> Times(double afterS) =>
        Costs[0].Keys.ToDictionary(id => id, id => new RunTally.ParentTimes((id - 1) * 10_000_000_000L, (id - 1) * 10_000_000_000L + (long)(afterS * 1e9)));

    [Fact]
    public void EachParentTakesTheCellCheapestOverTheParentsCompletedBeforeItArrived()
    {
        // Outcomes known 15 s after arrival: parents 1 and 2 know nothing and keep the start (setting 0, 2 each).
        // Parent 3 (20 s) knows parent 1: setting 1 sums 0 and leads, 0 bps. Parents 4-6 know 1-2, 1-3, 1-4: setting 1
        // still leads (0, 0, 5 against 4, 6, 8 for setting 0) and costs 5 each. 2 + 2 + 0 + 5 + 5 + 5 = 19 over 6, against 2
        // for the hindsight cell: following the leader is 7/6 bps dearer here.
        var l = WalkForwardLeader.Of(Costs, Settings, start: 0, Times(15), IntelAtThree, seed: 1)!;
        Assert.Equal(Settings[0], l.Start);
        Assert.Equal(2, l.FromStart);
        Assert.Equal(1, l.Switches);
        Assert.Equal([(Settings[0], 2), (Settings[1], 4)], l.Used);
        Assert.Equal(19.0 / 6, l.CostBpsMean, 12);
        Assert.Equal(6, l.MinusBest.Pairs);
        Assert.Equal(7.0 / 6, l.MinusBest.Mean, 12);
        Assert.Equal(3 - 19.0 / 6, l.IntelMinus!.Mean, 12);
        Assert.Equal([2, 2, 0, 5, 5, 5], l.MarkedCosts.OrderBy(p => p.Key).Select(p => p.Value));
    }

    [Fact]
    public void AnOutcomeCountsOnlyOnceItCompletedBeforeTheParentArrived()
    {
        // Completed 19 s after arrival: parent 1 (done at 19 s) is known when parent 3 arrives (20 s) ...
        Assert.Equal(0, WalkForwardLeader.Of(Costs, Settings, 0, Times(19), null, seed: 1)!.MarkedCosts[3]);
        // ... completed at the very moment parent 3 arrives, it is not: parent 3 keeps the start, parent 4 (30 s, knowing
        // only parent 1) moves to setting 1.
        var late = WalkForwardLeader.Of(Costs, Settings, 0, Times(20), null, seed: 1)!;
        Assert.Equal(3, late.FromStart);
        Assert.Equal(2, late.MarkedCosts[3]);
        Assert.Equal(5, late.MarkedCosts[4]);
        // Never completed everywhere (still working at the end of the data): every parent keeps the start, here the hindsight cell.
        var never = Costs[0].Keys.ToDictionary(id => id, id => new RunTally.ParentTimes((id - 1) * 10_000_000_000L, long.MaxValue));
        var l = WalkForwardLeader.Of(Costs, Settings, 0, never, null, seed: 1)!;
        Assert.Equal(6, l.FromStart);
        Assert.Equal(0, l.Switches);
        Assert.Equal(0, l.MinusBest.Mean, 12);
    }

    [Fact]
    public void TheLeaderMayGoBackAndAStartThatLeadsIsNoSwitch()
    {
        // Setting 0 costs 4 throughout, setting 1 is cheap on parents 1-2 and 5-6 and dear on 3-4, setting 2 the reverse;
        // each outcome is known 5 s after arrival (before the next parent).
        IReadOnlyDictionary<long, double>[] swing =
        [
            Costs[0].ToDictionary(p => p.Key, _ => 4.0),
            new Dictionary<long, double> { [1] = 0, [2] = 0, [3] = 9, [4] = 9, [5] = 0, [6] = 0 },
            new Dictionary<long, double> { [1] = 9, [2] = 9, [3] = 0, [4] = 0, [5] = 9, [6] = 9 },
        ];
        // From setting 0: parent 2 knows parent 1 (4, 0, 9) and moves to setting 1 (switch 1); after parents 3 and 4 cost
        // it 9 each, parent 5 knows 1-4 (16, 18, 18) and goes back to setting 0 (switch 2); parent 6 knows 1-5 (20, 18,
        // 27) and moves to setting 1 again (switch 3).
        var back = WalkForwardLeader.Of(swing, Settings, start: 0, Times(5), null, seed: 1)!;
        Assert.Equal(3, back.Switches);
        Assert.Equal([(Settings[0], 2), (Settings[1], 4)], back.Used);
        Assert.Equal([4, 0, 9, 9, 4, 0], back.MarkedCosts.OrderBy(p => p.Key).Select(p => p.Value));

        // From setting 1, the leader parent 2 finds: staying is no switch; only the moves at parents 5 and 6 count.
        var stay = WalkForwardLeader.Of(swing, Settings, start: 1, Times(5), null, seed: 1)!;
        Assert.Equal(1, stay.FromStart);
        Assert.Equal(2, stay.Switches);
        Assert.Equal([(Settings[1], 5), (Settings[0], 1)], stay.Used);
    }

    [Fact]
    public void ArrivalTimesNotIdsOrderTheParentsAndTiesGoToTheEarlierSetting()
    {
        // The same costs with the arrivals reversed (parent 6 first): parents 6 and 5 keep the start; parent 4 knows 6,
        // where setting 2 sums 0 and leads; setting 2 stays ahead to parent 1 (knowing 6-3: 5 against 8 and 15).
        var reversed = Costs[0].Keys.ToDictionary(id => id, id => new RunTally.ParentTimes((6 - id) * 10_000_000_000L, (6 - id) * 10_000_000_000L + 15_000_000_000L));
        var l = WalkForwardLeader.Of(Costs, Settings, 0, reversed, null, seed: 1)!;
        Assert.Equal([5, 5, 5, 0, 2, 2], l.MarkedCosts.OrderBy(p => p.Key).Select(p => p.Value));

        // Settings 1 and 2 tie on parent 1 alone (both 1): the earlier one leads, as the grid's best.
        IReadOnlyDictionary<long, double>[] tied = [Costs[0], Costs[0].ToDictionary(p => p.Key, _ => 1.0), Costs[0].ToDictionary(p => p.Key, p => p.Key == 1 ? 1.0 : 0.0)];
        Assert.Equal(1, WalkForwardLeader.Of(tied, Settings, 0, Times(15), null, seed: 1)!.MarkedCosts[3]);
    }

    [Fact]
    public void ParentsWithoutAFiniteCostInEveryCellOrTimesAreLeftOutAndTooFewGiveNone()
    {
        // Parent 1 NaN in setting 1: left out of every sum and every comparison (5 pairs, no cost of its own), so parent 3
        // knows nothing yet (parent 2 completes at 25 s) and keeps the start.
        var nan = Costs[1].ToDictionary(p => p.Key, p => p.Key == 1 ? double.NaN : p.Value);
        var l = WalkForwardLeader.Of([Costs[0], nan, Costs[2]], Settings, 0, Times(15), null, seed: 1)!;
        Assert.Equal(5, l.MinusBest.Pairs);
        Assert.Equal(2, l.MarkedCosts[3]);
        Assert.False(l.MarkedCosts.ContainsKey(1));
        Assert.True(double.IsFinite(l.CostBpsMean));

        var one = new Dictionary<long, RunTally.ParentTimes> { [1] = new(0, 1) };
        Assert.Null(WalkForwardLeader.Of(Costs, Settings, 0, one, null, seed: 1));
    }

    [Fact]
    public void AnOutcomeIsKnownOnceEveryRunCompletedIt()
    {
        // Parent 1 completed at 5 s in one run and 40 s in the other: known at 40 s. Parent 2 is still working in the
        // second run (never known); parent 3 has no record there (never known either).
        IReadOnlyDictionary<long, RunTally.ParentTimes>[] runs =
        [
            new Dictionary<long, RunTally.ParentTimes> { [1] = new(0, 5), [2] = new(10, 12), [3] = new(20, 22) },
            new Dictionary<long, RunTally.ParentTimes> { [1] = new(0, 40), [2] = new(10, long.MaxValue) },
        ];
        var known = WalkForwardLeader.KnownTimes(runs);
        Assert.Equal(new RunTally.ParentTimes(0, 40), known[1]);
        Assert.Equal(long.MaxValue, known[2].CompletedNs);
        Assert.Equal(long.MaxValue, known[3].CompletedNs);
        // Runs that disagree on when a parent arrived do not work one schedule: a defect, said so.
        IReadOnlyDictionary<long, RunTally.ParentTimes>[] foreign = [runs[0], new Dictionary<long, RunTally.ParentTimes> { [1] = new(1, 40) }];
        Assert.Contains("must work one schedule", Assert.Throws<InvalidOperationException>(() => WalkForwardLeader.KnownTimes(foreign)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunsTallyKeepsEveryRoutedParentsArrivalAndCompletion()
    {
        // Real data (the BTCUSDT sample pair): a parent every 2 s, resting 120 s, so the last two minutes end unfinished.
        var options = Evaluation.TcaOptions() with { Router = new RouterOptions { StaticMakerTimeout = TimeSpan.FromSeconds(120) } };
        var spec = new BacktestSpec("static", 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5000m, 1)), options);
        var run = BacktestEngine.Run(BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")], null, SymbolCatalog.Default), spec);
        var routed = run.Telemetry.Parents.Where(p => p.Context is not null && !p.Risk.IsDenied && p.ArrivalMid > 0).ToList();
        var results = run.Telemetry.Results.ToDictionary(r => r.ParentId);
        Assert.Equal(routed.Count, run.Tally.Times.Count);
        foreach (var p in routed)
        {
            var t = run.Tally.Times[p.ParentId];
            Assert.Equal(p.TimeNs, t.ArrivalNs);
            Assert.Equal(results.TryGetValue(p.ParentId, out var r) ? r.CompletedNs : long.MaxValue, t.CompletedNs);
        }
        Assert.Contains(run.Tally.Times.Values, t => t.CompletedNs == long.MaxValue);
        Assert.Contains(run.Tally.Times.Values, t => t.CompletedNs > t.ArrivalNs + 110_000_000_000L && t.CompletedNs != long.MaxValue);
    }

    [Fact]
    public void StaticsSettingIsACellOnlyWhenTheGridHasExactlyIt()
    {
        var router = new RouterOptions();
        Assert.Equal(new FixedSetting(0, 10), FixedSettingGrid.SettingOf(router));
        Assert.Null(FixedSettingGrid.SettingOf(router with { StaticMakerTimeout = TimeSpan.FromSeconds(10.5) }));
        Assert.Null(FixedSettingGrid.SettingOf(router with { StaticPegReprices = 5 }));
        Assert.Null(FixedSettingGrid.SettingOf(router with { StaticMakerTimeout = TimeSpan.FromSeconds(15) }));
        Assert.Equal(new FixedSetting(0, 60, Peg: true), FixedSettingGrid.SettingOf(router with { StaticMakerTimeout = TimeSpan.FromSeconds(60), StaticPegReprices = FixedSettingGrid.PegReprices }));
        // Every cell keeps the options' give-up distance, so static with one is still the cell.
        Assert.Equal(new FixedSetting(0, 10), FixedSettingGrid.SettingOf(router with { StaticGiveUpBps = 4 }));
    }
}
