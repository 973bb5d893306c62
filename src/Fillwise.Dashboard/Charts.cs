using Fillwise.Core;
using Fillwise.Telemetry;
using ScottPlot;

namespace Fillwise.Dashboard;

/// <summary>Charts rendered server-side with ScottPlot (the machines are offline; no CDN, no browser library).</summary>
internal static class Charts
{
    public static byte[] Heatmap(TelemetryReader q, string runId)
    {
        var symbols = q.SymbolsWithHealth(runId);
        var plot = new Plot();
        if (symbols.Count > 0)
        {
            var grid = new double[symbols.Count + 1, 24];
            var rows = symbols.Select(s => q.GetHourlyExpectancy(runId, new Symbol(s))).Append(q.GetHourlyExpectancy(runId, null)).ToList();
            for (var r = 0; r < rows.Count; r++)
            {
                for (var h = 0; h < 24; h++)
                {
                    grid[r, h] = rows[r].Hours[h].CostMeanBps ?? double.NaN;
                }
            }
            var heatmap = plot.Add.Heatmap(grid);
            heatmap.Colormap = new ScottPlot.Colormaps.Turbo();
            plot.Add.ColorBar(heatmap);
            var labels = symbols.Append("ALL").ToList();
            plot.Axes.Left.SetTicks([.. labels.Select((_, i) => (double)(labels.Count - 1 - i))], [.. labels]);
        }
        plot.Title("Execution cost by UTC hour, bps (blank = no orders)");
        plot.XLabel("hour of day, UTC");
        return plot.GetImageBytes(900, 60 + 40 * Math.Max(3, symbols.Count + 1), ImageFormat.Png);
    }

    public static byte[] Offsets(Symbol symbol, IReadOnlyList<OffsetRow> history)
    {
        var plot = new Plot();
        var start = history[0].TimeNs;
        var xs = history.Select(h => (h.TimeNs - start) / 6e10).ToArray();
        var line = plot.Add.ScatterLine(xs, [.. history.Select(h => h.OffsetBps)]);
        line.LegendText = "offset";
        var regime = plot.Add.ScatterLine(xs, [.. history.Select(h => h.RegimeBaseBps ?? double.NaN)]);
        regime.LegendText = "regime base";
        plot.Title($"{symbol} maker offset");
        plot.XLabel("minutes since the first snapshot");
        plot.YLabel("bps from the touch");
        plot.ShowLegend();
        return plot.GetImageBytes(600, 300, ImageFormat.Png);
    }

    /// <summary>
    /// The reliability diagram: per shown bucket, mean predicted P(fill) against the realised maker-fill rate
    /// (labelled with its parent count), and the diagonal a calibrated model lies on.
    /// </summary>
    public static byte[] Calibration(CalibrationView view)
    {
        var table = view.Calibration;
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        diagonal.LegendText = "calibrated";
        var xs = table.Rows.Select(b => b.PredictedMean).ToArray();
        var ys = table.Rows.Select(b => b.RealisedFillRate).ToArray();
        var points = plot.Add.Scatter(xs, ys);
        points.MarkerSize = 9;
        points.LineWidth = 0; // buckets, not a curve
        points.LegendText = "realised maker fill";
        foreach (var b in table.Rows)
        {
            var label = plot.Add.Text(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"n={b.Parents}"), b.PredictedMean, b.RealisedFillRate);
            label.LabelFontSize = 11;
            label.OffsetX = 7;
            label.OffsetY = -6;
        }
        plot.Axes.SetLimits(0, 1.1, 0, 1.08); // room for the label of a bucket near 1
        plot.Title($"Fill-model calibration, {view.Symbol ?? "all symbols"}: {table.Parents} parents");
        plot.XLabel("predicted P(maker fill within the patience), bucket mean");
        plot.YLabel("realised maker-fill rate");
        plot.ShowLegend();
        return plot.GetImageBytes(600, 420, ImageFormat.Png);
    }
}
