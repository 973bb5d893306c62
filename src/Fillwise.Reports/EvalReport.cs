using System.Globalization;
using Fillwise.Backtest;

namespace Fillwise.Reports;

/// <summary>The eval report: the policy table, the paired intervals, the fixed-setting grid and the plots, in Markdown.</summary>
public static class EvalReport
{
    public static void Write(string directory, EvalResult result, DataQuality? quality = null)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "eval.json"), EvalJson.Write(result, quality));
        using var md = new StreamWriter(Path.Combine(directory, "report.md"));
        var table = new StringWriter();
        EvalTable.Write(table, result);
        md.WriteLine("# Fillwise evaluation");
        md.WriteLine();
        md.WriteLine($"Mode: {result.Mode}. Inputs: {string.Join(", ", result.Inputs.Select(Path.GetFileName))}. Cost = implementation shortfall vs the arrival mid, bps, fees included.");
        if (result.TrainInputs.Count > 0)
        {
            md.WriteLine($"Fixed settings chosen on: {string.Join(", ", result.TrainInputs.Select(Path.GetFileName))}.");
        }
        md.WriteLine();
        md.WriteLine("```");
        md.Write(table.ToString());
        md.WriteLine("```");
        md.WriteLine();
        md.WriteLine("## Plots");
        md.WriteLine();
        foreach (var png in EvalPlots.Write(directory, result))
        {
            md.WriteLine($"![{Path.GetFileNameWithoutExtension(png)}]({png})");
            md.WriteLine();
        }
        if (result.Grid is not { } grid)
        {
            return;
        }
        md.WriteLine($"## Static policy over fixed settings (mean cost incl. unfinished parents, bps, on {(result.TrainInputs.Count > 0 ? "the training data" : "this data")})");
        md.WriteLine();
        md.WriteLine("| offset bps \\ timeout | " + string.Join(" | ", FixedSettingGrid.TimeoutsS.Select(t => $"{t} s")) + " |");
        md.WriteLine("|---|" + string.Concat(FixedSettingGrid.TimeoutsS.Select(_ => "---:|")));
        foreach (var offset in FixedSettingGrid.OffsetsBps)
        {
            md.WriteLine($"| {offset.ToString(CultureInfo.InvariantCulture)} | " + string.Join(" | ", FixedSettingGrid.TimeoutsS.Select(t =>
                grid.Single(c => !c.Setting.Peg && c.Setting.OffsetBps == offset && c.Setting.TimeoutS == t).Stats.CostBpsMeanMarked.ToString("F3", CultureInfo.InvariantCulture))) + " |");
        }
        md.WriteLine("| peg to touch | " + string.Join(" | ", FixedSettingGrid.TimeoutsS.Select(t =>
            grid.Single(c => c.Setting.Peg && c.Setting.TimeoutS == t).Stats.CostBpsMeanMarked.ToString("F3", CultureInfo.InvariantCulture))) + " |");
    }
}
