namespace Fillwise.Backtest;

/// <summary>
/// How much choosing per parent could have gained over the grid's best constant on the evaluated data, measured in
/// hindsight: the ceiling on what an adaptive policy can show there, whatever it learns. Two ceilings, each paired per
/// parent against the best cell with its block-bootstrap interval:
/// <list type="bullet">
/// <item><see cref="Clairvoyant"/>: every parent worked with whichever of the grid's settings was cheapest for it
/// (no policy can know this; every paired difference is at most zero).</item>
/// <item><see cref="IntelContexts"/>: one setting per context of intel's decision (queue imbalance, trade flow, spread at
/// arrival), the cheapest for that context's parents on this very data. What a policy reading only those features
/// could reach if it knew the day's outcomes in advance; a parent without a context (cold start) keeps the best cell.</item>
/// </list>
/// A difference from a walk-forward policy smaller than these, or one whose interval the ceiling itself cannot clear,
/// is a limit of the data and the features, not of the learning.
/// </summary>
public sealed record Headroom(PairedDifference Clairvoyant, PairedDifference? IntelContexts, int Contexts)
{
    /// <summary>
    /// The best cell against the static policy, paired: how much a constant chosen in hindsight gains over static here. Where
    /// even this interval does not clear zero, beating static significantly means beating every constant.
    /// </summary>
    public PairedDifference? BestMinusStatic { get; init; }

    /// <param name="cells">The grid run on the evaluated data.</param>
    /// <param name="contexts">Intel's context per parent id (-1: none); null without an intel run.</param>
    /// <param name="staticCosts">The static policy's cost per parent id; null without a static run.</param>
    public static Headroom Of(IReadOnlyList<FixedSettingGrid.Cell> cells, IReadOnlyDictionary<long, int>? contexts, IReadOnlyDictionary<long, double>? staticCosts, ulong seed)
    {
        var best = FixedSettingGrid.Best(cells);
        return Of([.. cells.Select(c => c.Result.MarkedCosts)], cells.ToList().IndexOf(best), contexts, seed) with
        {
            BestMinusStatic = staticCosts is null ? null : PairedDifference.Compute(best.Result.MarkedCosts, staticCosts, seed),
        };
    }

    /// <param name="costs">Each setting's cost per parent id.</param>
    /// <param name="best">The index of the best setting, the baseline.</param>
    /// <param name="contexts">A context per parent id (-1 or absent: none); null for the clairvoyant ceiling alone.</param>
    public static Headroom Of(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, int best, IReadOnlyDictionary<long, int>? contexts, ulong seed)
    {
        var baseline = costs[best];
        // The parents every setting has a cost for, in arrival order.
        var parents = baseline.Keys.Where(id => costs.All(c => c.ContainsKey(id))).Order().ToArray();
        var cost = costs.Select(c => parents.Select(id => c[id]).ToArray()).ToArray();
        var clairvoyant = PairedDifference.FromDifferences([.. parents.Select((id, p) => cost.Min(c => c[p]) - baseline[id])], seed);
        if (contexts is null)
        {
            return new Headroom(clairvoyant, null, 0);
        }
        var contextOf = parents.Select(id => contexts.GetValueOrDefault(id, -1)).ToArray();
        var chosen = contextOf.Where(c => c >= 0).Distinct().ToDictionary(
            context => context,
            context => Enumerable.Range(0, costs.Count).MinBy(c => Sum(cost[c], contextOf, context)));
        var byContext = parents.Select((id, p) => cost[contextOf[p] >= 0 ? chosen[contextOf[p]] : best][p] - baseline[id]).ToArray();
        return new Headroom(clairvoyant, PairedDifference.FromDifferences(byContext, seed), chosen.Count);
    }

    /// <summary>Intel's context per parent from its run's records (-1 where it made no expected-cost choice).</summary>
    public static IReadOnlyDictionary<long, int> ContextsOf(Fillwise.Execution.MemoryTelemetry intel) =>
        intel.Parents.Where(p => p.Context is not null).ToDictionary(p => p.ParentId, p => p.Context!.Explanation.IntelContext);

    private static double Sum(double[] cost, int[] contextOf, int context)
    {
        var sum = 0.0;
        for (var p = 0; p < cost.Length; p++)
        {
            sum += contextOf[p] == context ? cost[p] : 0;
        }
        return sum;
    }
}
