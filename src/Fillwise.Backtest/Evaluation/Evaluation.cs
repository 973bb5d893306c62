using Fillwise.Execution;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Execution.Signals;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>One policy's run inside an evaluation.</summary>
public sealed record PolicyOutcome(PolicyStats Stats, MemoryTelemetry Telemetry, ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health, IReadOnlyDictionary<long, double> MarkedCosts);

/// <summary>What to evaluate: policies by name on one seeded parent-order schedule, with the executor's options.</summary>
public sealed record EvalSpec(IReadOnlyList<string> Policies, ulong Seed, Func<ISignalSource> Orders, string OrdersLabel, ExecutorOptions Options, bool Adapt = true);

/// <summary>The best fixed setting of the grid and where it was chosen ("train" or "hindsight"), with its run on the evaluated data.</summary>
public sealed record BestFixed(FixedSetting Setting, string ChosenOn, PolicyStats Stats)
{
    /// <summary>Its cost per parent on the evaluated data (unfinished parents marked), for paired comparisons.</summary>
    public IReadOnlyDictionary<long, double> MarkedCosts { get; init; } = new Dictionary<long, double>();
}

public sealed record EvalResult(
    SortedDictionary<string, PolicyOutcome> Policies,
    PairedDifference? IntelMinusStatic,
    ulong Seed,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> TrainInputs,
    string Mode,
    string Orders,
    IReadOnlyList<string> Adaptations)
{
    public IReadOnlyList<FixedSettingGrid.Cell>? Grid { get; init; }
    public BestFixed? Best { get; init; }
    public PairedDifference? IntelMinusBestFixed { get; init; }

    /// <summary>With the grid run on the evaluated data (hindsight): how much choosing per parent could have gained over its best cell.</summary>
    public Headroom? Headroom { get; init; }

    /// <summary>With the grid run on the evaluated data (hindsight): the grid's best chosen out of fold, and what choosing on the rest of the data costs against the hindsight cell.</summary>
    public CrossFittedBest? CrossFitted { get; init; }

    /// <summary>With the grid run on the evaluated data (hindsight): the grid's leader walk-forward, from static's setting (null when that is not a grid cell), against the hindsight cell.</summary>
    public WalkForwardLeader? Leader { get; init; }

    /// <summary>With training data: the resting shadow outcomes intel learned there and started the evaluated data with (0 = cold).</summary>
    public long IntelPriorSamples { get; init; }

    /// <summary>The results of the caller's own runs made beside the policies on the evaluated data, in the order given.</summary>
    public IReadOnlyList<BacktestResult> Alongside { get; init; } = [];
}

/// <summary>
/// The A/B(/C) evaluation: every policy on the identical input and the identical seeded parent orders, in
/// parallel (each run is independent and deterministic, so the result equals a sequential run), paired
/// differences with block-bootstrap intervals, and optionally the fixed-setting grid — its best cell chosen on
/// training data when given, else in hindsight on the evaluated data (and labelled so).
/// </summary>
public static class Evaluation
{
    /// <summary>
    /// Options for TCA (parent orders from a schedule): every policy trades identical orders (the intel size
    /// factor is recorded but not applied), and the account is large enough that the schedule's P&amp;L never
    /// trips the drawdown guard or the caps (gates still run; denials are reported).
    /// </summary>
    public static ExecutorOptions TcaOptions(ExecutorOptions? baseOptions = null) => (baseOptions ?? new ExecutorOptions()) with
    {
        ApplyIntelSizing = false,
        StartingEquity = 100_000_000m,
        Risk = (baseOptions?.Risk ?? new()) with { MaxSymbolNotional = 1_000_000_000m, MaxGrossNotional = 10_000_000_000m },
    };

