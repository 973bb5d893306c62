using System.Globalization;
using Fillwise.Core;

namespace Fillwise.Backtest;

/// <summary>One evaluated set and seed of a leave-one-out evaluation.</summary>
/// <param name="Set">The set's label (its symbols and time span).</param>
/// <param name="Warm">The evaluation with the other sets as training data: intel starts from what it learned there, the best fixed setting is chosen there.</param>
/// <param name="Cold">Intel on the set without a prior.</param>
/// <param name="Hindsight">The grid's best cell on the set itself (the constant nobody could have picked beforehand).</param>
/// <param name="Headroom">How much choosing per parent could have gained over that cell on the set (intel's contexts: the warm run's).</param>
/// <param name="CrossFitted">The best constant chosen out of fold on the set (intel: the warm run), and cold intel against it.</param>
/// <param name="Leader">The grid's leader walk-forward on the set, from the constant chosen on the training sets (intel: the warm run), and cold intel against it.</param>
public sealed record LeaveOneOutRow(
    string Set,
    ulong Seed,
    EvalResult Warm,
    PolicyOutcome Cold,
    PairedDifference? ColdMinusStatic,
    PairedDifference? ColdMinusBestFixed,
    BestFixed Hindsight,
    PairedDifference? IntelMinusHindsight,
    PairedDifference? ColdMinusHindsight,
    Headroom Headroom,
    CrossFittedBest? CrossFitted,
    PairedDifference? ColdMinusCrossFitted,
    WalkForwardLeader? Leader,
    PairedDifference? ColdMinusLeader);

/// <summary>
/// The evaluation tables of the README from one command (issue 12's "evaluation as a feature"): for each set and each
/// seed, the other sets are the training data (leave-one-out). Per row: every policy, intel warm (learned on the
/// training sets) and cold, against static, against the best fixed setting chosen on the training sets, and against
/// the best fixed setting in hindsight on the set itself; every comparison paired per parent with its block-bootstrap
/// 95 % interval. Walk-forward throughout: nothing of the evaluated set is used before it happens — except by the
/// yardsticks chosen on the set itself (the hindsight cell, the headroom bounds, the best chosen out of fold).
/// </summary>
public static class LeaveOneOut
{
    /// <param name="sets">Capture sets, each loaded (and checked) on its own; the training data of a set is the others' files, in time order.</param>
    public static IReadOnlyList<LeaveOneOutRow> Run(IReadOnlyList<BacktestInputs> sets, IReadOnlyList<ulong> seeds, Func<ulong, EvalSpec> specFor, TextWriter? log = null)
    {
        if (sets.Count < 2)
        {
            throw new Fillwise.Core.OptionsException("--set: give at least two sets (each is evaluated with the others as training data).");
        }
        if (sets.Any(s => s.Captures.Count == 0))
        {
            throw new Fillwise.Core.OptionsException("--set takes capture files (a leave-one-out evaluation of kline or catalog data is not supported).");
        }
        Disjoint(sets);
        var preloaded = sets.Select(s => s.Preloaded()).ToList();
        var rows = new List<LeaveOneOutRow>();
        for (var i = 0; i < preloaded.Count; i++)
        {
            var test = preloaded[i];
            // One symbol's files must come in time order: the other sets by their first event.
            var trainFiles = preloaded.Where((_, k) => k != i).OrderBy(s => s.Quality.StartNs).SelectMany(s => s.Captures).ToList();
            var train = BacktestInputs.Load(trainFiles, null, test.Catalog, preload: true);
            foreach (var seed in seeds)
            {
                var spec = specFor(seed);
                log?.WriteLine($"fillwise: set {i + 1} of {preloaded.Count} ({Label(test)}), seed {seed} ...");
                var (options, _) = test.Adapt(Evaluation.TcaOptions(spec.Options), spec.Adapt);
                // Cold intel and the grid on the set itself run in the evaluation's pass over the set: its statistics and
                // marked costs are all a row reads of it, so no records are kept.
                BacktestSpec[] alongside = [new BacktestSpec("intel", seed, spec.Orders, options) { KeepRecords = false }, .. FixedSettingGrid.Specs(test, spec)];
                var evaluated = Evaluation.Run(test, spec with { Policies = [.. spec.Policies.Union(["static", "intel"])] }, grid: true, train, alongside: alongside);
                var coldRun = evaluated.Alongside[0];
                var cold = new PolicyOutcome(coldRun.Stats, coldRun.Telemetry, coldRun.Venue, coldRun.Health, coldRun.MarkedCosts);
                var cells = FixedSettingGrid.Cells(evaluated.Alongside.Skip(1).ToList());
                var bestCell = FixedSettingGrid.Best(cells);
                var warm = evaluated with { Alongside = [] }; // a row keeps what it reports, not 31 more runs
                var hindsight = new BestFixed(bestCell.Setting, "hindsight", bestCell.Stats) { MarkedCosts = bestCell.Result.MarkedCosts };
                var intel = warm.Policies["intel"].MarkedCosts;
                var stat = warm.Policies["static"].MarkedCosts;
                var crossFitted = CrossFittedBest.Of(cells, intel, seed);
                var leader = warm.Best is { } chosen ? WalkForwardLeader.Of(cells, chosen.Setting, intel, seed) : null;
                rows.Add(new LeaveOneOutRow(
                    Label(test), seed, warm, cold,
                    PairedDifference.Compute(cold.MarkedCosts, stat, seed),
                    warm.Best is { } best ? PairedDifference.Compute(cold.MarkedCosts, best.MarkedCosts, seed) : null,
                    hindsight,
                    PairedDifference.Compute(intel, hindsight.MarkedCosts, seed),
                    PairedDifference.Compute(cold.MarkedCosts, hindsight.MarkedCosts, seed),
                    Headroom.Of(cells, Headroom.ContextsOf(warm.Policies["intel"].Telemetry), stat, seed),
                    crossFitted,
                    crossFitted is null ? null : PairedDifference.Compute(cold.MarkedCosts, crossFitted.MarkedCosts, seed),
                    leader,
                    leader is null ? null : PairedDifference.Compute(cold.MarkedCosts, leader.MarkedCosts, seed)));
            }
        }
        return rows;
    }

