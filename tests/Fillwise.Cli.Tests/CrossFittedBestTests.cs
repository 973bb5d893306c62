using Fillwise.Backtest;

namespace Fillwise.Cli.Tests;

/// <summary>The best constant chosen out of fold, on generated (synthetic, labelled as such) per-parent costs.</summary>
public sealed class CrossFittedBestTests
{
    private static readonly FixedSetting[] Settings = [new(0, 10), new(0, 60), new(0, 60, Peg: true)];

    // Six parents in arrival order, three settings. Setting 0 costs 2 throughout (mean 2.0, the best in hindsight);
    // setting 1 is cheap early and dear late (mean 2.5); setting 2 the other way round (mean 2.5).
    private static readonly IReadOnlyDictionary<long, double>[] Costs =
    [
        new Dictionary<long, double> { [1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 2, [6] = 2 },
        new Dictionary<long, double> { [1] = 0, [2] = 0, [3] = 0, [4] = 5, [5] = 5, [6] = 5 },
        new Dictionary<long, double> { [1] = 5, [2] = 5, [3] = 5, [4] = 0, [5] = 0, [6] = 0 },
    ];

    [Fact]
    public void EachBlockIsWorkedWithTheSettingCheapestOnTheOtherBlocks()
    {
        // Two blocks: parents 1-3 and 4-6. On block 2 alone setting 2 sums 0, so block 1 gets setting 2 (cost 5 each);
        // on block 1 alone setting 1 sums 0, so block 2 gets setting 1 (cost 5 each): choosing on the other half picks
        // exactly the wrong constant, and the luck of the hindsight choice shows as +3 bps.
        var c = CrossFittedBest.Of(Costs, Settings, Costs[0], intelCosts: null, seed: 1, folds: 2)!;
        Assert.Equal(2, c.Folds);
        Assert.Equal([Settings[2], Settings[1]], c.Settings);
        Assert.Equal(5, c.CostBpsMean, 12);
        Assert.Equal(6, c.MinusBest.Pairs);
        Assert.Equal(3, c.MinusBest.Mean, 12);
        Assert.Null(c.IntelMinus);
    }

    [Fact]
    public void WithAStableBestSettingItEqualsTheHindsightChoiceAndIntelIsPairedAgainstIt()
    {
        // Setting 0 is cheapest on every block: out of fold it is chosen everywhere and the luck is zero.
        IReadOnlyDictionary<long, double>[] costs = [Costs[0], Costs[0].ToDictionary(p => p.Key, p => p.Value + 1), Costs[0].ToDictionary(p => p.Key, p => p.Value + 2)];
        var intel = Costs[0].ToDictionary(p => p.Key, p => p.Value - 0.5);
        var c = CrossFittedBest.Of(costs, Settings, costs[0], intel, seed: 1, folds: 3)!;
        Assert.All(c.Settings, s => Assert.Equal(Settings[0], s));
        Assert.Equal(0, c.MinusBest.Mean, 12);
        Assert.Equal(-0.5, c.IntelMinus!.Mean, 12);
        Assert.Equal(6, c.IntelMinus.Pairs);
    }

    [Fact]
    public void FoldsAreCappedByTheParentsAndTooFewParentsGiveNone()
    {
        IReadOnlyDictionary<long, double>[] three = [.. Costs.Select(c => (IReadOnlyDictionary<long, double>)c.Where(p => p.Key <= 3).ToDictionary())];
        Assert.Equal(3, CrossFittedBest.Of(three, Settings, three[0], null, seed: 1, folds: 5)!.Folds);
        IReadOnlyDictionary<long, double>[] one = [.. Costs.Select(c => (IReadOnlyDictionary<long, double>)c.Where(p => p.Key == 1).ToDictionary())];
        Assert.Null(CrossFittedBest.Of(one, Settings, one[0], null, seed: 1));
        // A parent some setting has no cost for is left out of every block.
        IReadOnlyDictionary<long, double>[] gap = [Costs[0], Costs[1], Costs[2].Where(p => p.Key != 6).ToDictionary()];
        Assert.Equal(5, CrossFittedBest.Of(gap, Settings, Costs[0], null, seed: 1, folds: 2)!.MinusBest.Pairs);
    }
}
