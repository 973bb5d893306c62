using System.CommandLine;
using Fillwise.Backtest;
using Fillwise.Cli.Runs;
using Fillwise.Execution.Policies;
using Fillwise.Reports;

namespace Fillwise.Cli;

/// <summary>`fillwise eval`: the A/B evaluation of execution policies on identical inputs and parent orders.</summary>
internal static class EvalCommand
{
    public const string DefaultPolicies = "taker,static,rules,intel";

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var setup = new RunSetup();
        var policies = new Option<string>("--policies") { Description = $"Comma-separated policies ({string.Join(", ", ExecutionPolicies.Names)}).", DefaultValueFactory = _ => DefaultPolicies };
        var train = new Option<string[]>("--train") { Description = "Training captures (or, with --klines, kline files/dirs): the best fixed setting is chosen on these only, then reported on the evaluated data.", AllowMultipleArgumentsPerToken = true };
        var grid = new Option<bool>("--grid") { Description = "Also run the fixed-setting grid and compare with its best cell in hindsight (implied by --train and --report)." };
        var report = new Option<string?>("--report") { Description = "Directory for the Markdown report and plots (must not exist, or be empty)." };
        var json = new Option<string?>("--json") { Description = "Write the JSON result to this file ('-' for stdout; the file must not exist)." };
        var allowErrors = new Option<bool>("--allow-data-errors") { Description = "Evaluate even when the input has data errors (malformed lines are left out); by default any data error fails the evaluation." };
        var sets = new Option<string[]>("--set") { Description = "Leave-one-out: one capture set per --set (its files comma-separated); each set is evaluated with the others as training data (instead of --capture/--train)." };
        var seeds = new Option<string?>("--seeds") { Description = "With --set: comma-separated seeds, one row per set and seed (default: --seed)." };
        var command = new Command("eval", "Compare execution policies on the same data and the same seeded parent orders.");
        foreach (var option in setup.All.Concat([policies, train, grid, report, json, allowErrors, sets, seeds]))
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            // Outputs are checked before the (long) run, so a bad path fails at once.
            var jsonPath = parse.GetValue(json);
            var reportDir = parse.GetValue(report);
            if (jsonPath is not null and not "-" && (File.Exists(jsonPath) || Directory.Exists(jsonPath)))
            {
                throw new UsageException($"--json {jsonPath}: already exists; choose a new file name.");
            }
            if (reportDir is not null && (File.Exists(reportDir) || (Directory.Exists(reportDir) && Directory.EnumerateFileSystemEntries(reportDir).Any())))
            {
                throw new UsageException($"--report {reportDir}: exists and is not an empty directory.");
            }
            var chosen = parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(RunSetup.Policy).Distinct().ToList();
            if (parse.GetValue(sets) is { Length: > 0 } setArguments)
            {
                if (parse.GetValue(train) is { Length: > 0 } || parse.GetValue(setup.Capture) is { Length: > 0 } || parse.GetValue(setup.Klines) is { Length: > 0 } || parse.GetValue(setup.CatalogDir) is not null)
                {
                    throw new UsageException("--set replaces --capture, --klines, --catalog and --train: each set is evaluated with the others as training data.");
                }
                return EvalLeaveOneOut.Run(parse, setup, setArguments, parse.GetValue(seeds), chosen, parse.GetValue(allowErrors), jsonPath, reportDir, stdout, stderr);
            }
            if (parse.GetValue(seeds) is not null)
            {
                throw new UsageException("--seeds goes with --set (a leave-one-out evaluation); for one evaluation use --seed.");
            }
            var inputs = setup.Inputs(parse, preload: true);
            var trainFiles = parse.GetValue(train);
            BacktestInputs? trainInputs = trainFiles is { Length: > 0 }
                ? BacktestInputs.Load(inputs.IsTickMode ? trainFiles : null, inputs.IsTickMode ? null : trainFiles, inputs.Catalog, preload: true)
                : null;
            foreach (var checkedInputs in new[] { inputs, trainInputs })
            {
                if (checkedInputs is not null && !Usable(checkedInputs, string.Join(", ", checkedInputs.Files.Take(3)), parse.GetValue(allowErrors), stderr))
                {
                    return CliApp.ExitDataErrors;
                }
            }
            var (orders, label) = setup.ArrivalSource(parse, inputs);
            var spec = new EvalSpec(chosen, parse.GetValue(setup.Seed), orders, label, setup.Options(parse), !parse.GetValue(setup.NoAdapt));
            setup.WarnUnused(parse, chosen, inputs.IsTickMode, stderr);
            var result = Evaluation.Run(inputs, spec, parse.GetValue(grid) || reportDir is not null, trainInputs, stderr);
            if (jsonPath == "-")
            {
                stdout.WriteLine(EvalJson.Write(result, inputs.Quality));
            }
            else
            {
                EvalTable.Write(stdout, result);
                if (jsonPath is not null)
                {
                    File.WriteAllText(jsonPath, EvalJson.Write(result, inputs.Quality));
                }
            }
            if (reportDir is not null)
            {
                EvalReport.Write(reportDir, result, inputs.Quality);
                stderr.WriteLine($"fillwise: report written to {Path.Combine(reportDir, "report.md")}");
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// Says on stderr what is wrong with an evaluation's data, named <paramref name="name"/>: data errors (fatal unless
    /// allowed: a comparison on data with holes is a comparison of what the holes did), book gaps, and a book that never
    /// synced (its orders are all refused: said, rather than a table of zeros left unexplained). False: refuse to run.
    /// </summary>
    internal static bool Usable(BacktestInputs inputs, string name, bool allowErrors, TextWriter stderr)
    {
        var q = inputs.Quality;
        if (!q.IsClean && !allowErrors)
        {
            stderr.WriteLine($"fillwise: {q.ErrorSentence(name)}");
            return false;
        }
        if (!q.IsClean || q.BookGaps > 0)
        {
            stderr.WriteLine(ReplayCommand.QualityLine(q));
        }
        if (q.NotSyncedSentence() is { } unsynced)
        {
            stderr.WriteLine($"fillwise: {name}: {unsynced}");
        }
        return true;
    }
}
