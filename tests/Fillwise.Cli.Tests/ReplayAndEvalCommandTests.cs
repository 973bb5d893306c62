using System.Diagnostics;
using System.Text.Json;
using Fillwise.Telemetry;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>`fillwise replay`, `eval` and `intel show` end to end on the real sample data.</summary>
public sealed class ReplayAndEvalCommandTests : IDisposable
{
    private static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void EvalJsonFollowsTheContract()
    {
        var (exit, output, error) = Run(["eval", .. Capture, "--json", "-"]);
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        foreach (var policy in new[] { "taker", "static", "intel" })
        {
            var p = root.GetProperty("policies").GetProperty(policy);
            foreach (var field in new[] { "orders", "filled_orders", "cost_bps_mean", "cost_bps_median", "cost_bps_p90", "fees_bps_mean", "maker_fill_ratio", "fallback_ratio", "mean_time_to_fill_ms" })
            {
                Assert.Equal(JsonValueKind.Number, p.GetProperty(field).ValueKind);
            }
            Assert.Equal(47, p.GetProperty("orders").GetInt32());
        }
        // Taker pays the spread and the taker fee: at least 5 bps of fees, never a maker fill.
        Assert.Equal(5.0, root.GetProperty("policies").GetProperty("taker").GetProperty("fees_bps_mean").GetDouble(), 3);
        Assert.Equal(0, root.GetProperty("policies").GetProperty("taker").GetProperty("maker_fill_ratio").GetDouble());
        var ci = root.GetProperty("intel_minus_static_bps").GetProperty("ci95");
        Assert.Equal(2, ci.GetArrayLength());
        Assert.True(ci[0].GetDouble() <= root.GetProperty("intel_minus_static_bps").GetProperty("mean").GetDouble());
        Assert.Equal(1, root.GetProperty("seed").GetInt32());
        Assert.Equal(2, root.GetProperty("inputs").GetArrayLength());
    }

