using System.Globalization;
using Fillwise.Core;
using System.Text.Json;
using Fillwise.Backtest;

namespace Fillwise.Reports;

/// <summary>The eval JSON contract: policies.{name}.{cost_bps_mean, orders, ...}, intel_minus_static_bps, grid.best (and grid.headroom, grid.cross_fitted, grid.walk_forward in hindsight), intel_minus_best_fixed_bps.</summary>
public static class EvalJson
{
    /// <summary><paramref name="quality"/>: the evaluated input's data errors and book gaps, when known.</summary>
    public static string Write(EvalResult result, DataQuality? quality = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("policies");
            foreach (var (name, run) in result.Policies)
            {
                w.WritePropertyName(name);
                Stats(w, run.Stats, run.Telemetry.Results.Count);
                w.WriteStartObject("venue_rejects");
                foreach (var (code, count) in run.Venue.RejectsByCode)
                {
                    w.WriteNumber(code.ToString(CultureInfo.InvariantCulture), count);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            Difference(w, "intel_minus_static_bps", result.IntelMinusStatic);
            if (result.Best is { } best)
            {
                w.WriteStartObject("grid");
                w.WriteStartObject("best");
                w.WriteString("setting", best.Setting.ToString());
                Number(w, "offset_bps", best.Setting.OffsetBps);
                w.WriteNumber("timeout_s", best.Setting.TimeoutS);
                Number(w, "cost_bps_mean", best.Stats.CostBpsMean);
                Number(w, "cost_bps_mean_marked", best.Stats.CostBpsMeanMarked);
                w.WriteString("chosen_on", best.ChosenOn);
                w.WriteEndObject();
                w.WriteStartArray("cells");
                foreach (var cell in result.Grid ?? [])
                {
                    w.WriteStartObject();
                    SettingFields(w, cell.Setting);
                    Number(w, "cost_bps_mean", cell.Stats.CostBpsMean);
                    Number(w, "cost_bps_mean_marked", cell.Stats.CostBpsMeanMarked);
                    Number(w, "maker_fill_ratio", cell.Stats.MakerFillRatio);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (result.Headroom is { } headroom)
                {
                    Headroom(w, headroom);
                }
                if (result.Headroom is not null)
                {
                    CrossFitted(w, result.CrossFitted);
                    Leader(w, result.Leader);
                }
                w.WriteEndObject();
                Difference(w, "intel_minus_best_fixed_bps", result.IntelMinusBestFixed);
            }
            w.WriteNumber("seed", result.Seed);
            Strings(w, "inputs", result.Inputs);
            Strings(w, "train_inputs", result.TrainInputs);
            w.WriteString("mode", result.Mode);
            w.WriteNumber("intel_prior_samples", result.IntelPriorSamples);
            if (quality is not null)
            {
                w.WriteNumber("data_errors", quality.DataErrors);
                w.WriteNumber("book_gaps", quality.BookGaps);
                w.WriteString("market", quality.Market.Name());
            }
            w.WriteString("orders", result.Orders);
            Strings(w, "adapted", result.Adaptations);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Stats(Utf8JsonWriter w, PolicyStats s, int results)
    {
        w.WriteStartObject();
        w.WriteNumber("orders", s.Orders);
        w.WriteNumber("filled_orders", s.FilledOrders);
        Number(w, "cost_bps_mean", s.CostBpsMean);
        Number(w, "cost_bps_mean_marked", s.CostBpsMeanMarked);
        Number(w, "cost_bps_median", s.CostBpsMedian);
        Number(w, "cost_bps_p90", s.CostBpsP90);
        Number(w, "fees_bps_mean", s.FeesBpsMean);
        Number(w, "maker_fill_ratio", s.MakerFillRatio);
        Number(w, "fallback_ratio", s.FallbackRatio);
        Number(w, "mean_time_to_fill_ms", s.MeanTimeToFillMs);
        Number(w, "markout_1s_bps", s.Markout1sBps);
        Number(w, "markout_5s_bps", s.Markout5sBps);
        Number(w, "markout_30s_bps", s.Markout30sBps);
        w.WriteNumber("denied", s.Denied);
        w.WriteStartObject("denied_by");
        foreach (var (reason, count) in s.DeniedBy)
        {
            w.WriteNumber(reason, count);
        }
        w.WriteEndObject();
        w.WriteNumber("unfinished", s.Orders - results);
    }

    /// <summary>"headroom": {clairvoyant_minus_best_bps, intel_contexts_minus_best_bps, intel_contexts} against the grid's best cell in hindsight, and best_minus_static_bps.</summary>
    internal static void Headroom(Utf8JsonWriter w, Headroom headroom)
    {
        w.WriteStartObject("headroom");
        Difference(w, "clairvoyant_minus_best_bps", headroom.Clairvoyant);
        Difference(w, "intel_contexts_minus_best_bps", headroom.IntelContexts);
        if (headroom.Contexts is { } contexts)
        {
            w.WriteNumber("intel_contexts", contexts);
        }
        else
        {
            w.WriteNull("intel_contexts");
        }
        Difference(w, "best_minus_static_bps", headroom.BestMinusStatic);
        w.WriteEndObject();
    }

    /// <summary>"cross_fitted": {folds, settings [{offset_bps, timeout_s, peg}, one per block], cost_bps_mean_marked, cross_fitted_minus_best_bps, intel_minus_cross_fitted_bps}, or null.</summary>
    internal static void CrossFitted(Utf8JsonWriter w, CrossFittedBest? crossFitted)
    {
        if (crossFitted is null)
        {
            w.WriteNull("cross_fitted");
            return;
        }
        w.WriteStartObject("cross_fitted");
        w.WriteNumber("folds", crossFitted.Folds);
        w.WriteStartArray("settings");
        foreach (var s in crossFitted.Settings)
        {
            w.WriteStartObject();
            SettingFields(w, s);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Number(w, "cost_bps_mean_marked", crossFitted.CostBpsMean);
        Difference(w, "cross_fitted_minus_best_bps", crossFitted.MinusBest);
        Difference(w, "intel_minus_cross_fitted_bps", crossFitted.IntelMinus);
        w.WriteEndObject();
    }

    /// <summary>"walk_forward": {start {offset_bps, timeout_s, peg}, from_start, switches, used [{offset_bps, timeout_s, peg, parents}], cost_bps_mean_marked, walk_forward_minus_best_bps, intel_minus_walk_forward_bps}, or null.</summary>
    internal static void Leader(Utf8JsonWriter w, WalkForwardLeader? leader)
    {
        if (leader is null)
        {
            w.WriteNull("walk_forward");
            return;
        }
        w.WriteStartObject("walk_forward");
        w.WriteStartObject("start");
        SettingFields(w, leader.Start);
        w.WriteEndObject();
        w.WriteNumber("from_start", leader.FromStart);
        w.WriteNumber("switches", leader.Switches);
        w.WriteStartArray("used");
        foreach (var (setting, parents) in leader.Used)
        {
            w.WriteStartObject();
            SettingFields(w, setting);
            w.WriteNumber("parents", parents);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Number(w, "cost_bps_mean_marked", leader.CostBpsMean);
        Difference(w, "walk_forward_minus_best_bps", leader.MinusBest);
        Difference(w, "intel_minus_walk_forward_bps", leader.IntelMinus);
        w.WriteEndObject();
    }

    /// <summary>A grid setting's fields: offset_bps, timeout_s, peg.</summary>
    private static void SettingFields(Utf8JsonWriter w, FixedSetting s)
    {
        Number(w, "offset_bps", s.OffsetBps);
        w.WriteNumber("timeout_s", s.TimeoutS);
        w.WriteBoolean("peg", s.Peg);
    }

    internal static void Difference(Utf8JsonWriter w, string name, PairedDifference? d)
    {
        if (d is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        Number(w, "mean", d.Mean);
        w.WriteStartArray("ci95");
        NumberValue(w, d.Low);
        NumberValue(w, d.High);
        w.WriteEndArray();
        w.WriteNumber("pairs", d.Pairs);
        w.WriteNumber("block", d.Block);
        w.WriteEndObject();
    }

    internal static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    /// <summary>Rounded to 4 decimals so the output is stable; NaN (nothing measured) is null.</summary>
    internal static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        NumberValue(w, value);
    }

    private static void NumberValue(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(Math.Round(value, 4));
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
