using System.Globalization;
using Fillwise.Execution;
using Fillwise.Execution.Routing;

namespace Fillwise.Backtest;

/// <summary>One constant way of working every parent order: post at the touch moved by OffsetBps (0 = at the touch), wait TimeoutS, then take.</summary>
public sealed record FixedSetting(double OffsetBps, int TimeoutS, bool Peg = false)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(Peg ? "peg to the touch" : $"offset {OffsetBps} bps")}, timeout {TimeoutS} s");
}

/// <summary>
/// The static policy over a grid of fixed settings on the same orders, so a policy can be compared with the
/// best constant. Each cell is an independent deterministic replay; the cells run in lockstep groups, one per core
/// (<see cref="BacktestEngine.RunMany"/>), beside the evaluation's policies when they run on the same data.
/// </summary>
public static class FixedSettingGrid
{
    public static readonly double[] OffsetsBps = [0, 1, 2, 4, 8];
    public static readonly int[] TimeoutsS = [2, 10, 30, 60, 120];

    /// <summary>Peg re-posts allowed in a peg cell (the same bound the intel policy uses).</summary>
    public const int PegReprices = 20;

    /// <summary>Every offset x timeout, and peg-to-the-touch x timeout.</summary>
    public static IReadOnlyList<FixedSetting> Settings { get; } =
        [.. OffsetsBps.SelectMany(o => TimeoutsS.Select(t => new FixedSetting(o, t))), .. TimeoutsS.Select(t => new FixedSetting(0, t, Peg: true))];

    /// <summary>A cell's run: its statistics and marked costs (its records are not kept).</summary>
    public sealed record Cell(FixedSetting Setting, BacktestResult Result)
    {
        public PolicyStats Stats => Result.Stats;
    }

    /// <summary>
    /// Every cell's run, in <see cref="Settings"/> order, to step alone or beside other runs of the same data. Thirty
    /// runs' records held at once were most of an evaluation's memory (1 GB over the month of bars); a cell keeps only
    /// its statistics and marked costs.
    /// </summary>
    public static BacktestSpec[] Specs(BacktestInputs inputs, EvalSpec spec) => [.. Settings.Select(s => Spec(inputs, spec, s))];

    /// <summary>The cells from their runs' results, in <see cref="Settings"/> order.</summary>
    public static IReadOnlyList<Cell> Cells(IReadOnlyList<BacktestResult> results) => [.. Settings.Select((s, i) => new Cell(s, results[i]))];

    /// <summary>
    /// The cheapest cell by the mean over every routed parent (unfinished ones marked), so a cell cannot win by leaving
    /// its hard parents unfinished.
    /// </summary>
    public static Cell Best(IReadOnlyList<Cell> cells) => cells.Where(c => double.IsFinite(c.Stats.CostBpsMeanMarked)).MinBy(c => c.Stats.CostBpsMeanMarked) ?? cells[0];

    /// <summary>
    /// The static policy's setting under these router options as a grid setting (the inverse of <see cref="Spec"/>), or
    /// null when the grid has no such cell: a timeout in fractions of a second or off the grid, another peg count. A give-up
    /// distance is the options' own and every cell keeps it, so it does not matter here.
    /// </summary>
    public static FixedSetting? SettingOf(RouterOptions router)
    {
        var setting = new FixedSetting(router.StaticOffsetBps, (int)router.StaticMakerTimeout.TotalSeconds, router.StaticPegReprices > 0);
        var exact = router.StaticMakerTimeout == TimeSpan.FromSeconds(setting.TimeoutS) && router.StaticPegReprices is 0 or PegReprices;
        return exact && Settings.Contains(setting) ? setting : null;
    }

    /// <summary>The static policy with this setting (its records not kept); the setting is kept as given in bar mode too (the grid is about the settings themselves).</summary>
    public static BacktestSpec Spec(BacktestInputs inputs, EvalSpec spec, FixedSetting setting)
    {
        var (options, _) = inputs.Adapt(Evaluation.TcaOptions(spec.Options), spec.Adapt);
        options = options with { Router = options.Router with { StaticOffsetBps = setting.OffsetBps, StaticMakerTimeout = TimeSpan.FromSeconds(setting.TimeoutS), StaticPegReprices = setting.Peg ? PegReprices : 0 } };
        return new BacktestSpec("static", spec.Seed, spec.Orders, options) { KeepRecords = false };
    }
}
