namespace Fillwise.Cli;

internal static class EvalReport
{
    public static void Write(string directory, EvalResult result)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "eval.json"), result.ToJson());
        using var md = new StreamWriter(Path.Combine(directory, "report.md"));
        var table = new StringWriter();
        EvalTable.Write(table, result);
        md.WriteLine("# Fillwise evaluation");
        md.WriteLine();
        md.WriteLine("```");
        md.Write(table.ToString());
        md.WriteLine("```");
    }
}
