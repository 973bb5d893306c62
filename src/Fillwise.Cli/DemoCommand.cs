using System.CommandLine;
using Fillwise.Backtest;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.Reports;

namespace Fillwise.Cli;

/// <summary>`fillwise demo`: the main job on samples/ — bars and capture through the executor with intel on, then the eval table.</summary>
internal static class DemoCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var db = new Option<string>("--db") { Description = "Where the demo store goes.", DefaultValueFactory = _ => "fillwise-demo.db" };
        var samples = new Option<string>("--samples") { Description = "The samples directory.", DefaultValueFactory = _ => "samples" };
        var serveOption = new Option<bool>("--serve") { Description = "Serve the dashboard over the demo store while the demo runs, and after it until Ctrl+C." };
        var serve = new ServeCommand.ServeOptions();
        var command = new Command("demo", "Replay the bundled sample bars and capture with intel on into fillwise-demo.db, then evaluate taker/static/intel.");
        command.Options.Add(db);
        command.Options.Add(samples);
        command.Options.Add(serveOption);
        serve.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(samples)!;
            var captures = Directory.Exists(Path.Combine(dir, "capture")) ? Directory.GetFiles(Path.Combine(dir, "capture"), "*.gz").Order(StringComparer.Ordinal).ToArray() : [];
            var klines = Path.Combine(dir, "klines");
            if (captures.Length == 0 || !Directory.Exists(klines))
            {
                throw new UsageException($"{dir}: expected capture/*.gz and klines/ (run the demo from the repository root, or pass --samples).");
            }
            var dbPath = parse.GetValue(db)!;
            Microsoft.AspNetCore.Builder.WebApplication? app = null;
            if (parse.GetValue(serveOption))
            {
                Fillwise.Telemetry.TelemetryStore.Open(dbPath).Dispose();
                app = ServeCommand.Start(serve.For(parse, dbPath), stdout, out var started);
                await started.ConfigureAwait(false);
            }
            await using var _ = app;
            var barInputs = BacktestInputs.Load(null, [klines], SymbolCatalog.Default);
            var tickInputs = BacktestInputs.Load(captures, null, SymbolCatalog.Default);
            stdout.WriteLine("== Bars: one month of 1-minute klines (bar mode, coarser), intel on ==");
            ReplayCommand.Print(stdout, Stored(dbPath, barInputs, TimeSpan.FromMinutes(10)), dbPath, json: false);
            stdout.WriteLine();
            stdout.WriteLine("== Capture: Binance L2 depth + trades (tick mode), intel on ==");
            ReplayCommand.Print(stdout, Stored(dbPath, tickInputs, TimeSpan.FromSeconds(10)), dbPath, json: false);
            stdout.WriteLine();
            stdout.WriteLine("== Evaluation: taker, static, rules (v5.10) and intel on identical parent orders ==");
            EvalTable.Write(stdout, Evaluation.Run(tickInputs, Spec(TimeSpan.FromSeconds(10))));
            EvalTable.Write(stdout, Evaluation.Run(barInputs, Spec(TimeSpan.FromMinutes(10))));
            stdout.WriteLine();
            stdout.WriteLine($"Store: {dbPath}. Inspect it with: fillwise intel show --db {dbPath}, or serve it: fillwise serve --db {dbPath}");
            if (app is not null)
            {
                await ServeCommand.WaitForStop(ct).ConfigureAwait(false);
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    private static EvalSpec Spec(TimeSpan every)
    {
        var arrivals = new ArrivalOptions(every, 5000m, 1);
        return new EvalSpec(EvalCommand.DefaultPolicies.Split(','), 1, () => new SeededArrivals(arrivals), $"arrivals:{every.TotalSeconds}s:5000", new ExecutorOptions());
    }

    /// <summary>The demo regenerates its store: a run left complete by an earlier demo is replaced, not skipped.</summary>
    private static StoredBacktest.Summary Stored(string dbPath, BacktestInputs inputs, TimeSpan every)
    {
        var arrivals = new ArrivalOptions(every, 5000m, 1);
        var (options, adaptations) = inputs.Adapt(Evaluation.TcaOptions());
        return StoredBacktest.Run(dbPath, inputs, new BacktestSpec("intel", 1, () => new SeededArrivals(arrivals), options), $"demo:{every.TotalSeconds}s", adaptations, force: true)!;
    }
}
