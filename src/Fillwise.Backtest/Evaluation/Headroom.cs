namespace Fillwise.Backtest;

/// <summary>
/// How much choosing per parent could have gained over the grid's best constant on the evaluated data, measured in
/// hindsight. Two in-sample upper bounds, each paired per parent against the best cell:
/// <list type="bullet">
/// <item><see cref="Clairvoyant"/>: every parent worked with whichever of the grid's settings was cheapest for it
/// (no policy can know this; every paired difference is at most zero).</item>
/// <item><see cref="IntelContexts"/>: one grid setting per context of intel's decision (queue imbalance, trade flow,
/// spread at arrival), the cheapest for that context's parents on this very data: the best a policy could do that
/// reads only those features, chooses among the grid's settings and keeps one per context over the data.</item>
/// </list>
/// Both choose on the data they are measured on, so their intervals are optimistic; they bound a mean, they are not
/// evidence that a feature carries information. A policy that changes its choice over time is not bounded by them.
/// </summary>
public sealed record Headroom(PairedDifference Clairvoyant, PairedDifference? IntelContexts, int? Contexts)
{
    /// <summary>The best cell against the static policy, paired: how much a constant chosen in hindsight gains over static here.</summary>
    public PairedDifference? BestMinusStatic { get; init; }

    /// <param name="cells">The grid run on the evaluated data.</param>
    /// <param name="contexts">Intel's context per parent id; null without an intel run.</param>
    /// <param name="staticCosts">The static policy's cost per parent id; null without a static run.</param>
    public static Headroom Of(IReadOnlyList<FixedSettingGrid.Cell> cells, IReadOnlyDictionary<long, int>? contexts, IReadOnlyDictionary<long, double>? staticCosts, ulong seed)
    {
        var best = FixedSettingGrid.Best(cells);
        var index = Enumerable.Range(0, cells.Count).First(i => ReferenceEquals(cells[i], best));
        return Of([.. cells.Select(c => c.Result.MarkedCosts)], index, contexts, seed) with
        {
            BestMinusStatic = staticCosts is null ? null : PairedDifference.Compute(best.Result.MarkedCosts, staticCosts, seed),
        };
    }

    /// <param name="costs">Each setting's cost per parent id.</param>
    /// <param name="best">The index of the best setting, the baseline.</param>
    /// <param name="contexts">A context per parent id (-1 or absent: none, the parent keeps the best setting); null for the clairvoyant bound alone.</param>
    public static Headroom Of(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, int best, IReadOnlyDictionary<long, int>? contexts, ulong seed)
    {
        var baseline = costs[best];
        // The parents every setting has a cost for; the pairing against the baseline is PairedDifference's.
        var parents = baseline.Keys.Where(id => costs.All(c => c.ContainsKey(id))).Order().ToArray();
        var clairvoyant = PairedDifference.Compute(parents.ToDictionary(id => id, id => costs.Min(c => c[id])), baseline, seed);
        if (contexts is null)
        {
            return new Headroom(clairvoyant, null, null);
        }
        var contextOf = parents.ToDictionary(id => id, id => contexts.GetValueOrDefault(id, -1));
        var chosen = parents.Where(id => contextOf[id] >= 0).GroupBy(id => contextOf[id]).OrderBy(g => g.Key).ToDictionary(
            group => group.Key,
            group => Enumerable.Range(0, costs.Count).MinBy(s => group.Sum(id => costs[s][id])));
        var byContext = parents.ToDictionary(id => id, id => costs[contextOf[id] >= 0 ? chosen[contextOf[id]] : best][id]);
        return new Headroom(clairvoyant, PairedDifference.Compute(byContext, baseline, seed), chosen.Count);
    }

    /// <summary>Intel's context per parent id from its run's records (every decision of intel's carries one).</summary>
    public static IReadOnlyDictionary<long, int> ContextsOf(Fillwise.Execution.MemoryTelemetry intel) =>
        intel.Parents.Where(p => p.Context is not null).ToDictionary(p => p.ParentId, p => p.Context!.Explanation.IntelContext);
}
