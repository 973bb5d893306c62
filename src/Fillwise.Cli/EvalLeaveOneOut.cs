using System.CommandLine;
using System.Globalization;
using Fillwise.Backtest;
using Fillwise.Cli.Runs;
using Fillwise.Reports;

namespace Fillwise.Cli;

/// <summary>`fillwise eval --set A --set B ... [--seeds 1,7]`: the leave-one-out evaluation (<see cref="LeaveOneOut"/>), printed as the README's table.</summary>
internal static class EvalLeaveOneOut
{
    public static int Run(ParseResult parse, RunSetup setup, string[] setArguments, string? seedsText, IReadOnlyList<string> policies, bool allowErrors,
        string? jsonPath, string? reportDir, TextWriter stdout, TextWriter stderr)
    {
        if (seedsText is not null && parse.GetResult(setup.Seed) is { Implicit: false })
        {
            throw new UsageException("--seed and --seeds conflict: with --set give every seed in --seeds, e.g. --seeds 1,7.");
        }
        var seeds = seedsText is null ? [parse.GetValue(setup.Seed)] : seedsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : throw new UsageException($"--seeds: '{t}' is not a seed (a whole number).")).Distinct().ToList();
        if (seeds.Count == 0)
        {
            throw new UsageException("--seeds: give at least one seed, e.g. --seeds 1,7.");
        }
        var catalog = setup.Catalog(parse);
        var sets = new List<BacktestInputs>();
        foreach (var argument in setArguments)
        {
            var files = argument.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (files.Length == 0)
            {
                throw new UsageException("--set: give the set's capture files, comma-separated.");
            }
            var set = BacktestInputs.Load(files, null, catalog, preload: true);
            if (!EvalCommand.Usable(set, argument, allowErrors, stderr))
            {
                return CliApp.ExitDataErrors;
            }
            sets.Add(set);
        }
        if (sets.Count < 2)
        {
            throw new UsageException("--set: give at least two sets (each is evaluated with the others as training data).");
        }
        var options = setup.Options(parse);
        setup.WarnUnused(parse, policies, tickMode: true, stderr);
        var label = setup.ArrivalSource(parse, sets[0]).Label;
        var rows = LeaveOneOut.Run(sets, seeds, seed =>
        {
            var (orders, _) = setup.ArrivalSource(parse, sets[0], seed);
            return new EvalSpec(policies, seed, orders, label, options, !parse.GetValue(setup.NoAdapt));
        }, stderr);
        var markdown = LeaveOneOutReport.Markdown(rows, label);
        if (jsonPath == "-")
        {
            stdout.WriteLine(LeaveOneOutReport.Json(rows, label));
        }
        else
        {
            stdout.Write(markdown);
            if (jsonPath is not null)
            {
                File.WriteAllText(jsonPath, LeaveOneOutReport.Json(rows, label));
            }
        }
        if (reportDir is not null)
        {
            Directory.CreateDirectory(reportDir);
            File.WriteAllText(Path.Combine(reportDir, "report.md"), markdown);
            File.WriteAllText(Path.Combine(reportDir, "eval.json"), LeaveOneOutReport.Json(rows, label));
            stderr.WriteLine($"fillwise: report written to {Path.Combine(reportDir, "report.md")}");
        }
        return CliApp.ExitOk;
    }
}
