using Fillwise.Backtest;
using static Fillwise.Cli.Tests.GeneratedGridCosts;

namespace Fillwise.Cli.Tests;

/// <summary>The grid's best chosen out of fold, on generated (synthetic, labelled as such) per-parent costs.</summary>
public sealed class CrossFittedBestTests
{
    [Fact]
    public void EachBlockIsWorkedWithTheSettingCheapestOnTheOtherBlocksAndIntelIsPairedAgainstThat()
    {
        // Two blocks: parents 1-3 and 4-6. On block 2 alone setting 2 sums 0, so block 1 gets setting 2 (cost 5 each);
        // on block 1 alone setting 1 sums 0, so block 2 gets setting 1 (cost 5 each): choosing on the other half picks
        // exactly the wrong setting, +3 bps against the hindsight cell (setting 0, 2 bps).
        var c = CrossFittedBest.Of(Costs, Settings, IntelAtThree, seed: 1, folds: 2)!;
        Assert.Equal(2, c.Folds);
        Assert.Equal([Settings[2], Settings[1]], c.Settings);
        Assert.Equal(5, c.CostBpsMean, 12);
        Assert.Equal(6, c.MinusBest.Pairs);
        Assert.Equal(3, c.MinusBest.Mean, 12);
        // Intel at 3 bps: 2 cheaper than the out-of-fold choice (it would be 1 dearer than the hindsight cell).
        Assert.Equal(-2, c.IntelMinus!.Mean, 12);
        Assert.Equal(6, c.IntelMinus.Pairs);
    }

    [Fact]
    public void WithAStableBestSettingEveryBlockTakesItAndNothingIsLost()
    {
        IReadOnlyDictionary<long, double>[] costs = [Costs[0], Costs[0].ToDictionary(p => p.Key, p => p.Value + 1), Costs[0].ToDictionary(p => p.Key, p => p.Value + 2)];
        var c = CrossFittedBest.Of(costs, Settings, IntelAtThree, seed: 1, folds: 3)!;
        Assert.Equal(3, c.Folds);
        Assert.Equal([Settings[0], Settings[0], Settings[0]], c.Settings);
        Assert.Equal(0, c.MinusBest.Mean, 12);
        Assert.Equal(1, c.IntelMinus!.Mean, 12);
    }

    [Fact]
    public void BlocksFollowArrivalOrderNotInsertionOrderAndMayBeUneven()
    {
        // The same costs inserted newest first: the blocks are still parents 1-3 and 4-6.
        IReadOnlyDictionary<long, double>[] reversed = [.. Costs.Select(c => (IReadOnlyDictionary<long, double>)c.OrderByDescending(p => p.Key).ToDictionary())];
        Assert.Equal([Settings[2], Settings[1]], CrossFittedBest.Of(reversed, Settings, null, seed: 1, folds: 2)!.Settings);

        // Five parents in two blocks: 1-3 and 4-5 (i x folds / n). Block 2 alone: setting 2 sums 0 -> block 1 pays 5 x 3;
        // block 1 alone: setting 1 sums 0 -> block 2 pays 5 x 2.
        IReadOnlyDictionary<long, double>[] five = [.. Costs.Select(c => (IReadOnlyDictionary<long, double>)c.Where(p => p.Key <= 5).ToDictionary())];
        var c = CrossFittedBest.Of(five, Settings, null, seed: 1, folds: 2)!;
        Assert.Equal([Settings[2], Settings[1]], c.Settings);
        Assert.Equal(5, c.CostBpsMean, 12);
        // Setting 0 and setting 1 both sum 10 over the five parents: the tie goes to the first, as the grid's best does.
        Assert.Equal(3, c.MinusBest.Mean, 12);
    }

    [Fact]
    public void ParentsWithoutAFiniteCostInEveryCellAreLeftOutAndTooFewGiveNone()
    {
        IReadOnlyDictionary<long, double>[] three = [.. Costs.Select(c => (IReadOnlyDictionary<long, double>)c.Where(p => p.Key <= 3).ToDictionary())];
        Assert.Equal(3, CrossFittedBest.Of(three, Settings, null, seed: 1, folds: 5)!.Folds);
        IReadOnlyDictionary<long, double>[] one = [.. Costs.Select(c => (IReadOnlyDictionary<long, double>)c.Where(p => p.Key == 1).ToDictionary())];
        Assert.Null(CrossFittedBest.Of(one, Settings, null, seed: 1));

        // Parent 6 missing in one cell, parent 5 NaN in another: both are left out of every block and every sum, so a
        // NaN never wins a choice. Blocks of the four left: 1-2, 3-4.
        var nan = Costs[1].ToDictionary(p => p.Key, p => p.Key == 5 ? double.NaN : p.Value);
        IReadOnlyDictionary<long, double>[] gaps = [Costs[0], nan, Costs[2].Where(p => p.Key != 6).ToDictionary()];
        var c = CrossFittedBest.Of(gaps, Settings, null, seed: 1, folds: 2)!;
        Assert.Equal(4, c.MinusBest.Pairs);
        Assert.True(double.IsFinite(c.CostBpsMean));
        // Block 1-2 chooses on parents 3-4 (setting 1: 0 + 5 = 5, setting 0: 4, setting 2: 5) -> setting 0;
        // block 3-4 chooses on parents 1-2 (setting 1 sums 0) -> setting 1.
        Assert.Equal([Settings[0], Settings[1]], c.Settings);
    }
}
