using Fillwise.Backtest;
using Fillwise.Execution;
using Fillwise.Intel;
using Fillwise.Telemetry;
using ScottPlot;

namespace Fillwise.Reports;

/// <summary>The eval report's PNG plots, rendered server-side with ScottPlot (no browser, no network).</summary>
public static class EvalPlots
{
    private const int Width = 900;
    private const int Height = 500;

    /// <summary>Writes the plots that have data and returns their file names.</summary>
    public static IReadOnlyList<string> Write(string directory, EvalResult result)
    {
        var files = new List<string>();
        Save(directory, "cost-distribution.png", CostDistribution(result), files);
        if (result.Policies.TryGetValue("intel", out var intel))
        {
            Save(directory, "offset-vs-regime.png", OffsetByRegime(intel.Telemetry), files);
            Save(directory, "hourly-cost-heatmap.png", HourlyHeatmap(intel.Telemetry), files);
            Save(directory, "router-quality.png", RouterQualityOverTime(intel.Telemetry), files);
            Save(directory, "fill-calibration.png", Calibration(intel.Telemetry), files);
        }
        return files;
    }

    private static void Save(string directory, string name, Plot? plot, List<string> files)
    {
        if (plot is null)
        {
            return;
        }
        plot.SavePng(Path.Combine(directory, name), Width, Height);
        files.Add(name);
    }

    /// <summary>Empirical CDF of parent-order cost per policy.</summary>
    private static Plot CostDistribution(EvalResult result)
    {
        var plot = new Plot();
        foreach (var (name, run) in result.Policies)
        {
            var costs = run.Telemetry.Results.Where(r => r.FilledQuantity > 0).Select(r => r.CostBps).Order().ToArray();
            if (costs.Length == 0)
            {
                continue;
            }
            var fractions = Enumerable.Range(1, costs.Length).Select(i => i / (double)costs.Length).ToArray();
            var line = plot.Add.ScatterLine(costs, fractions);
            line.LegendText = name;
        }
        plot.Title("Cost per parent order (implementation shortfall incl. fees)");
        plot.XLabel("cost, bps");
        plot.YLabel("fraction of parent orders <= cost");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>
    /// Calibration of intel's fill model: parents bucketed by the predicted P(maker fill within the patience); per
    /// bucket the mean prediction and the realised share of parents filled entirely as maker. The buckets are
    /// <see cref="FillCalibration"/>'s, the same the dashboard shows for a stored run.
    /// </summary>
    private static Plot? Calibration(MemoryTelemetry telemetry)
    {
        var table = FillCalibration.Build(FillCalibration.Samples(telemetry));
        if (table.Rows.Count == 0)
        {
            return null;
        }
        var plot = new Plot();
        var predicted = table.Rows.Select((b, i) => new Bar { Position = i - 0.2, Size = 0.4, Value = b.PredictedMean, Label = $"n={b.Parents}", FillColor = Colors.SteelBlue }).ToArray();
        var realised = table.Rows.Select((b, i) => new Bar { Position = i + 0.2, Size = 0.4, Value = b.RealisedFillRate, FillColor = Colors.Orange }).ToArray();
        plot.Add.Bars(predicted);
        plot.Add.Bars(realised);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "predicted P(fill)", FillColor = Colors.SteelBlue });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "realised maker fill", FillColor = Colors.Orange });
        plot.Axes.Bottom.SetTicks([.. table.Rows.Select((_, i) => (double)i)], [.. table.Rows.Select(b => FormattableString.Invariant($"{b.Lower:0.0}-{b.Upper:0.0}"))]);
        plot.Title($"Intel fill-model calibration ({table.Parents} parents by predicted P(fill); buckets of >= {table.MinParents})");
        plot.YLabel("probability");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Mean maker offset the intel policy chose in each ATR regime.</summary>
    private static Plot? OffsetByRegime(MemoryTelemetry telemetry)
    {
        var regimes = Enum.GetValues<Regime>();
        var contexts = telemetry.Parents.Where(p => p.Context is not null).Select(p => p.Context!).ToList();
        if (contexts.Count == 0)
        {
            return null;
        }
        var plot = new Plot();
        var bars = regimes.Select((regime, i) =>
        {
            var offsets = contexts.Where(c => c.Regime == regime).Select(c => c.MakerOffsetBps).ToList();
            return new Bar { Position = i, Value = offsets.Count > 0 ? offsets.Average() : 0, Label = $"n={offsets.Count}" };
        }).ToArray();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. regimes.Select((_, i) => (double)i)], [.. regimes.Select(r => r.ToString())]);
        plot.Title("Intel maker offset by ATR regime (mean over parent orders)");
        plot.YLabel("maker offset, bps");
        return plot;
    }

    /// <summary>Mean cost by UTC hour (columns) and symbol (rows) for the intel policy.</summary>
    private static Plot? HourlyHeatmap(MemoryTelemetry telemetry)
    {
        var results = telemetry.Results.Where(r => r.FilledQuantity > 0 && double.IsFinite(r.CostBps)).ToList();
        if (results.Count == 0)
        {
            return null;
        }
        var symbols = results.Select(r => r.Symbol.Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var grid = new double[symbols.Count, 24];
        for (var s = 0; s < symbols.Count; s++)
        {
            for (var h = 0; h < 24; h++)
            {
                var cell = results.Where(r => r.Symbol.Value == symbols[s] && ExpectancyMap.BucketOf(r.CompletedNs / 1_000_000, BucketScheme.HourOfDay) == h).ToList();
                grid[s, h] = cell.Count > 0 ? cell.Average(r => r.CostBps) : double.NaN;
            }
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Turbo();
        plot.Add.ColorBar(heatmap);
        plot.Axes.Left.SetTicks([.. symbols.Select((_, i) => (double)(symbols.Count - 1 - i))], [.. symbols]);
        plot.Title("Intel cost by UTC hour (bps, blank = no orders)");
        plot.XLabel("hour of day, UTC");
        return plot;
    }

    /// <summary>Router quality (0 good .. 3 broken) per symbol over the run, from the health snapshots.</summary>
    private static Plot? RouterQualityOverTime(MemoryTelemetry telemetry)
    {
        if (telemetry.HealthSnapshots.Count == 0)
        {
            return null;
        }
        var start = telemetry.HealthSnapshots.Min(h => h.TimeNs);
        var plot = new Plot();
        foreach (var group in telemetry.HealthSnapshots.GroupBy(h => h.Symbol.Value).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var xs = group.Select(h => (h.TimeNs - start) / 3.6e12).ToArray();
            var ys = group.Select(h => (double)h.PolicyQuality).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = group.Key;
        }
        plot.Axes.Left.SetTicks([0, 1, 2, 3], ["Good", "Ok", "Degraded", "Broken"]);
        plot.Title("Router quality over time (intel policy)");
        plot.XLabel("hours since start");
        plot.ShowLegend();
        return plot;
    }
}
