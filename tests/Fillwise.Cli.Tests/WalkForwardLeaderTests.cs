using Fillwise.Backtest;

namespace Fillwise.Cli.Tests;

/// <summary>The grid's leader walk-forward, on generated (synthetic, labelled as such) per-parent costs and arrivals.</summary>
public sealed class WalkForwardLeaderTests
{
    private static readonly FixedSetting[] Settings = [new(0, 10), new(0, 60), new(0, 60, Peg: true)];

    // Six parents, one every 10 s. Setting 0 costs 2 throughout (mean 2.0, the best in hindsight); setting 1 is cheap
    // early and dear late (mean 2.5); setting 2 the other way round (mean 2.5).
    private static readonly IReadOnlyDictionary<long, double>[] Costs =
    [
        new Dictionary<long, double> { [1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 2, [6] = 2 },
        new Dictionary<long, double> { [1] = 0, [2] = 0, [3] = 0, [4] = 5, [5] = 5, [6] = 5 },
        new Dictionary<long, double> { [1] = 5, [2] = 5, [3] = 5, [4] = 0, [5] = 0, [6] = 0 },
    ];

    private static readonly Dictionary<long, long> Arrivals = Costs[0].Keys.ToDictionary(id => id, id => (id - 1) * 10_000_000_000L);

    private static readonly Dictionary<long, double> IntelAtThree = Costs[0].ToDictionary(p => p.Key, _ => 3.0);

    [Fact]
    public void EachParentTakesTheCellCheapestOverTheParentsKnownWhenItArrived()
    {
        // Horizon 15 s: parents 1 and 2 know nothing and keep the start (setting 0, 2 each). Parent 3 (20 s) knows
        // parent 1 (0 s): setting 1 sums 0 and leads, 0 bps. Parents 4-6 know 1-2, 1-3, 1-4: setting 1 still leads (0,
        // 0, 5 against 8 for setting 0) and costs 5 each. 2 + 2 + 0 + 5 + 5 + 5 = 19 over 6, against 2 for the
        // hindsight cell: following the leader is 7/6 bps dearer here.
        var l = WalkForwardLeader.Of(Costs, Settings, start: 0, Arrivals, horizonS: 15, IntelAtThree, seed: 1)!;
        Assert.Equal(15, l.HorizonS);
        Assert.Equal(Settings[0], l.Start);
        Assert.Equal(2, l.FromStart);
        Assert.Equal(1, l.Switches);
        Assert.Equal(19.0 / 6, l.CostBpsMean, 12);
        Assert.Equal(6, l.MinusBest.Pairs);
        Assert.Equal(7.0 / 6, l.MinusBest.Mean, 12);
        Assert.Equal(3 - 19.0 / 6, l.IntelMinus!.Mean, 12);
        Assert.Equal([2, 2, 0, 5, 5, 5], l.MarkedCosts.OrderBy(p => p.Key).Select(p => p.Value));
    }

    [Fact]
    public void AnOutcomeCountsOnlyOnceItsHorizonHasPassed()
    {
        // Horizon 20 s: parent 1 (0 s) is known exactly when parent 3 arrives (20 s) ...
        Assert.Equal(0, WalkForwardLeader.Of(Costs, Settings, 0, Arrivals, 20, null, seed: 1)!.MarkedCosts[3]);
        // ... and 1 s more keeps parent 3 on the start, as parent 4 (30 s, knowing only parent 1) is on setting 1.
        var late = WalkForwardLeader.Of(Costs, Settings, 0, Arrivals, 21, null, seed: 1)!;
        Assert.Equal(3, late.FromStart);
        Assert.Equal(2, late.MarkedCosts[3]);
        Assert.Equal(5, late.MarkedCosts[4]);
        // Longer than the data: every parent keeps the start, which here is the hindsight cell.
        var never = WalkForwardLeader.Of(Costs, Settings, 0, Arrivals, 600, null, seed: 1)!;
        Assert.Equal(6, never.FromStart);
        Assert.Equal(0, never.Switches);
        Assert.Equal(0, never.MinusBest.Mean, 12);
    }

    [Fact]
    public void ArrivalTimesNotIdsOrderTheParentsAndTiesGoToTheEarlierSetting()
    {
        // The same costs with the arrivals reversed (parent 6 first): parents 6 and 5 keep the start; parent 4 knows 6,
        // where setting 2 sums 0 and leads; then 6-5, 6-5-4 keep setting 2 ahead; parent 1 knows 6-5-4-3: setting 2 sums
        // 5 + 0 ... = 5 against 8, still ahead. Costs 2, 2, 0, 5, 5, 5 again, in the other order.
        var reversed = Arrivals.ToDictionary(p => p.Key, p => (6 - p.Key) * 10_000_000_000L);
        var l = WalkForwardLeader.Of(Costs, Settings, 0, reversed, 15, null, seed: 1)!;
        Assert.Equal([5, 5, 5, 0, 2, 2], l.MarkedCosts.OrderBy(p => p.Key).Select(p => p.Value));

        // Settings 1 and 2 tie on parent 1 alone (both 1): the earlier one leads, as the grid's best.
        IReadOnlyDictionary<long, double>[] tied = [Costs[0], Costs[0].ToDictionary(p => p.Key, _ => 1.0), Costs[0].ToDictionary(p => p.Key, p => p.Key == 1 ? 1.0 : 0.0)];
        Assert.Equal(1, WalkForwardLeader.Of(tied, Settings, 0, Arrivals, 15, null, seed: 1)!.MarkedCosts[3]);
    }

    [Fact]
    public void ParentsWithoutAFiniteCostInEveryCellOrAnArrivalAreLeftOutAndTooFewGiveNone()
    {
        // Parent 1 NaN in setting 1: left out of every sum, so parent 3 knows nothing yet (parent 2 at 10 s + 15 > 20)
        // and keeps the start; a NaN never leads.
        var nan = Costs[1].ToDictionary(p => p.Key, p => p.Key == 1 ? double.NaN : p.Value);
        var l = WalkForwardLeader.Of([Costs[0], nan, Costs[2]], Settings, 0, Arrivals, 15, null, seed: 1)!;
        Assert.Equal(5, l.MinusBest.Pairs);
        Assert.Equal(2, l.MarkedCosts[3]);
        Assert.False(l.MarkedCosts.ContainsKey(1));
        Assert.True(double.IsFinite(l.CostBpsMean));

        var one = new Dictionary<long, long> { [1] = 0 };
        Assert.Null(WalkForwardLeader.Of(Costs, Settings, 0, one, 15, null, seed: 1));
    }
}
