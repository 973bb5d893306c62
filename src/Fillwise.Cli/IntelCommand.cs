using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Symbol = Fillwise.Core.Symbol;
using Fillwise.Intel;
using Fillwise.Telemetry;

namespace Fillwise.Cli;

/// <summary>`fillwise intel show`: the latest intel of a stored run — scores, regimes, policy, offsets, hourly slippage.</summary>
internal static class IntelCommand
{
    private const string LatestHealth = """
        SELECT h.symbol, h.score, h.score_sharpe, h.score_regime, h.score_router, h.score_fees, h.score_drawdown, h.regime, h.regime_ratio,
               h.quality, h.maker_first, h.taker_bias, h.reason, h.maker_offset_bps, h.intel_size_factor, h.final_size_factor, h.orders, h.time_ns
        FROM health h
        JOIN (SELECT symbol, MAX(time_ns) AS latest FROM health WHERE run_id = $run GROUP BY symbol) m ON m.symbol = h.symbol AND m.latest = h.time_ns
        WHERE h.run_id = $run
        ORDER BY h.symbol
        """;

    public static Command Build(TextWriter stdout)
    {
        var db = new Option<string>("--db") { Description = "The telemetry store.", Required = true };
        var symbol = new Option<string?>("--symbol") { Description = "Only this symbol." };
        var run = new Option<string?>("--run") { Description = "Run id (default: the run with the latest health snapshot)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var show = new Command("show", "Scores with components, regimes, router policy, maker offset, sizing factors and the hourly slippage table.");
        foreach (var option in new Option[] { db, symbol, run, json })
        {
            show.Options.Add(option);
        }
        show.SetAction(parse => Show(stdout, parse.GetValue(db)!, parse.GetValue(symbol), parse.GetValue(run), parse.GetValue(json)));
        var intel = new Command("intel", "Execution intelligence stored by replays.");
        intel.Subcommands.Add(show);
        return intel;
    }

    private static int Show(TextWriter stdout, string dbPath, string? symbolText, string? runId, bool json)
    {
        if (!File.Exists(dbPath))
        {
            throw new UsageException($"{dbPath}: no such store (create one with fillwise replay or fillwise demo).");
        }
        Symbol? only = null;
        if (symbolText is not null)
        {
            only = Symbol.TryParse(symbolText, out var s) ? s : throw new UsageException($"--symbol: '{symbolText}' is not a symbol.");
        }
        using var store = TelemetryStore.Open(dbPath);
        runId ??= store.Query("SELECT run_id FROM health ORDER BY time_ns DESC LIMIT 1").FirstOrDefault()?[0] as string;
        if (runId is null)
        {
            stdout.WriteLine($"{dbPath}: no run with health snapshots yet.");
            return CliApp.ExitOk;
        }
        var rows = store.Query(LatestHealth, ("$run", runId)).Where(r => only is null || (string)r[0]! == only.Value.Value).ToList();
        if (only is not null && rows.Count == 0)
        {
            throw new UsageException($"--symbol: {only} has no health in run {runId}.");
        }
        var samples = store.Query("SELECT symbol, completed_ns, cost_bps FROM results WHERE run_id = $run AND cost_bps IS NOT NULL", ("$run", runId))
            .Select(r => new SlippageSample(new Symbol((string)r[0]!), (long)r[1]! / 1_000_000, (double)r[2]!)).ToArray();
        var trades = store.Query("SELECT symbol, entry_ms, net_return_bps FROM round_trips WHERE run_id = $run AND net_return_bps IS NOT NULL", ("$run", runId))
            .Select(r => new TradeRecord(new Symbol((string)r[0]!), (long)r[1]!, (double)r[2]!)).ToArray();
        var map = ExpectancyMap.Build(trades, samples);
        if (json)
        {
            WriteJson(stdout, runId, rows, map, only);
        }
        else
        {
            WriteText(stdout, runId, rows, map, only);
        }
        return CliApp.ExitOk;
    }

    private static void WriteText(TextWriter stdout, string runId, List<object?[]> rows, ExpectancyMap map, Symbol? only)
    {
        stdout.WriteLine($"run {runId}: latest health per symbol");
        stdout.WriteLine("symbol      score  (sharpe regime router fees  dd)   regime  ratio  router    maker  bias  offset  intel  final  orders  reason");
        foreach (var r in rows)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r[0],-10} {D(r[1]),6} ({D(r[2]),5} {D(r[3]),5} {D(r[4]),5} {D(r[5]),5} {D(r[6]),5})  {r[7],-7} {D(r[8]),5}  {r[9],-8}  {((long)r[10]! != 0 ? "yes" : "no"),-5} {D(r[11]),4}  {D(r[13]),6}  {D(r[14]),5}  {D(r[15]),5}  {r[16],6}  {r[12]}"));
        }
        stdout.WriteLine();
        stdout.WriteLine("hourly expectancy of round trips (UTC hour: trades / expectancy bps / source); runs without round trips (TCA schedules) are neutral");
        foreach (var symbol in map.Symbols.Where(s => only is null || s == only))
        {
            var cells = Enumerable.Range(0, 24).Select(h => map.Get(symbol, h)).Where(c => c.Trades > 0)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Bucket:00}h:{c.Trades}/{c.ExpectancyBps:F1}/{c.Source}"));
            stdout.WriteLine($"{symbol,-10} {string.Join("  ", cells)}");
        }
        stdout.WriteLine();
        stdout.WriteLine("hourly execution cost incl. fees (UTC hour: parent orders / mean bps / p75 bps)");
        foreach (var symbol in map.Symbols.Where(s => only is null || s == only))
        {
            var cells = Enumerable.Range(0, 24).Select(h => map.Get(symbol, h)).Where(c => c.SlippageSamples > 0)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Bucket:00}h:{c.SlippageSamples}/{c.SlippageMeanBps:F1}/{c.SlippageP75Bps:F1}"));
            stdout.WriteLine($"{symbol,-10} {string.Join("  ", cells)}");
        }
    }

    private static void WriteJson(TextWriter stdout, string runId, List<object?[]> rows, ExpectancyMap map, Symbol? only)
    {
        var symbols = rows.Select(r => new Dictionary<string, object?>
        {
            ["symbol"] = r[0], ["score"] = r[1], ["components"] = new { sharpe = r[2], regime = r[3], router = r[4], fees = r[5], drawdown = r[6] },
            ["regime"] = r[7], ["regime_ratio"] = r[8], ["policy"] = new { quality = r[9], maker_first = (long)r[10]! != 0, taker_bias = r[11], reason = r[12] },
            ["maker_offset_bps"] = r[13], ["intel_size_factor"] = r[14], ["final_size_factor"] = r[15], ["orders"] = r[16], ["time_ns"] = r[17],
            ["hourly"] = Enumerable.Range(0, 24).Select(h => map.Get(new Symbol((string)r[0]!), h))
                .Select(c => new { hour = c.Bucket, trades = c.Trades, win_rate = Finite(c.WinRate), samples = c.SlippageSamples, mean_bps = Finite(c.SlippageMeanBps), p75_bps = Finite(c.SlippageP75Bps), expectancy_bps = c.ExpectancyBps, source = c.Source.ToString() }),
        }).Where(s => only is null || (string)s["symbol"]! == only.Value.Value);
        stdout.WriteLine(JsonSerializer.Serialize(new { run_id = runId, symbols }, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string D(object? value) => value is double d ? d.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;
}
