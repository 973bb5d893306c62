using System.Globalization;
using Fillwise.Cli.Runs;
using Fillwise.Execution;
using Fillwise.Execution.Routing;

namespace Fillwise.Cli;

/// <summary>
/// The static policy over a grid of fixed settings (offset 0, 1, 2, 4, 8 bps x timeout 2, 10, 30 s) on the same
/// orders, so intel is also compared with the best fixed setting in hindsight.
/// </summary>
internal static class StaticGrid
{
    public static readonly double[] OffsetsBps = [0, 1, 2, 4, 8];
    public static readonly int[] TimeoutsS = [2, 10, 30];

    public sealed record Cell(double OffsetBps, int TimeoutS, PolicyStats Stats);

    public static IReadOnlyList<Cell> Run(RunInputs inputs, ulong seed, TimeSpan every, decimal notional, ExecutorOptions options)
    {
        var arrivals = new ArrivalOptions(every, notional, seed);
        var cells = new List<Cell>();
        foreach (var offset in OffsetsBps)
        {
            foreach (var timeout in TimeoutsS)
            {
                var router = options.Router with { StaticOffsetBps = offset, StaticMakerTimeout = TimeSpan.FromSeconds(timeout) };
                // The grid is about the fixed settings themselves, so bar mode keeps them as given here.
                var tca = EvalCommand.TcaOptions(options) with { Router = router };
                var (telemetry, _, _, _) = PolicyRun.Run(inputs, ExecutionPolicy.Static, seed, arrivals, null, tca, keepRouter: true);
                cells.Add(new Cell(offset, timeout, PolicyStats.From(telemetry)));
            }
        }
        return cells;
    }

    public static void Write(TextWriter w, IReadOnlyList<Cell> cells, double intelCost)
    {
        w.WriteLine("| offset bps \\ timeout | " + string.Join(" | ", TimeoutsS.Select(t => $"{t} s")) + " |");
        w.WriteLine("|---|" + string.Concat(TimeoutsS.Select(_ => "---:|")));
        foreach (var offset in OffsetsBps)
        {
            w.WriteLine($"| {offset.ToString(CultureInfo.InvariantCulture)} | " + string.Join(" | ", TimeoutsS.Select(t => cells.Single(c => c.OffsetBps == offset && c.TimeoutS == t).Stats.CostBpsMean.ToString("F3", CultureInfo.InvariantCulture))) + " |");
        }
        var best = cells.MinBy(c => c.Stats.CostBpsMean)!;
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best fixed setting in hindsight: offset {best.OffsetBps} bps, timeout {best.TimeoutS} s, mean cost {best.Stats.CostBpsMean:F3} bps (maker fill {best.Stats.MakerFillRatio:P1}); intel: {intelCost:F3} bps, difference {intelCost - best.Stats.CostBpsMean:F3} bps."));
    }
}
