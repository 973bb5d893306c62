namespace Fillwise.Backtest;

/// <summary>What the yardsticks built from the grid's cells (chosen out of fold, the leader walk-forward) share.</summary>
internal static class GridScoring
{
    /// <summary>The parents every setting priced with a finite cost, in id (arrival) order: only they can be scored under every choice, and a NaN never wins one.</summary>
    public static long[] Scored(IReadOnlyList<IReadOnlyDictionary<long, double>> costs) =>
        [.. costs[0].Keys.Where(id => costs.All(c => c.TryGetValue(id, out var v) && double.IsFinite(v))).Order()];

    /// <summary>The setting cheapest over <paramref name="parents"/> (the grid's best in hindsight when they are all the scored ones), summed parent by parent in the order given.</summary>
    public static int Hindsight(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, IReadOnlyList<long> parents)
    {
        Span<double> sums = stackalloc double[costs.Count];
        for (var s = 0; s < costs.Count; s++)
        {
            foreach (var id in parents)
            {
                sums[s] += costs[s][id];
            }
        }
        return Cheapest(sums);
    }

    /// <summary>The index of the lowest sum; ties go to the earlier setting, as the grid's best does.</summary>
    public static int Cheapest(ReadOnlySpan<double> sums)
    {
        var best = 0;
        for (var s = 1; s < sums.Length; s++)
        {
            best = sums[s] < sums[best] ? s : best;
        }
        return best;
    }
}
