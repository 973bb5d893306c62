using System.Globalization;
using Fillwise.Backtest;
using Spectre.Console;

namespace Fillwise.Reports;

/// <summary>The eval result as a terminal table, with each paired difference and its interval in words.</summary>
public static class EvalTable
{
    public static void Write(TextWriter stdout, EvalResult result)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 170;
        }
        var table = new Table().Title($"eval ({result.Mode}), seed {result.Seed}, parent orders {result.Orders}");
        foreach (var column in new[] { "policy", "orders", "filled", "cost mean bps", "incl. unfinished", "median", "p90", "fees bps", "maker fill", "fallback", "time to fill ms", "markout 5s", "denied" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var (name, run) in result.Policies)
        {
            var s = run.Stats;
            table.AddRow(name, I(s.Orders), I(s.FilledOrders), F(s.CostBpsMean), F(s.CostBpsMeanMarked), F(s.CostBpsMedian), F(s.CostBpsP90), F(s.FeesBpsMean), P(s.MakerFillRatio), P(s.FallbackRatio), F(s.MeanTimeToFillMs, "F0"), F(s.Markout5sBps), I(s.Denied));
        }
        console.Write(table);
        Difference(stdout, "intel - static", result.IntelMinusStatic);
        if (result.Best is { } best)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best fixed setting ({(best.ChosenOn == "train" ? "chosen on the training data" : "in hindsight on this data")}): {best.Setting}, {best.Stats.CostBpsMean:F3} bps here ({best.Stats.CostBpsMeanMarked:F3} incl. unfinished)."));
            Difference(stdout, "intel - best fixed", result.IntelMinusBestFixed);
        }
        if (result.Headroom is { } headroom)
        {
            stdout.WriteLine("headroom in hindsight (in-sample upper bounds of what choosing per parent could have gained over the best fixed setting on this data):");
            Unmarked(stdout, "  clairvoyant (each parent's cheapest cell) - best fixed", headroom.Clairvoyant);
            Unmarked(stdout, $"  one cell per intel context ({headroom.Contexts} contexts) - best fixed", headroom.IntelContexts);
            Difference(stdout, "best fixed setting - static", headroom.BestMinusStatic, "the best fixed setting");
        }
        if (result.CrossFitted is { } crossFitted)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best fixed setting chosen out of fold ({crossFitted.Folds} blocks in time, each with the cell cheapest on the others: {string.Join("; ", crossFitted.Settings)}): {crossFitted.CostBpsMean:F3} bps incl. unfinished."));
            Unmarked(stdout, "  out of fold - in hindsight (what choosing on the other blocks of this data costs)", crossFitted.MinusBest, "not walk-forward: the other blocks include the future");
            Difference(stdout, "intel - best fixed chosen out of fold", crossFitted.IntelMinus);
        }
        if (result.Leader is { } leader)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the grid's leader walk-forward (each parent with the cell cheapest so far over the parents completed in every cell before it arrived, told their true outcomes; {leader.FromStart} parents with {leader.Start} before any was known; {leader.Switches} switches; cells used: {string.Join("; ", leader.Used.Select(u => $"{u.Setting} x {u.Parents}"))}): {leader.CostBpsMean:F3} bps incl. unfinished."));
            Unmarked(stdout, "  leader walk-forward - in hindsight (what following the leader costs)", leader.MinusBest, "the hindsight cell chose on these parents");
            Difference(stdout, "intel - the grid's leader walk-forward", leader.IntelMinus);
        }
    }

    private static void Difference(TextWriter stdout, string label, PairedDifference? d, string subject = "intel")
    {
        if (d is null)
        {
            return;
        }
        var verdict = d.High < 0 ? $"{subject} is cheaper" : d.Low > 0 ? $"{subject} is more expensive" : "no significant difference";
        stdout.WriteLine($"{label}: {F(d.Mean)} bps, 95% CI [{F(d.Low)}, {F(d.High)}] over {d.Pairs} paired parent orders, block {d.Block} ({verdict}).");
    }

    /// <summary>No verdict: a bound, or a gap to a cell that chose on the very data it is measured on.</summary>
    private static void Unmarked(TextWriter stdout, string label, PairedDifference? d, string note = "a bound, not a result")
    {
        if (d is not null)
        {
            stdout.WriteLine($"{label}: {F(d.Mean)} bps, 95% CI [{F(d.Low)}, {F(d.High)}] over {d.Pairs} paired parent orders ({note}).");
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, string format = "F3") => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string P(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "-";
}
