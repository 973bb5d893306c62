namespace Fillwise.Backtest;

/// <summary>
/// The grid's best chosen out of fold: the evaluated parents cut into <see cref="Folds"/> consecutive blocks in arrival
/// order, each block worked with the cell cheapest on the other blocks. The best cell in hindsight is the minimum of
/// thirty means taken on the very parents it is compared with; this makes the same choice for each block without that
/// block's parents. <see cref="MinusBest"/> (out of fold - hindsight) is what choosing on the rest of the set costs:
/// large when the cells' ranking changes from block to block (noise, or a market that changes within the set), zero
/// when every block agrees. It is not walk-forward (the other blocks include a block's future, and parents whose orders
/// overlap it in time, with no gap between them), and it does not say whether a constant chosen elsewhere (on training
/// data) would match the hindsight cell.
/// </summary>
/// <param name="Settings">The cell each block was worked with, in time order.</param>
/// <param name="CostBpsMean">The mean cost over the scored parents (unfinished parents marked, as the grid's).</param>
/// <param name="MinusBest">Against the cell cheapest over all the scored parents (the grid's best in hindsight when every cell priced every parent).</param>
public sealed record CrossFittedBest(int Folds, IReadOnlyList<FixedSetting> Settings, double CostBpsMean, PairedDifference MinusBest, PairedDifference? IntelMinus)
{
    /// <summary>Its cost per parent id, for more paired comparisons (a leave-one-out row's cold intel).</summary>
    public IReadOnlyDictionary<long, double> MarkedCosts { get; init; } = new Dictionary<long, double>();

    /// <summary>Blocks of the evaluated parents (fewer when there are fewer parents).</summary>
    public const int DefaultFolds = 5;

    /// <param name="cells">The grid run on the evaluated data.</param>
    /// <param name="intelCosts">Intel's cost per parent id; null without an intel run.</param>
    /// <returns>Null when fewer than two parents have a finite cost in every cell.</returns>
    public static CrossFittedBest? Of(IReadOnlyList<FixedSettingGrid.Cell> cells, IReadOnlyDictionary<long, double>? intelCosts, ulong seed, int folds = DefaultFolds) =>
        Of([.. cells.Select(c => c.Result.MarkedCosts)], [.. cells.Select(c => c.Setting)], intelCosts, seed, folds);

    /// <param name="costs">Each setting's cost per parent id (parent ids in arrival order).</param>
    /// <param name="settings">The settings, in the order of <paramref name="costs"/>.</param>
    public static CrossFittedBest? Of(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, IReadOnlyList<FixedSetting> settings, IReadOnlyDictionary<long, double>? intelCosts, ulong seed, int folds = DefaultFolds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var parents = GridScoring.Scored(costs);
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
        int Cheapest(Func<int, bool> counted) => GridScoring.Cheapest([.. Enumerable.Range(0, costs.Count).Select(s => Enumerable.Range(0, folds).Where(counted).Sum(g => sums[g, s]))]);
        var chosen = new int[folds];
        for (var f = 0; f < folds; f++)
        {
            var held = f;
            chosen[f] = Cheapest(g => g != held);
        }
        var hindsight = costs[GridScoring.Hindsight(costs, parents)];
        var crossFitted = new Dictionary<long, double>(parents.Length);
        for (var i = 0; i < parents.Length; i++)
        {
            crossFitted[parents[i]] = costs[chosen[fold[i]]][parents[i]];
        }
        return new CrossFittedBest(
            folds,
            [.. chosen.Select(s => settings[s])],
            crossFitted.Values.Average(),
            PairedDifference.Compute(crossFitted, hindsight, seed),
            intelCosts is null ? null : PairedDifference.Compute(intelCosts, crossFitted, seed))
        {
            MarkedCosts = crossFitted,
        };
    }
}
