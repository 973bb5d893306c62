namespace Fillwise.Backtest;

/// <summary>
/// The grid's best constant chosen out of fold: the evaluated parents cut into <see cref="Folds"/> consecutive blocks in
/// arrival order, each block worked with the cell cheapest on the other blocks. The best cell in hindsight is the
/// minimum of thirty means measured on the very parents it is compared on, so part of its lead is the luck of that
/// selection; this is the same choice made without looking at the parents it is scored on.
/// <see cref="MinusBest"/> (cross-fitted - best in hindsight) measures that luck, and <see cref="IntelMinus"/> compares
/// intel with a constant chosen honestly on this data. The other blocks include the future of a block and parents whose
/// orders overlap it in time, so the cross-fitted constant knows more than any walk-forward policy: it is a baseline
/// to beat, and the luck it measures is a lower bound.
/// </summary>
/// <param name="Settings">The cell each block was worked with, in time order.</param>
/// <param name="CostBpsMean">The mean cost per parent over the blocks (unfinished parents marked, as the grid's).</param>
public sealed record CrossFittedBest(int Folds, IReadOnlyList<FixedSetting> Settings, double CostBpsMean, PairedDifference MinusBest, PairedDifference? IntelMinus)
{
    /// <summary>Its cost per parent id, for more paired comparisons (a leave-one-out row's cold intel).</summary>
    public IReadOnlyDictionary<long, double> MarkedCosts { get; init; } = new Dictionary<long, double>();

    /// <summary>Blocks of the evaluated parents (fewer when there are fewer parents).</summary>
    public const int DefaultFolds = 5;

    /// <param name="cells">The grid run on the evaluated data.</param>
    /// <param name="intelCosts">Intel's cost per parent id; null without an intel run.</param>
    /// <returns>Null when fewer than two parents have a cost in every cell.</returns>
    public static CrossFittedBest? Of(IReadOnlyList<FixedSettingGrid.Cell> cells, IReadOnlyDictionary<long, double>? intelCosts, ulong seed, int folds = DefaultFolds)
    {
        var best = FixedSettingGrid.Best(cells);
        return Of([.. cells.Select(c => c.Result.MarkedCosts)], [.. cells.Select(c => c.Setting)], best.Result.MarkedCosts, intelCosts, seed, folds);
    }

    /// <param name="costs">Each setting's cost per parent id (parent ids in arrival order).</param>
    /// <param name="settings">The settings, in the order of <paramref name="costs"/>.</param>
    /// <param name="best">The best setting's costs in hindsight, the baseline of <see cref="MinusBest"/>.</param>
    public static CrossFittedBest? Of(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, IReadOnlyList<FixedSetting> settings, IReadOnlyDictionary<long, double> best, IReadOnlyDictionary<long, double>? intelCosts, ulong seed, int folds = DefaultFolds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        // Only parents every setting priced can be scored under every choice.
        var parents = costs[0].Keys.Where(id => costs.All(c => c.ContainsKey(id))).Order().ToArray();
        if (parents.Length < 2)
        {
            return null;
        }
        folds = Math.Min(folds, parents.Length);
        var fold = new int[parents.Length];
        for (var i = 0; i < parents.Length; i++)
        {
            fold[i] = (int)((long)i * folds / parents.Length);
        }
        var sums = new double[folds, costs.Count];
        for (var i = 0; i < parents.Length; i++)
        {
            for (var s = 0; s < costs.Count; s++)
            {
                sums[fold[i], s] += costs[s][parents[i]];
            }
        }
        var chosen = new int[folds];
        for (var f = 0; f < folds; f++)
        {
            var k = f; // a local for the lambda: the cheapest setting on every other block, ties to the given order
            chosen[f] = Enumerable.Range(0, costs.Count).MinBy(s => Enumerable.Range(0, folds).Where(g => g != k).Sum(g => sums[g, s]));
        }
        var crossFitted = new Dictionary<long, double>(parents.Length);
        for (var i = 0; i < parents.Length; i++)
        {
            crossFitted[parents[i]] = costs[chosen[fold[i]]][parents[i]];
        }
        return new CrossFittedBest(
            folds,
            [.. chosen.Select(s => settings[s])],
            crossFitted.Values.Average(),
            PairedDifference.Compute(crossFitted, best, seed),
            intelCosts is null ? null : PairedDifference.Compute(intelCosts, crossFitted, seed))
        {
            MarkedCosts = crossFitted,
        };
    }
}
