using System.CommandLine;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Routing;

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
            var barInputs = RunInputs.Load(null, [klines], SymbolCatalog.Default);
            var tickInputs = RunInputs.Load(captures, null, SymbolCatalog.Default);
            stdout.WriteLine("== Bars: one month of 1-minute klines (bar mode, coarser), intel on ==");
            var bars = StoredRun.Run(dbPath, barInputs, ExecutionPolicy.Intel, 1, new ArrivalOptions(TimeSpan.FromMinutes(10), 5000m, 1), null, "demo", null);
            ReplayCommand.Print(stdout, bars, dbPath, json: false);
            stdout.WriteLine();
            stdout.WriteLine("== Capture: Binance L2 depth + trades (tick mode), intel on ==");
            var ticks = StoredRun.Run(dbPath, tickInputs, ExecutionPolicy.Intel, 1, new ArrivalOptions(TimeSpan.FromSeconds(10), 5000m, 1), null, "demo", null);
            ReplayCommand.Print(stdout, ticks, dbPath, json: false);
            stdout.WriteLine();
            stdout.WriteLine("== Evaluation: taker vs static vs intel on identical parent orders ==");
            EvalTable.Write(stdout, EvalCommand.Evaluate(tickInputs, [ExecutionPolicy.Taker, ExecutionPolicy.Static, ExecutionPolicy.Intel], 1, TimeSpan.FromSeconds(10), 5000m, null));
            EvalTable.Write(stdout, EvalCommand.Evaluate(barInputs, [ExecutionPolicy.Taker, ExecutionPolicy.Static, ExecutionPolicy.Intel], 1, TimeSpan.FromMinutes(10), 5000m, null));
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
}
