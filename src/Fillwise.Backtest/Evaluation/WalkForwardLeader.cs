namespace Fillwise.Backtest;

/// <summary>
/// The grid's leader, walk-forward: each parent worked with the cell whose realised cost has been the lowest so far, over
/// the parents that arrived at least <see cref="HorizonS"/> before it (by then every cell's order for them has finished:
/// the grid's longest timeout and a margin); until one has, with the <see cref="Start"/> cell (the constant chosen on
/// training data, or static's setting). It is told every cell's true outcome on every earlier parent, which no live
/// client sees (intel's shadows estimate them from the public feed, its own orders give one cell's), so it bounds what
/// choosing a constant as the data comes in could do here: when even it is dearer than the best cell in hindsight, the
/// hindsight cell is a choice no walk-forward rule among the grid's constants could have made on this data.
/// </summary>
/// <param name="HorizonS">How long after its arrival a parent's outcome counts as known.</param>
/// <param name="Start">The cell worked before any outcome is known.</param>
/// <param name="FromStart">Parents worked with <paramref name="Start"/> because none before them was known.</param>
/// <param name="Switches">How often the leader changed.</param>
/// <param name="CostBpsMean">The mean cost over the scored parents (unfinished parents marked, as the grid's).</param>
/// <param name="MinusBest">Against the cell cheapest over all the scored parents (the grid's best in hindsight when every cell priced every parent).</param>
public sealed record WalkForwardLeader(int HorizonS, FixedSetting Start, int FromStart, int Switches, double CostBpsMean, PairedDifference MinusBest, PairedDifference? IntelMinus)
{
    /// <summary>Its cost per parent id, for more paired comparisons (a leave-one-out row's cold intel).</summary>
    public IReadOnlyDictionary<long, double> MarkedCosts { get; init; } = new Dictionary<long, double>();

    /// <summary>Seconds beyond the grid's longest timeout before an outcome counts as known (the take after the timeout, a post-only re-post).</summary>
    public const int MarginS = 10;

    /// <param name="cells">The grid run on the evaluated data.</param>
    /// <param name="start">The setting worked before any outcome is known; null (no result) when it is not a cell of the grid.</param>
    /// <param name="arrivalsNs">Every parent's arrival time by id (the same schedule in every run).</param>
    /// <param name="intelCosts">Intel's cost per parent id; null without an intel run.</param>
    /// <returns>Null when fewer than two parents have a finite cost in every cell, or the start is not a cell.</returns>
    public static WalkForwardLeader? Of(IReadOnlyList<FixedSettingGrid.Cell> cells, FixedSetting start, IReadOnlyDictionary<long, long> arrivalsNs, IReadOnlyDictionary<long, double>? intelCosts, ulong seed)
    {
        var index = cells.Select(c => c.Setting).ToList().IndexOf(start);
        return index < 0 ? null : Of(
            [.. cells.Select(c => c.Result.MarkedCosts)], [.. cells.Select(c => c.Setting)], index, arrivalsNs,
            cells.Max(c => c.Setting.TimeoutS) + MarginS, intelCosts, seed);
    }

    /// <summary>Every parent's arrival by id, from a run that kept its records.</summary>
    public static IReadOnlyDictionary<long, long> ArrivalsOf(Fillwise.Execution.MemoryTelemetry run) => run.Parents.ToDictionary(p => p.ParentId, p => p.TimeNs);

    /// <summary>The static policy's setting under these options, as a grid setting.</summary>
    public static FixedSetting StaticSetting(Fillwise.Execution.ExecutorOptions options) =>
        new(options.Router.StaticOffsetBps, (int)options.Router.StaticMakerTimeout.TotalSeconds, options.Router.StaticPegReprices > 0);

    /// <param name="costs">Each setting's cost per parent id.</param>
    /// <param name="settings">The settings, in the order of <paramref name="costs"/> (ties go to the earlier one, as the grid's best).</param>
    /// <param name="start">The index of the setting worked before any outcome is known.</param>
    public static WalkForwardLeader? Of(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, IReadOnlyList<FixedSetting> settings, int start, IReadOnlyDictionary<long, long> arrivalsNs, int horizonS, IReadOnlyDictionary<long, double>? intelCosts, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(horizonS);
        // Only parents every setting priced can be scored under every choice; in arrival order (ids break ties).
        var parents = costs[0].Keys.Where(id => arrivalsNs.ContainsKey(id) && costs.All(c => c.TryGetValue(id, out var v) && double.IsFinite(v)))
            .OrderBy(id => arrivalsNs[id]).ThenBy(id => id).ToArray();
        if (parents.Length < 2)
        {
            return null;
        }
        var horizonNs = horizonS * 1_000_000_000L;
        var sums = new double[costs.Count];
        var known = 0;
        var leader = start;
        var fromStart = 0;
        var switches = 0;
        var worked = new Dictionary<long, double>(parents.Length);
        foreach (var id in parents)
        {
            var now = arrivalsNs[id];
            var before = leader;
            while (known < parents.Length && arrivalsNs[parents[known]] + horizonNs <= now)
            {
                for (var s = 0; s < costs.Count; s++)
                {
                    sums[s] += costs[s][parents[known]];
                }
                known++;
            }
            if (known == 0)
            {
                fromStart++;
            }
            else
            {
                leader = 0;
                for (var s = 1; s < sums.Length; s++)
                {
                    leader = sums[s] < sums[leader] ? s : leader;
                }
            }
            switches += leader != before ? 1 : 0;
            worked[id] = costs[leader][id];
        }
        var all = new double[costs.Count];
        foreach (var id in parents)
        {
            for (var s = 0; s < costs.Count; s++)
            {
                all[s] += costs[s][id];
            }
        }
        var hindsight = Enumerable.Range(0, costs.Count).MinBy(s => all[s]);
        return new WalkForwardLeader(horizonS, settings[start], fromStart, switches, worked.Values.Average(),
            PairedDifference.Compute(worked, costs[hindsight], seed),
            intelCosts is null ? null : PairedDifference.Compute(intelCosts, worked, seed))
        {
            MarkedCosts = worked,
        };
    }
}
