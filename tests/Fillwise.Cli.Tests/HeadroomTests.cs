using Fillwise.Backtest;

namespace Fillwise.Cli.Tests;

/// <summary>The hindsight ceilings of per-parent choice, on generated (synthetic, labelled as such) per-parent costs.</summary>
public sealed class HeadroomTests
{
    // Three settings x six parents. Setting 0 is the best on average (mean 2.0); parents 1-3 are cheaper under
    // setting 1, parents 4-6 under setting 2.
    private static readonly IReadOnlyDictionary<long, double>[] Costs =
    [
        new Dictionary<long, double> { [1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 2, [6] = 2 },
        new Dictionary<long, double> { [1] = 1, [2] = 1, [3] = 1.5, [4] = 4, [5] = 4, [6] = 4 },
        new Dictionary<long, double> { [1] = 4, [2] = 4, [3] = 4, [4] = 0, [5] = 1, [6] = 3 },
    ];

    [Fact]
    public void TheClairvoyantCeilingTakesEachParentsCheapestSetting()
    {
        var h = Headroom.Of(Costs, best: 0, contexts: null, seed: 1);
        // Per parent: min(2, 1, 4) - 2 = -1, -1, -0.5, then min(2, 4, 0) - 2 = -2, -1, 0.
        Assert.Equal(6, h.Clairvoyant.Pairs);
        Assert.Equal(-5.5 / 6, h.Clairvoyant.Mean, 12);
        Assert.True(h.Clairvoyant.High <= 0);
        Assert.Null(h.IntelContexts);
    }

    [Fact]
    public void OneSettingPerContextIsTheCheapestForThatContextsParentsAndAParentWithoutContextKeepsTheBest()
    {
        // Context 7 = parents 1-3 (setting 1 sums 3.5 against 6 and 12), context 9 = parents 4 and 5 (setting 2 sums 1
        // against 4 and 8); parent 6 has none (cold start) and keeps setting 0.
        var contexts = new Dictionary<long, int> { [1] = 7, [2] = 7, [3] = 7, [4] = 9, [5] = 9, [6] = -1 };
        var h = Headroom.Of(Costs, best: 0, contexts, seed: 1);
        Assert.Equal(2, h.Contexts);
        Assert.Equal(((1 + 1 + 1.5) - 6 + (0 + 1) - 4 + 0) / 6, h.IntelContexts!.Mean, 12);

        // One context for everyone: the best setting itself, no headroom.
        var one = Headroom.Of(Costs, best: 0, Costs[0].Keys.ToDictionary(id => id, _ => 3), seed: 1);
        Assert.Equal(0, one.IntelContexts!.Mean);
        Assert.Equal(1, one.Contexts);
    }

    [Fact]
    public void OnlyParentsEverySettingHasACostForArePaired()
    {
        IReadOnlyDictionary<long, double>[] costs = [Costs[0], Costs[1], new Dictionary<long, double>(Costs[2].Where(p => p.Key != 6))];
        Assert.Equal(5, Headroom.Of(costs, best: 0, contexts: null, seed: 1).Clairvoyant.Pairs);
    }
}