    /// <param name="alongside">More runs of the evaluated data (e.g. a leave-one-out row's cold intel and hindsight grid), stepped in the same lockstep pass as the policies; their results are in <see cref="EvalResult.Alongside"/>.</param>
    public static EvalResult Run(BacktestInputs test, EvalSpec spec, bool grid = false, BacktestInputs? train = null, TextWriter? log = null, IReadOnlyList<BacktestSpec>? alongside = null)
    {
        alongside ??= [];
        if (spec.Policies.Count == 0)
        {
            throw new Fillwise.Core.OptionsException("--policies: name at least one policy.");
        }
        // Parse once, run many: every policy and grid cell replays the same events from memory.
        test = test.Preloaded();
        train = train?.Preloaded();
        var (options, adaptations) = test.Adapt(TcaOptions(spec.Options), spec.Adapt);
        var runs = new SortedDictionary<string, PolicyOutcome>(StringComparer.Ordinal);
        var names = spec.Policies.Distinct().ToArray();
        log?.WriteLine($"fillwise: eval {string.Join(", ", names)} on {string.Join(", ", test.Files.Select(Path.GetFileName))} ...");
        var grids = grid || train is not null;
        var policySpecs = names.Select(n => new BacktestSpec(n, spec.Seed, spec.Orders, options)).ToArray();
        IntelModel? prior = null;
        IReadOnlyList<FixedSettingGrid.Cell>? cells = null;
        BacktestResult[] results;
        if (train is null)
        {
            // One lockstep pass over the data for the policies and the grid's cells together.
            if (grids)
            {
                log?.WriteLine($"fillwise: and the fixed-setting grid ({FixedSettingGrid.Settings.Count} cells) on the evaluated data (hindsight) ...");
            }
            results = BacktestEngine.RunMany(test, [.. policySpecs, .. grids ? FixedSettingGrid.Specs(test, spec) : [], .. alongside]);
            cells = grids ? FixedSettingGrid.Cells(results[names.Length..^alongside.Count]) : null;
        }
        else
        {
            // Intel learns on the training data first, as a desk would before going live, and the fixed settings are
            // chosen there too: one pass over the training data for both, then one over the evaluated data for the
            // policies and the cell chosen.
            var learns = names.Contains("intel");
            log?.WriteLine($"fillwise: {(learns ? "intel's prior and " : "")}the fixed-setting grid ({FixedSettingGrid.Settings.Count} cells) on the training data ...");
            BacktestSpec[] trainSpecs = [.. learns ? [new BacktestSpec("intel", spec.Seed, spec.Orders, options) { KeepRecords = false }] : Array.Empty<BacktestSpec>(), .. FixedSettingGrid.Specs(train, spec)];
            var trained = BacktestEngine.RunMany(train, trainSpecs);
            prior = learns ? trained[0].Learned : null;
            cells = FixedSettingGrid.Cells(trained[(learns ? 1 : 0)..]);
            if (prior is not null)
            {
                log?.WriteLine($"fillwise: intel learned {prior.TotalSamples:N0} shadow outcomes on the training data and starts from them.");
            }
            var chosen = FixedSettingGrid.Spec(test, spec, FixedSettingGrid.Best(cells).Setting);
            results = BacktestEngine.RunMany(test, [.. policySpecs.Select(p => p.Policy == "intel" ? p with { Prior = prior } : p), chosen, .. alongside]);
        }
        for (var i = 0; i < names.Length; i++)
        {
            var r = results[i];
            runs[names[i]] = new PolicyOutcome(r.Stats, r.Telemetry, r.Venue, r.Health, r.MarkedCosts);
        }
        var difference = runs.TryGetValue("intel", out var intel) && runs.TryGetValue("static", out var stat)
            ? PairedDifference.Compute(intel.MarkedCosts, stat.MarkedCosts, spec.Seed)
            : null;
        var result = new EvalResult(runs, difference, spec.Seed, [.. test.Files], train is null ? [] : [.. train.Files], test.Mode, spec.OrdersLabel, adaptations)
        {
            IntelPriorSamples = prior?.TotalSamples ?? 0,
            Alongside = results[^alongside.Count..],
        };
        if (cells is null)
        {
            return result;
        }
        var best = FixedSettingGrid.Best(cells);
        var bestOnTest = train is null ? best.Result : results[names.Length];
        var bestFixed = new BestFixed(best.Setting, train is null ? "hindsight" : "train", bestOnTest.Stats) { MarkedCosts = bestOnTest.MarkedCosts };
        return result with
        {
            Grid = cells,
            Best = bestFixed,
            IntelMinusBestFixed = intel is null ? null : PairedDifference.Compute(intel.MarkedCosts, bestOnTest.MarkedCosts, spec.Seed),
            Headroom = train is null ? Headroom.Of(cells, intel is null ? null : Headroom.ContextsOf(intel.Telemetry), runs.GetValueOrDefault("static")?.MarkedCosts, spec.Seed) : null,
            CrossFitted = train is null ? CrossFittedBest.Of(cells, intel?.MarkedCosts, spec.Seed) : null,
            Leader = train is null && FixedSettingGrid.SettingOf(options.Router) is { } staticSetting ? WalkForwardLeader.Of(cells, staticSetting, intel?.MarkedCosts, spec.Seed) : null,
        };
    }
}
