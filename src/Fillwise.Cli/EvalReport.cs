namespace Fillwise.Cli;

/// <summary>The eval report: the policy table, the intel-minus-static interval and the fixed-setting grid, in Markdown.</summary>
internal static class EvalReport
{
    public static void Write(string directory, EvalResult result, IReadOnlyList<StaticGrid.Cell> grid)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "eval.json"), result.ToJson());
        using var md = new StreamWriter(Path.Combine(directory, "report.md"));
        var table = new StringWriter();
        EvalTable.Write(table, result);
        md.WriteLine("# Fillwise evaluation");
        md.WriteLine();
        md.WriteLine($"Mode: {result.Mode}. Inputs: {string.Join(", ", result.Inputs.Select(Path.GetFileName))}. Cost = implementation shortfall vs the arrival mid, bps, fees included.");
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
        md.WriteLine("## Static policy over fixed settings (mean cost, bps)");
        md.WriteLine();
        var intel = result.Policies.TryGetValue("intel", out var run) ? run.Stats.CostBpsMean : double.NaN;
        StaticGrid.Write(md, grid, intel);
    }
}
