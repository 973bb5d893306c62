namespace Fillwise.Backtest;

/// <summary>
/// The grid's leader, walk-forward: each parent worked with the cell whose realised cost has been the lowest so far,
/// over the parents whose orders had completed in every cell before it arrived (a parent still working anywhere at the
/// end of the data is never known); until one has, with the <see cref="Start"/> cell (the constant chosen on training
/// data, or static's setting). It is told every cell's true outcome, which no live client sees (intel's shadows
/// estimate them from the public feed, its own orders give one cell's), but it is one rule, follow the leader, not a
/// bound: keeping the start cell is another such rule. <see cref="MinusBest"/> says what this rule costs against the cell
/// chosen with the whole data known; its interval is optimistic for that cell, which chose on the very parents.
/// </summary>
/// <param name="Start">The cell worked before any outcome is known.</param>
/// <param name="FromStart">Parents worked with <paramref name="Start"/> because none before them was known.</param>
/// <param name="Switches">How often the cell worked changed from one parent to the next (the first move away from the start included).</param>
/// <param name="Used">Each cell worked, with how many parents, in the order first used.</param>
/// <param name="CostBpsMean">The mean cost over the scored parents (unfinished parents marked, as the grid's).</param>
/// <param name="MinusBest">Against the cell cheapest over all the scored parents (the grid's best in hindsight when every cell priced every parent).</param>
public sealed record WalkForwardLeader(FixedSetting Start, int FromStart, int Switches, IReadOnlyList<(FixedSetting Setting, int Parents)> Used, double CostBpsMean, PairedDifference MinusBest, PairedDifference? IntelMinus)
{
    /// <summary>Its cost per parent id, for more paired comparisons (a leave-one-out row's cold intel).</summary>
    public IReadOnlyDictionary<long, double> MarkedCosts { get; init; } = new Dictionary<long, double>();

    /// <param name="cells">The grid run on the evaluated data.</param>
    /// <param name="start">The setting worked before any outcome is known.</param>
    /// <param name="intelCosts">Intel's cost per parent id; null without an intel run.</param>
    /// <param name="seed">The seed of the paired intervals' bootstrap.</param>
    /// <returns>Null when the start is not a cell of the grid, or fewer than two parents have a finite cost in every cell.</returns>
    public static WalkForwardLeader? Of(IReadOnlyList<FixedSettingGrid.Cell> cells, FixedSetting start, IReadOnlyDictionary<long, double>? intelCosts, ulong seed)
    {
        var index = cells.Select(c => c.Setting).ToList().IndexOf(start);
        return index < 0 ? null : Of(
            [.. cells.Select(c => c.Result.MarkedCosts)], [.. cells.Select(c => c.Setting)], index, KnownTimes([.. cells.Select(c => c.Result.Tally.Times)]), intelCosts, seed);
    }

    /// <summary>
    /// Each parent's arrival and when its outcome is known in every run: the latest completion (never, <see cref="long.MaxValue"/>,
    /// when a run has it still working or has no record of it). The runs work one schedule, so a parent arrives at the same
    /// time in each; a run that disagrees is a defect of the caller, not data.
    /// </summary>
    public static IReadOnlyDictionary<long, RunTally.ParentTimes> KnownTimes(IReadOnlyList<IReadOnlyDictionary<long, RunTally.ParentTimes>> runs)
    {
        var known = new Dictionary<long, RunTally.ParentTimes>();
        foreach (var (id, first) in runs[0])
        {
            var completed = first.CompletedNs;
            foreach (var run in runs)
            {
                if (!run.TryGetValue(id, out var t))
                {
                    completed = long.MaxValue;
                    continue;
                }
                if (t.ArrivalNs != first.ArrivalNs)
                {
                    throw new InvalidOperationException($"parent {id} arrived at {first.ArrivalNs} ns in one run and {t.ArrivalNs} ns in another: the grid's runs must work one schedule.");
                }
                completed = Math.Max(completed, t.CompletedNs);
            }
            known[id] = first with { CompletedNs = completed };
        }
        return known;
    }

    /// <param name="costs">Each setting's cost per parent id.</param>
    /// <param name="settings">The settings, in the order of <paramref name="costs"/> (ties go to the earlier one, as the grid's best).</param>
    /// <param name="start">The index of the setting worked before any outcome is known.</param>
    /// <param name="times">Each parent's arrival, and when its outcome was known in every cell (<see cref="long.MaxValue"/>: never).</param>
    public static WalkForwardLeader? Of(IReadOnlyList<IReadOnlyDictionary<long, double>> costs, IReadOnlyList<FixedSetting> settings, int start, IReadOnlyDictionary<long, RunTally.ParentTimes> times, IReadOnlyDictionary<long, double>? intelCosts, ulong seed)
    {
        var scored = GridScoring.Scored(costs).Where(times.ContainsKey).ToArray();
        if (scored.Length < 2)
        {
            return null;
        }
        var byArrival = scored.OrderBy(id => times[id].ArrivalNs).ThenBy(id => id).ToArray();
        var byKnown = scored.Where(id => times[id].CompletedNs != long.MaxValue).OrderBy(id => times[id].CompletedNs).ThenBy(id => id).ToArray();
        var sums = new double[costs.Count];
        var known = 0;
        var worked = start;
        var fromStart = 0;
        var switches = 0;
        var used = new List<(FixedSetting Setting, int Parents)>();
        var costsWorked = new Dictionary<long, double>(scored.Length);
        foreach (var id in byArrival)
        {
            // Only outcomes completed before this parent arrived: walk-forward.
            while (known < byKnown.Length && times[byKnown[known]].CompletedNs < times[id].ArrivalNs)
            {
                for (var s = 0; s < costs.Count; s++)
                {
                    sums[s] += costs[s][byKnown[known]];
                }
                known++;
            }
            var leader = known == 0 ? start : GridScoring.Cheapest(sums);
            fromStart += known == 0 ? 1 : 0;
            switches += leader != worked ? 1 : 0;
            worked = leader;
            var at = used.FindIndex(u => u.Setting == settings[leader]);
            if (at < 0)
            {
                used.Add((settings[leader], 1));
            }
            else
            {
                used[at] = (settings[leader], used[at].Parents + 1);
            }
            costsWorked[id] = costs[leader][id];
        }
        var hindsight = GridScoring.Hindsight(costs, scored);
        return new WalkForwardLeader(settings[start], fromStart, switches, used, costsWorked.Values.Average(),
            PairedDifference.Compute(costsWorked, costs[hindsight], seed),
            intelCosts is null ? null : PairedDifference.Compute(intelCosts, costsWorked, seed))
        {
            MarkedCosts = costsWorked,
        };
    }
}
