using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fillwise.Cli.Runs;
using Fillwise.Telemetry;
using Symbol = Fillwise.Core.Symbol;

namespace Fillwise.Cli;

/// <summary>
/// `fillwise intel show`: the latest intel of a stored run — scores, regimes, policy, offsets, hourly tables.
/// Reads through the store's one read model (<see cref="TelemetryReader"/>), as the dashboard does, so both
/// always show the same numbers; the store is opened read-only and never changed.
/// </summary>
internal static class IntelCommand
{
    public static Command Build(TextWriter stdout)
    {
        var db = new Option<string>("--db") { Description = "The telemetry store: an SQLite file path or a PostgreSQL URI / connection string.", Required = true };
        var symbol = new Option<string?>("--symbol") { Description = "Only this symbol." };
        var run = new Option<string?>("--run") { Description = "Run id (default: the run with the latest health snapshot)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var show = new Command("show", "Scores with components, regimes, router policy, maker offset, sizing factors and the hourly tables.");
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
        Symbol? only = null;
        if (symbolText is not null)
        {
            only = Symbol.TryParse(symbolText, out var s) ? s : throw new UsageException($"--symbol: '{symbolText}' is not a symbol.");
        }
        // A missing, foreign, corrupted or differently versioned file is a StoreException: one sentence, exit 2.
        var queries = TelemetryReader.Open(dbPath);
        var resolved = queries.ResolveRun(runId);
        if (resolved is null)
        {
            if (runId is not null)
            {
                throw new UsageException($"--run: no run '{runId}' in {queries.Path}.");
            }
            stdout.WriteLine($"{queries.Path}: no runs yet.");
            return CliApp.ExitOk;
        }
        var symbols = queries.Symbols(resolved).Where(s => only is null || s.Symbol == only.Value.Value).ToList();
        if (only is not null && symbols.Count == 0)
        {
            throw new UsageException($"--symbol: {only} has no health in run {resolved}.");
        }
        var hourly = symbols.ToDictionary(s => s.Symbol, s => queries.GetHourlyExpectancy(resolved, new Symbol(s.Symbol)), StringComparer.Ordinal);
        if (json)
        {
            // The dashboard's /api/symbols entry for each symbol, plus its 24 hourly cells.
            var array = new System.Text.Json.Nodes.JsonArray();
            foreach (var s in symbols)
            {
                var node = JsonSerializer.SerializeToNode(s, ReadModelJson.Default.SymbolHealth)!.AsObject();
                node["hourly"] = JsonSerializer.SerializeToNode(hourly[s.Symbol].Hours, ReadModelJson.Default.IReadOnlyListHourCell);
                array.Add((System.Text.Json.Nodes.JsonNode)node); // the node overload: Add<T> is not AOT-safe
            }
            stdout.WriteLine(new System.Text.Json.Nodes.JsonObject { ["run_id"] = resolved, ["symbols"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return CliApp.ExitOk;
        }
        WriteText(stdout, resolved, symbols, hourly);
        return CliApp.ExitOk;
    }

    private static void WriteText(TextWriter stdout, string runId, List<SymbolHealth> symbols, Dictionary<string, HourlyTable> hourly)
    {
        stdout.WriteLine($"run {runId}: latest health per symbol");
        stdout.WriteLine("symbol      score  (sharpe regime router fees  dd)   regime  ratio  router    maker  bias  offset  intel  final  orders  reason");
        foreach (var s in symbols)
        {
            var c = s.Score;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Symbol,-10} {D(c.Score),6} ({D(c.Sharpe),5} {D(c.Regime),5} {D(c.Router),5} {D(c.Fees),5} {D(c.Drawdown),5})  {s.Regime,-7} {D(s.RegimeRatio),5}  {s.Quality,-8}  {(s.MakerFirst ? "yes" : "no"),-5} {D(s.TakerBias),4}  {D(s.Offset.OffsetBps),6}  {D(s.IntelSizeFactor),5}  {D(s.FinalSizeFactor),5}  {s.Kpis.Orders,6}  {s.Reason}"));
        }
        stdout.WriteLine();
        stdout.WriteLine("hourly expectancy of round trips (UTC hour: trades / expectancy bps / source); runs without round trips are neutral");
        WriteHours(stdout, hourly, h => h.Trades > 0, h => string.Create(CultureInfo.InvariantCulture, $"{h.Hour:00}h:{h.Trades}/{h.ExpectancyBps:F1}/{h.Source}"));
        stdout.WriteLine();
        stdout.WriteLine("hourly execution cost incl. fees (UTC hour: parent orders / mean bps / p75 bps)");
        WriteHours(stdout, hourly, h => h.Samples > 0, h => string.Create(CultureInfo.InvariantCulture, $"{h.Hour:00}h:{h.Samples}/{D(h.CostMeanBps, "F1")}/{D(h.CostP75Bps, "F1")}"));
    }

    private static void WriteHours(TextWriter stdout, Dictionary<string, HourlyTable> hourly, Func<HourCell, bool> has, Func<HourCell, string> format)
    {
        foreach (var (symbol, table) in hourly)
        {
            stdout.WriteLine($"{symbol,-10} {string.Join("  ", table.Hours.Where(has).Select(format))}");
        }
    }

    private static string D(double? value, string format = "F2") => value is { } d && double.IsFinite(d) ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
}