    [Fact]
    public void EvalReportHasTheGridAndPngPlots()
    {
        var report = Path.Combine(_dir, "report");
        var (exit, _, error) = Run(["eval", .. Capture, "--report", report]);
        Assert.True(exit == 0, error);
        var markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("best fixed setting (in hindsight on this data)", markdown, StringComparison.Ordinal);
        Assert.Contains("| 8 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| peg to touch |", markdown, StringComparison.Ordinal);
        foreach (var png in new[] { "cost-distribution.png", "offset-vs-regime.png", "hourly-cost-heatmap.png", "router-quality.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(report, png));
            Assert.True(bytes.Length > 1_000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', png);
            Assert.Contains($"]({png})", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReplayStoresEveryFilledParentWithItsRouterContextAndIntelShowReadsIt()
    {
        var db = Path.Combine(_dir, "run.db");
        var (exit, output, error) = Run(["replay", .. Capture, "--db", db]);
        Assert.True(exit == 0, error);
        Assert.Contains("parent orders", output, StringComparison.Ordinal);
        using (var store = TelemetryStore.Open(db))
        {
            Assert.Equal("complete", store.Query("SELECT status FROM runs").Single()[0]);
            var filled = store.Query("""
                SELECT p.policy, p.quality, p.maker_first, p.reason, p.maker_offset_bps, p.regime, p.symbol_score, p.base_quantity,
                       p.inverse_vol_factor, p.sharpe_multiplier, p.intel_size_factor, p.risk_scale_factor, p.final_size_factor, p.lots
                FROM parents p JOIN results r USING (run_id, parent_id) WHERE CAST(r.filled_quantity AS REAL) > 0
                """);
            Assert.True(filled.Count > 20);
            Assert.All(filled, row => Assert.All(row, Assert.NotNull));
            Assert.True(store.Query("SELECT COUNT(*) FROM health").Single()[0] is long n && n > 0);
            Assert.Equal("wal", store.Query("PRAGMA journal_mode").Single()[0]);
        }
        var (showExit, show, showError) = Run("intel", "show", "--db", db, "--json");
        Assert.True(showExit == 0, showError);
        using var json = JsonDocument.Parse(show);
        var btc = json.RootElement.GetProperty("symbols")[0];
        Assert.Equal("BTCUSDT", btc.GetProperty("symbol").GetString());
        Assert.Equal(24, btc.GetProperty("hourly").GetArrayLength());
    }

    [Fact]
    public void AReplayKilledMidRunAndResumedEndsWithTheSameStoreAsAnUninterruptedOne()
    {
        var uninterrupted = Path.Combine(_dir, "clean.db");
        Assert.Equal(0, Run(["replay", .. Capture, "--db", uninterrupted]).Exit);

        var crashed = Path.Combine(_dir, "crashed.db");
        var cli = typeof(CliApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir };
        foreach (var arg in (string[])[cli, "replay", .. Capture, "--db", crashed])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["FILLWISE_CRASH_AFTER_STEPS"] = "65536";
        using (var process = Process.Start(start)!)
        {
            process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("crash test", stderr, StringComparison.Ordinal);
        }
        using (var store = TelemetryStore.Open(crashed))
        {
            Assert.Equal("running", store.Query("SELECT status FROM runs").Single()[0]);
            var stored = (long)store.Query("SELECT COUNT(*) FROM parents").Single()[0]!;
            Assert.True(stored > 0, "committed batches survived the crash");
        }

        var (exit, output, _) = Run(["replay", .. Capture, "--db", crashed]);
        Assert.Equal(0, exit);
        Assert.Contains("resumed", output, StringComparison.Ordinal);
        using var a = TelemetryStore.Open(uninterrupted);
        using var b = TelemetryStore.Open(crashed);
        Assert.Equal(a.Dump(), b.Dump());
    }

    [Fact]
    public void ABadSignalsFileNamesFileLineAndFieldAndWritesNothing()
    {
        var signals = Path.Combine(_dir, "signals.csv");
        File.WriteAllLines(signals, ["timestamp,symbol,side,target_notional", "2024-07-18T23:58:00Z,BTCUSDT,BUY,5000", "2024-07-18T23:59:00Z,NOPEUSDT,SELL,5000"]);
        var db = Path.Combine(_dir, "bad.db");
        var (exit, _, error) = Run(["replay", .. Capture, "--signals", signals, "--db", db]);
        Assert.Equal(2, exit);
        Assert.Contains("signals.csv:3: field 'symbol'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Theory]
    [InlineData("2024-07-18T20:00:00Z,BTCUSDT,BUY,5000", "outside the data's time range")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,BUY,-1", "must be a positive decimal number")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,HOLD,1", "must be BUY or SELL")]
    public void SignalsAreValidatedFieldByField(string line, string expected)
    {
        var signals = Path.Combine(_dir, "s.csv");
        File.WriteAllLines(signals, ["timestamp,symbol,side,target_notional", line]);
        var (exit, _, error) = Run(["replay", .. Capture, "--signals", signals, "--db", Path.Combine(_dir, "x.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("s.csv:2:", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidSignalsAreExecuted()
    {
        var signals = Path.Combine(_dir, "ok.csv");
        File.WriteAllLines(signals, ["timestamp,symbol,side,target_qty", "2024-07-18T23:58:00Z,BTCUSDT,BUY,0.05", "1721347200000,BTCUSDT,SELL,0.05"]);
        var db = Path.Combine(_dir, "ok.db");
        var (exit, _, error) = Run(["replay", .. Capture, "--signals", signals, "--db", db, "--policy", "static"]);
        Assert.True(exit == 0, error);
        using var store = TelemetryStore.Open(db);
        Assert.Equal(2L, store.Query("SELECT COUNT(*) FROM results WHERE CAST(filled_quantity AS REAL) = 0.05").Single()[0]);
    }

    [Theory]
    [InlineData("--policies", "bogus", "unknown policy")]
    [InlineData("--arrivals", "soon", "is not a duration")]
    public void ConflictingOrBadOptionsAreOneSentence(string option, string value, string expected)
    {
        var (exit, _, error) = Run(["eval", .. Capture, option, value]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReferenceStrategyTradesRoundTripsThatFeedHourlyExpectancy()
    {
        var db = Path.Combine(_dir, "strategy.db");
        var (exit, _, error) = Run("replay", "--klines", TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), "--strategy", "breakout", "--db", db);
        Assert.True(exit == 0, error);
        using (var store = TelemetryStore.Open(db))
        {
            Assert.Equal(5, store.SchemaVersion);
            Assert.True((long)store.Query("SELECT COUNT(*) FROM round_trips").Single()[0]! > 20);
            // ATR-sized: the base unit is capped at a quarter of equity in notional (the strategy loses overall; equity
            // is never more than a few % above its 100,000 USDT start) and every factor is recorded.
            var bases = store.Query("SELECT CAST(base_quantity AS REAL) * CAST(arrival_mid AS REAL), final_size_factor FROM parents WHERE risk_verdict != 'Deny'");
            Assert.NotEmpty(bases);
            Assert.All(bases, r => Assert.InRange((double)r[0]!, 1, 25_000 * 1.05));
            Assert.All(bases, r => Assert.NotNull(r[1]));
        }
        var (showExit, show, _) = Run("intel", "show", "--db", db, "--json");
        Assert.Equal(0, showExit);
        using var json = JsonDocument.Parse(show);
        var hourly = json.RootElement.GetProperty("symbols")[0].GetProperty("hourly");
        Assert.Contains(hourly.EnumerateArray(), h => h.GetProperty("trades").GetInt32() > 0 && h.GetProperty("expectancy_bps").GetDouble() != 0);
    }

    [Fact]
    public void AnOlderStoreIsMigratedInPlace()
    {
        var db = Path.Combine(_dir, "old.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE toggles (symbol TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated TEXT NOT NULL); INSERT INTO toggles VALUES ('BTCUSDT', 0, 'x'); PRAGMA user_version = 0;";
            command.ExecuteNonQuery();
        }
        // A v0 file with a conflicting table is refused with one sentence, never half-migrated.
        var (exit, _, error) = Run(["replay", .. Capture, "--db", db]);
        Assert.Equal(2, exit);
        Assert.Contains("not a usable Fillwise store", error, StringComparison.Ordinal);

        var fresh = Path.Combine(_dir, "fresh.db");
        using (var store = TelemetryStore.Open(fresh))
        {
            Assert.Equal(5, store.SchemaVersion);
        }
    }

    [Fact]
    public void ToggledOffSymbolsAreDeniedByTheExecutor()
    {
        var db = Path.Combine(_dir, "toggles.db");
        using (var store = TelemetryStore.Open(db))
        {
            store.SetToggle(new Fillwise.Core.Symbol("BTCUSDT"), enabled: false, DateTimeOffset.UnixEpoch);
        }
        Assert.Equal(0, Run(["replay", .. Capture, "--db", db]).Exit);
        using var check = TelemetryStore.Open(db);
        Assert.Equal(0L, check.Query("SELECT COUNT(*) FROM children").Single()[0]);
        Assert.Equal("SymbolDisabled", check.Query("SELECT DISTINCT risk_reason FROM parents").Single()[0]);
    }

    [Fact]
    public void SignalsAndArrivalsConflict()
    {
        var (exit, _, error) = Run(["replay", .. Capture, "--signals", "x.csv", "--arrivals", "10s"]);
        Assert.Equal(2, exit);
        Assert.Contains("conflict", error, StringComparison.Ordinal);
    }
}
