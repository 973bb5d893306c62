using System.Globalization;
using System.Text;
using System.Text.Json;
using Fillwise.Backtest;

namespace Fillwise.Reports;

/// <summary>
/// A leave-one-out evaluation as the README's tables: one row per set and seed, costs in bps (mean over every routed
/// parent, unfinished ones marked), each difference with its paired 95 % interval; bold where intel is significantly
/// cheaper, italics where it is significantly dearer; cold intel (no prior) in brackets. Also as JSON.
/// </summary>
public static class LeaveOneOutReport
{
    private static readonly string[] Columns =
    [
        "set", "seed", "pairs", "taker", "static", "rules", "intel [cold]", "intel - static [cold]",
        "best fixed (train)", "intel - best fixed [cold]", "best fixed (hindsight)", "intel - hindsight [cold]",
    ];

    public static string Markdown(IReadOnlyList<LeaveOneOutRow> rows, string orders)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Leave-one-out evaluation, parent orders {orders}; costs in bps incl. fees, unfinished parents marked at the last opposite touch.\n\n");
        text.Append("| ").AppendJoin(" | ", Columns).Append(" |\n");
        text.Append('|').AppendJoin("", Columns.Select((_, i) => i < 2 ? "---|" : "---:|")).Append('\n');
        foreach (var r in rows)
        {
            var p = r.Warm.Policies;
            text.Append("| ").AppendJoin(" | ",
            [
                r.Set, I(r.Seed), I(r.Warm.IntelMinusStatic?.Pairs ?? 0),
                Cost(p, "taker"), Cost(p, "static"), Cost(p, "rules"),
                $"{Cost(p, "intel")} [{F(r.Cold.Stats.CostBpsMeanMarked)}]",
                $"{Diff(r.Warm.IntelMinusStatic)} [{Mean(r.ColdMinusStatic)}]",
                r.Warm.Best is { } best ? $"{Setting(best.Setting)}: {F(best.Stats.CostBpsMeanMarked)}" : "-",
                $"{Diff(r.Warm.IntelMinusBestFixed)} [{Mean(r.ColdMinusBestFixed)}]",
                $"{Setting(r.Hindsight.Setting)}: {F(r.Hindsight.Stats.CostBpsMeanMarked)}",
                $"{Diff(r.IntelMinusHindsight)} [{Mean(r.ColdMinusHindsight)}]",
            ]).Append(" |\n");
        }
        text.Append("\nHeadroom in hindsight: in-sample upper bounds of what choosing per parent could have gained over the best constant in hindsight on the set, paired per parent (intervals shown unmarked: the bounds choose on the data they are measured on). ")
            .Append("Clairvoyant: each parent with its own cheapest cell of the grid. Intel's contexts: one grid cell per context of intel's decision (queue, flow, spread at arrival), the cheapest for that context on the set itself. Hindsight - static: how much the best constant itself gains over static. ")
            .Append("Out of fold: the set cut into 5 blocks in time, each worked with the cell cheapest on the other blocks (not walk-forward: the other blocks include its future); out of fold - hindsight is what choosing on the rest of the set costs (large when the cells' ranking changes within the set), and intel - out of fold is marked like the first table.\n\n");
        text.Append("| set | seed | hindsight - static | intel - hindsight | clairvoyant - hindsight | intel's contexts - hindsight (contexts) | out of fold - hindsight | intel - out of fold [cold] |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {r.Set} | {I(r.Seed)} | {Diff(r.Headroom.BestMinusStatic)} | {Diff(r.IntelMinusHindsight)} | {Unmarked(r.Headroom.Clairvoyant)} | {Unmarked(r.Headroom.IntelContexts)} ({r.Headroom.Contexts?.ToString(CultureInfo.InvariantCulture) ?? "-"}) | {Unmarked(r.CrossFitted?.MinusBest)} | {Diff(r.CrossFitted?.IntelMinus)} [{Mean(r.ColdMinusCrossFitted)}] |\n");
        }
        text.Append("\nThe grid's leader, walk-forward: each parent worked with the cell cheapest so far over the parents whose orders had completed in every cell before it arrived, ")
            .Append("told every cell's true outcome on them (no live client sees that); before any is known, with the constant chosen on the training sets. It is one walk-forward rule (follow the leader), not a bound. ")
            .Append("Leader - hindsight is what following the leader costs against the cell chosen with the whole set known (unmarked, as the bounds: that cell chose on the very parents); intel - leader is marked like the first table.\n\n");
        text.Append("| set | seed | from start | switches | cells used (parents) | leader - hindsight | intel - leader [cold] |\n|---|---|---:|---:|---|---:|---:|\n");
        foreach (var r in rows)
        {
            var l = r.Leader;
            var used = l is null ? "-" : string.Join(", ", l.Used.Select(u => $"{Setting(u.Setting)} ({I(u.Parents)})"));
            text.Append(CultureInfo.InvariantCulture, $"| {r.Set} | {I(r.Seed)} | {(l is null ? "-" : I(l.FromStart))} | {(l is null ? "-" : I(l.Switches))} | {used} | {Unmarked(l?.MinusBest)} | {Diff(l?.IntelMinus)} [{Mean(r.ColdMinusLeader)}] |\n");
        }
        return text.ToString();
    }

    public static string Json(IReadOnlyList<LeaveOneOutRow> rows, string orders)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("orders", orders);
            w.WriteStartArray("rows");
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteString("set", r.Set);
                w.WriteNumber("seed", r.Seed);
                w.WriteStartObject("cost_bps_mean_marked");
                foreach (var (name, run) in r.Warm.Policies)
                {
                    EvalJson.Number(w, name, run.Stats.CostBpsMeanMarked);
                }
                EvalJson.Number(w, "intel_cold", r.Cold.Stats.CostBpsMeanMarked);
                w.WriteEndObject();
                EvalJson.Difference(w, "intel_minus_static_bps", r.Warm.IntelMinusStatic);
                EvalJson.Difference(w, "intel_cold_minus_static_bps", r.ColdMinusStatic);
                Best(w, "best_fixed_train", r.Warm.Best);
                EvalJson.Difference(w, "intel_minus_best_fixed_bps", r.Warm.IntelMinusBestFixed);
                EvalJson.Difference(w, "intel_cold_minus_best_fixed_bps", r.ColdMinusBestFixed);
                Best(w, "best_fixed_hindsight", r.Hindsight);
                EvalJson.Difference(w, "intel_minus_best_hindsight_bps", r.IntelMinusHindsight);
                EvalJson.Difference(w, "intel_cold_minus_best_hindsight_bps", r.ColdMinusHindsight);
                EvalJson.Headroom(w, r.Headroom);
                EvalJson.CrossFitted(w, r.CrossFitted);
                EvalJson.Difference(w, "intel_cold_minus_cross_fitted_bps", r.ColdMinusCrossFitted);
                EvalJson.Leader(w, r.Leader);
                EvalJson.Difference(w, "intel_cold_minus_walk_forward_bps", r.ColdMinusLeader);
                w.WriteNumber("intel_prior_samples", r.Warm.IntelPriorSamples);
                EvalJson.Strings(w, "inputs", r.Warm.Inputs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Best(Utf8JsonWriter w, string name, BestFixed? best)
    {
        if (best is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("setting", best.Setting.ToString());
        EvalJson.Number(w, "cost_bps_mean_marked", best.Stats.CostBpsMeanMarked);
        w.WriteString("chosen_on", best.ChosenOn);
        w.WriteEndObject();
    }

    private static string Cost(IReadOnlyDictionary<string, PolicyOutcome> policies, string name) =>
        policies.TryGetValue(name, out var run) ? F(run.Stats.CostBpsMeanMarked) : "-";

    private static string Setting(FixedSetting s) => s.Peg ? $"peg {I(s.TimeoutS)} s" : s.OffsetBps == 0 ? $"touch {I(s.TimeoutS)} s" : string.Create(CultureInfo.InvariantCulture, $"{s.OffsetBps} bps behind {s.TimeoutS} s");

    /// <summary>"**-0.79 [-1.34, -0.15]**": bold when the interval is below zero (intel cheaper), italics when above.</summary>
    private static string Diff(PairedDifference? d) => Marked(d, x => Unmarked(x));

    /// <summary>Shown but not marked: a bound, or a gap to a cell chosen on the same data, which that choice flatters.</summary>
    private static string Unmarked(PairedDifference? d) =>
        d is null || !double.IsFinite(d.Mean) ? "-" : $"{Signed(d.Mean)} [{Signed(d.Low)}, {Signed(d.High)}]";

    /// <summary>The mean alone, marked the same way (cold intel, in brackets).</summary>
    private static string Mean(PairedDifference? d) => Marked(d, x => Signed(x.Mean));

    /// <summary>"+0.12", "-0.12"; a value that rounds to zero keeps its sign ("-0.00": just below zero), never "-+0.00".</summary>
    private static string Signed(double value) =>
        (value < 0 ? "-" : "+") + Math.Abs(value).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Marked(PairedDifference? d, Func<PairedDifference, string> text)
    {
        if (d is null || !double.IsFinite(d.Mean))
        {
            // No pairs (e.g. a set whose book never synced): there is no difference to show.
            return "-";
        }
        var shown = text(d);
        return d.High < 0 ? $"**{shown}**" : d.Low > 0 ? $"*{shown}*" : shown;
    }

    private static string F(double value) => double.IsFinite(value) ? value.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