    /// <summary>
    /// A set's training data is the other sets: they must be of its market (a prior learned under other fees and
    /// another book misleads) and must not hold its symbols over its time (a set given twice, or overlapping, would be
    /// learned from and chosen on the very data it is evaluated on).
    /// </summary>
    private static void Disjoint(IReadOnlyList<BacktestInputs> sets)
    {
        for (var i = 0; i < sets.Count; i++)
        {
            for (var k = i + 1; k < sets.Count; k++)
            {
                var (a, b) = (sets[i].Quality, sets[k].Quality);
                if (a.Market != b.Market)
                {
                    throw new OptionsException($"--set: set {i + 1} ({Label(sets[i])}) is {a.Market.Name()} and set {k + 1} ({Label(sets[k])}) is {b.Market.Name()}; each set is evaluated with the others as training data, so all sets must be of one market.");
                }
                if (a.Symbols.Overlaps(b.Symbols) && a.StartNs <= b.EndNs && b.StartNs <= a.EndNs)
                {
                    throw new OptionsException($"--set: sets {i + 1} ({Label(sets[i])}) and {k + 1} ({Label(sets[k])}) hold the same symbol and overlap in time; each set is evaluated with the others as training data, so give each span of a symbol in one set only.");
                }
            }
        }
    }

    /// <summary>"BTCUSDT 2024-07-18 23:57 UTC, 8 min": the set's symbols and the span of its data.</summary>
    public static string Label(BacktestInputs set)
    {
        var q = set.Quality;
        var start = DateTimeOffset.UnixEpoch.AddTicks(q.StartNs / 100);
        var minutes = (q.EndNs - q.StartNs) / 60_000_000_000.0;
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join("+", q.Symbols.Select(s => s.Value).Order(StringComparer.Ordinal))} {start:yyyy-MM-dd HH:mm} UTC, {minutes:F0} min");
    }
}
