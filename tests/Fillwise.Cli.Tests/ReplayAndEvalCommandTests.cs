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
    public void AReplayWhoseParentsAreAllDeniedSaysSoInsteadOfPrintingNaN()
    {
        // 1 USDT parents are under BTCUSDT's 100 USDT minimum notional: every one is denied, nothing fills.
        var (exit, output, error) = Run(["replay", .. Capture, "--arrivals", "10s", "--notional", "1", "--db", Path.Combine(_dir, "denied.db")]);
        Assert.True(exit == 0, error);
        Assert.Contains("0 parent orders (47 denied), 0 fills, no parent filled, so no cost.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);
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
        foreach (var png in new[] { "cost-distribution.png", "offset-vs-regime.png", "hourly-cost-heatmap.png", "router-quality.png", "fill-calibration.png" })
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
    public async Task CtrlCStopsAPacedReplayWithExit130AndTheRunResumes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        string[] args = ["replay", .. Capture, "--arrivals", "2s", "--policy", "static"];
        var uninterrupted = Path.Combine(_dir, "sigint-clean.db");
        Assert.Equal(0, Run([.. args, "--db", uninterrupted]).Exit);

        var interrupted = Path.Combine(_dir, "sigint.db");
        // Paced at 30 replay seconds a second: the 8-minute capture would take 16 s.
        using (var process = FillwiseProcess.Start(_dir, null, [.. args, "--db", interrupted, "--pace", "30"]))
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var deadline = TimeProvider.System.GetTimestamp();
            while (!RunIsStored(interrupted))
            {
                Assert.False(process.HasExited, "the replay ended before its run was stored");
                Assert.True(TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60), "no run was stored within 60 s");
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }
            Assert.Equal(0, Kill(process.Id, 2));
            Assert.True(process.WaitForExit(30_000), "the replay did not stop within 30 s of Ctrl+C");
            Assert.Equal(CliApp.ExitInterrupted, process.ExitCode);
            var said = await stderr;
            Assert.Contains("interrupted. A replay resumes", said, StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", said, StringComparison.Ordinal);
        }
        using (var store = TelemetryStore.Open(interrupted))
        {
            // Its process is gone: the store opened for writing marks the run interrupted (and it resumes below).
            Assert.Equal("interrupted", store.Query("SELECT status FROM runs").Single()[0]);
        }

        var (exit, output, _) = Run([.. args, "--db", interrupted]);
        Assert.Equal(0, exit);
        Assert.Contains("resumed", output, StringComparison.Ordinal);
        using var a = TelemetryStore.Open(uninterrupted);
        using var b = TelemetryStore.Open(interrupted);
        Assert.Equal(a.Dump(), b.Dump());
    }

    [Fact]
    public async Task CtrlCStopsAnEvalAtOnceWithExit130AndWritesNoResult()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // A month of bars for three symbols, the four policies and the 30-cell grid: many seconds of work in parallel
        // runs. Eval keeps nothing to resume from, so the signal's default (end the process) is the right answer.
        var json = Path.Combine(_dir, "interrupted.json");
        using var process = FillwiseProcess.Start(_dir, null, "eval", "--klines", Path.Combine(TestPaths.Samples, "klines"), "--grid", "--json", json);
        var said = new System.Text.StringBuilder();
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            said.AppendLine(line);
            if (line.StartsWith("fillwise: eval ", StringComparison.Ordinal))
            {
                break; // the runs have started
            }
        }
        Assert.False(process.HasExited, $"eval ended before it could be interrupted: {said}");
        var interruptedAt = TimeProvider.System.GetTimestamp();
        Assert.Equal(0, Kill(process.Id, 2));
        said.Append(await process.StandardError.ReadToEndAsync());
        Assert.True(process.WaitForExit(30_000), "eval did not stop within 30 s of Ctrl+C");
        Assert.True(TimeProvider.System.GetElapsedTime(interruptedAt) < TimeSpan.FromSeconds(5), $"eval took {TimeProvider.System.GetElapsedTime(interruptedAt)} to stop after Ctrl+C");
        Assert.True(process.ExitCode == CliApp.ExitInterrupted, $"exit {process.ExitCode}: {said}");
        Assert.DoesNotContain("internal error", said.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(json), "an interrupted eval wrote a result");
    }

    /// <summary>The store holds the run's row (read-only, so the writing process is not disturbed).</summary>
    private static bool RunIsStored(string db)
    {
        if (!File.Exists(db))
        {
            return false;
        }
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM runs";
            return (long)command.ExecuteScalar()! > 0;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false; // not created yet, or locked for a moment
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AReplayKilledMidRunAndResumedEndsWithTheSameStoreAsAnUninterruptedOne(bool fromPrior)
    {
        // From a prior too: the learned model is read again at the resume, so the decisions are the same.
        string[] prior = [];
        if (fromPrior)
        {
            var model = Path.Combine(_dir, "prior.json");
            Assert.Equal(0, Run(["replay", .. Capture, "--arrivals", "5s", "--db", Path.Combine(_dir, "learn.db"), "--intel-save", model]).Exit);
            prior = ["--intel-prior", model];
        }
        // A parent every 2 s makes ~1,500 rows, so the writer has committed its first 512-row batch well before the
        // crash (a commit by time alone depends on how fast the machine runs: the warm-up made the run too quick).
        string[] arrivals = ["--arrivals", "2s"];
        var uninterrupted = Path.Combine(_dir, $"clean-{fromPrior}.db");
        Assert.Equal(0, Run(["replay", .. Capture, .. arrivals, "--db", uninterrupted, .. prior]).Exit);

        var crashed = Path.Combine(_dir, $"crashed-{fromPrior}.db");
        using (var process = FillwiseProcess.Start(_dir, new Dictionary<string, string?> { ["FILLWISE_CRASH_AFTER_STEPS"] = "65536" }, ["replay", .. Capture, .. arrivals, "--db", crashed, .. prior]))
        {
            process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("crash test", stderr, StringComparison.Ordinal);
        }
        using (var store = TelemetryStore.Open(crashed))
        {
            Assert.Equal("interrupted", store.Query("SELECT status FROM runs").Single()[0]);
            var stored = (long)store.Query("SELECT COUNT(*) FROM parents").Single()[0]!;
            Assert.True(stored > 0, "committed batches survived the crash");
        }

        var (exit, output, _) = Run(["replay", .. Capture, .. arrivals, "--db", crashed, .. prior]);
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
            Assert.Equal(6, store.SchemaVersion);
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
    public void AFileWithAConflictingTableIsRefusedWithOneSentenceNotHalfMigrated()
    {
        var db = Path.Combine(_dir, "old.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE toggles (symbol TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated TEXT NOT NULL); INSERT INTO toggles VALUES ('BTCUSDT', 0, 'x'); PRAGMA user_version = 0;";
            command.ExecuteNonQuery();
        }
        var (exit, _, error) = Run(["replay", .. Capture, "--db", db]);
        Assert.Equal(2, exit);
        Assert.Contains("not a usable Fillwise store", error, StringComparison.Ordinal);
        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal(0L, version.ExecuteScalar());
    }

    /// <summary>
    /// A store as fillwise wrote it at schema 2 (before the dashboard's indexes and the mirror's columns), spelled
    /// out here as it was, not taken from the current migrations, so a change to an old migration shows up.
    /// </summary>
    private const string SchemaV2Store = """
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, policy TEXT NOT NULL, seed INTEGER NOT NULL, inputs TEXT NOT NULL, mode TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL);
        CREATE TABLE parents (
            run_id TEXT NOT NULL, parent_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
            arrival_mid TEXT NOT NULL, quantity TEXT NOT NULL, source TEXT,
            risk_verdict TEXT NOT NULL, risk_reason TEXT NOT NULL, risk_scale REAL NOT NULL,
            policy TEXT, quality TEXT, maker_first INTEGER, taker_bias REAL, reason TEXT, maker_timeout_ms REAL,
            maker_offset_bps REAL, offset_regime_bps REAL, offset_slippage_bps REAL, offset_fallback_bps REAL, offset_fill_bps REAL, offset_expectancy_bps REAL,
            regime TEXT, regime_ratio REAL, symbol_score REAL,
            base_quantity TEXT, inverse_vol_factor REAL, sharpe_multiplier REAL, intel_size_factor REAL, risk_scale_factor REAL, final_size_factor REAL, lots INTEGER,
            PRIMARY KEY (run_id, parent_id));
        CREATE TABLE children (
            run_id TEXT NOT NULL, child_id INTEGER NOT NULL, parent_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, symbol TEXT NOT NULL,
            side TEXT NOT NULL, type TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL, PRIMARY KEY (run_id, child_id));
        CREATE TABLE fills (
            run_id TEXT NOT NULL, fill_id INTEGER NOT NULL, child_id INTEGER NOT NULL, parent_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
            symbol TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL, liquidity TEXT NOT NULL, fee TEXT NOT NULL,
            PRIMARY KEY (run_id, fill_id));
        CREATE TABLE results (
            run_id TEXT NOT NULL, parent_id INTEGER NOT NULL, completed_ns INTEGER NOT NULL, symbol TEXT NOT NULL, filled_quantity TEXT NOT NULL,
            average_price TEXT NOT NULL, fees TEXT NOT NULL, cost_bps REAL, fees_bps REAL, maker_fill_ratio REAL, used_fallback INTEGER NOT NULL,
            post_only_rejects INTEGER NOT NULL, errored INTEGER NOT NULL, time_to_fill_ms REAL, PRIMARY KEY (run_id, parent_id));
        CREATE TABLE health (
            run_id TEXT NOT NULL, time_ns INTEGER NOT NULL, symbol TEXT NOT NULL, enabled INTEGER NOT NULL,
            quality TEXT NOT NULL, maker_first INTEGER NOT NULL, taker_bias REAL NOT NULL, reason TEXT NOT NULL,
            maker_offset_bps REAL NOT NULL, offset_regime_bps REAL, offset_slippage_bps REAL, offset_fallback_bps REAL, offset_fill_bps REAL, offset_expectancy_bps REAL,
            intel_size_factor REAL NOT NULL, final_size_factor REAL NOT NULL, regime TEXT NOT NULL, regime_ratio REAL,
            score REAL, score_sharpe REAL, score_regime REAL, score_router REAL, score_fees REAL, score_drawdown REAL,
            orders INTEGER NOT NULL, maker_fill_ratio REAL, fallback_ratio REAL, post_only_reject_rate REAL, slippage_p50_bps REAL, slippage_p75_bps REAL,
            error_rate REAL, latency_p95_ms REAL, mean_time_to_fill_ms REAL,
            position TEXT NOT NULL, parents INTEGER NOT NULL, denied INTEGER NOT NULL, drawdown REAL NOT NULL,
            PRIMARY KEY (run_id, time_ns, symbol));
        CREATE TABLE toggles (symbol TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated TEXT NOT NULL);
        CREATE INDEX results_symbol ON results (run_id, symbol);
        CREATE TABLE round_trips (
            run_id TEXT NOT NULL, seq INTEGER NOT NULL, closed_ns INTEGER NOT NULL, symbol TEXT NOT NULL, entry_ms INTEGER NOT NULL,
            net_return_bps REAL, PRIMARY KEY (run_id, seq));
        INSERT INTO runs VALUES ('old-run', 'rules', 7, 'btcusdt_20240718.gz', 'tick', 'complete', 1);
        INSERT INTO parents (run_id, parent_id, time_ns, symbol, side, arrival_mid, quantity, risk_verdict, risk_reason, risk_scale)
            VALUES ('old-run', 1, 1000, 'BTCUSDT', 'Buy', '63867.45', '0.078', 'Allow', 'None', 1.0);
        INSERT INTO health (run_id, time_ns, symbol, enabled, quality, maker_first, taker_bias, reason, maker_offset_bps, intel_size_factor,
            final_size_factor, regime, orders, position, parents, denied, drawdown)
            VALUES ('old-run', 2000, 'BTCUSDT', 1, 'Good', 1, 0.1, 'healthy', 2.0, 1.0, 1.0, 'Normal', 3, '0.078', 1, 0, 0.0);
        INSERT INTO round_trips VALUES ('old-run', 1, 3000, 'BTCUSDT', 1, -1.5);
        INSERT INTO toggles VALUES ('ETHUSDT', 0, '2024-07-18T00:00:00Z');
        PRAGMA user_version = 2;
        """;

    [Fact]
    public void ASchema2StoreIsMigratedInPlaceKeepingItsRowsAndIsReadableAfterwards()
    {
        var db = Path.Combine(_dir, "v2.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SchemaV2Store;
            command.ExecuteNonQuery();
        }
        using (var store = TelemetryStore.Open(db))
        {
            Assert.True(store.SchemaVersion > 2);
            // v3: the dashboard's indexes; v4: the mirror's columns, NULL on rows written before them.
            var indexes = store.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'health'").Select(r => (string)r[0]!).ToList();
            Assert.Contains("health_symbol_time", indexes);
            Assert.Contains("health_time", indexes);
            var mirror = store.Query("SELECT mirror_drops, mirror_commits, mirror_retries, mirror_failures, mirror_last_success, mirror_last_error, mirror_circuit_open, orders FROM health").Single();
            Assert.All(mirror.Take(7), v => Assert.Null(v));
            Assert.Equal(3L, mirror[7]);
            Assert.Equal(["old-run|rules|7|complete"], store.Query("SELECT run_id, policy, seed, status FROM runs").Select(r => string.Join('|', r)).ToList());
            Assert.Equal(["1|BTCUSDT|63867.45|0.078"], store.Query("SELECT parent_id, symbol, arrival_mid, quantity FROM parents").Select(r => string.Join('|', r)).ToList());
            Assert.Equal(["1|-1.5"], store.Query("SELECT seq, net_return_bps FROM round_trips").Select(r => string.Join('|', r)).ToList());
            Assert.False(store.Toggles()[new Fillwise.Core.Symbol("ETHUSDT")]);
        }
        // The read model refuses a store below the current schema or missing a column it reads: this one is current and complete.
        var reader = TelemetryReader.Open(db);
        Assert.Equal("old-run", reader.ResolveRun(null));
        Assert.Equal("healthy", Assert.Single(reader.Symbols("old-run")).Reason);
    }

    [Fact]
    public void AMirrorThatCannotStartIsOneSentenceAndTheReplayRunsWithoutIt()
    {
        var key = Path.Combine(_dir, "key.json");
        File.WriteAllText(key, "{ this is not a service-account key");
        var previous = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", key);
        try
        {
            var (exit, output, error) = Run(["replay", .. Capture, "--db", Path.Combine(_dir, "nomirror.db"), "--mirror"]);
            Assert.Equal(0, exit);
            Assert.Contains("fillwise: mirror disabled: " + key + ": not a readable service-account key", error, StringComparison.Ordinal);
            Assert.Contains("47 parent orders", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", previous);
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

    [Fact]
    public void AnEvalWhoseBookNeverSyncsSaysWhyItPlacedNoOrder()
    {
        // The second file of the sample pair alone has no depth snapshot: its book never syncs, so it never has a quote
        // and the arrivals (drawn among symbols with a fresh quote) place no parent at all.
        var (exit, output, error) = Run(["eval", "--capture", TestPaths.SampleCapture("btcusdt_20240719.gz"), "--policies", "static", "--json", "-"]);
        Assert.True(exit == 0, error);
        Assert.Contains("The book of BTCUSDT was not in sync at the end of the data", error, StringComparison.Ordinal);
        var stat = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("policies").GetProperty("static");
        Assert.Equal(0, stat.GetProperty("orders").GetInt32());
    }
}
