using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.Telemetry;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// A run's identity is the content of its inputs and its effective options; a complete run is not silently run
/// again (only replaced with --force); one process at a time writes a run; a run that fails leaves nothing behind.
/// </summary>
public sealed class RunIdentityTests : IDisposable
{
    private static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-identity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "runs.db");

    private static string RunId(string json) => JsonDocument.Parse(json).RootElement.GetProperty("run_id").GetString()!;

    private string Signals(string folder, string notional)
    {
        var path = Path.Combine(_dir, folder, "signals.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, ["timestamp,symbol,side,target_notional", $"2024-07-18T23:58:00Z,BTCUSDT,BUY,{notional}", $"2024-07-19T00:01:00Z,BTCUSDT,SELL,{notional}"]);
        return path;
    }

    [Fact]
    public void TheOptionsAreHashedAsTheReflectionSerializerWritesThemSoRunIdsStayStable()
    {
        var changed = new ExecutorOptions
        {
            StartingEquity = 12_345.5m,
            HealthEvery = TimeSpan.FromSeconds(90),
            Router = new() { MakerTimeout = TimeSpan.FromSeconds(42) },
            Intel = new() { PatiencesS = [2, 30], BehindBps = [1.5] },
        };
        foreach (var options in (ExecutorOptions[])[new ExecutorOptions(), changed])
        {
            Assert.Equal(JsonSerializer.Serialize(options), RunIdentity.OptionsText(options));
        }
        Assert.NotEqual(RunIdentity.OptionsText(new ExecutorOptions()), RunIdentity.OptionsText(changed));
    }

    [Fact]
    public void SignalFilesWithTheSameNameAndSizeButOtherContentAreDifferentRuns()
    {
        var a = Signals("a", "5000");
        var b = Signals("b", "6000");
        Assert.Equal(new FileInfo(a).Length, new FileInfo(b).Length);
        var first = Cli.Run(["replay", .. Capture, "--signals", a, "--db", Db, "--json"]);
        var second = Cli.Run(["replay", .. Capture, "--signals", b, "--db", Db, "--json"]);
        Assert.True(first.Exit == 0 && second.Exit == 0, first.Err + second.Err);
        Assert.NotEqual(RunId(first.Out), RunId(second.Out));
        using var store = TelemetryStore.Open(Db);
        // Both runs' orders are stored, each with its own notional (0.07 BTC vs 0.09 BTC at ~64,000).
        var quantities = store.Query("SELECT run_id, SUM(CAST(quantity AS REAL)) FROM parents GROUP BY run_id").ToDictionary(r => (string)r[0]!, r => (double)r[1]!);
        Assert.Equal(2, quantities.Count);
        Assert.True(quantities[RunId(second.Out)] > quantities[RunId(first.Out)] * 1.1);
    }

    [Fact]
    public void AChangedOptionIsAnotherRun()
    {
        var config = Path.Combine(_dir, "c.json");
        File.WriteAllText(config, """{ "Router": { "MakerTimeout": "00:00:05" } }""");
        var plain = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "rules", "--json"]);
        var changed = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "rules", "--config", config, "--json"]);
        var seed = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "rules", "--seed", "2", "--json"]);
        Assert.Equal(3, new[] { RunId(plain.Out), RunId(changed.Out), RunId(seed.Out) }.Distinct().Count());
    }

    [Fact]
    public void ASymbolsFileThatChangesTheRunsFiltersIsAnotherRun()
    {
        string Id(params string[] extra)
        {
            var run = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "static", "--json", "--force", .. extra]);
            Assert.True(run.Exit == 0, run.Err);
            return RunId(run.Out);
        }
        string SymbolsFile(string name, string symbol, string minNotional)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, $$"""{"symbols": [{"symbol": "{{symbol}}", "tickSize": "0.10", "stepSize": "0.001", "minNotional": "{{minNotional}}"}]}""");
            return path;
        }

        var builtIn = Id();
        // Another minimum notional for the run's own symbol: other filters, another run.
        Assert.NotEqual(builtIn, Id("--symbol-file", SymbolsFile("btc.json", "BTCUSDT", "50")));
        // A file that only touches a symbol the data does not hold leaves the run what it was.
        Assert.Equal(builtIn, Id("--symbol-file", SymbolsFile("other.json", "SOLUSDT", "5")));
    }

    [Fact]
    public void ACompleteRunIsNotRunAgainAndForceReplacesIt()
    {
        var first = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "static", "--json"]);
        Assert.True(first.Exit == 0, first.Err);
        var id = RunId(first.Out);
        string dump;
        using (var store = TelemetryStore.Open(Db))
        {
            dump = store.Dump();
            // A toggle switched off after the run: without --force the stored run stays what it was.
            store.SetToggle(new Symbol("BTCUSDT"), enabled: false, DateTimeOffset.UnixEpoch);
        }

        var again = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "static"]);
        Assert.Equal(0, again.Exit);
        Assert.Contains($"run {id} is already complete in {Db} (use --force to replace it)", again.Err, StringComparison.Ordinal);
        Assert.Empty(again.Out);
        using (var store = TelemetryStore.Open(Db))
        {
            Assert.Equal(dump, store.Dump());
            Assert.Equal(1L, store.Query("SELECT attempts FROM runs").Single()[0]);
        }

        var forced = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "static", "--force", "--json"]);
        Assert.True(forced.Exit == 0, forced.Err);
        // The toggle that now denies every order is said, on stderr before the run and in the summary.
        Assert.Contains("BTCUSDT is switched off by a toggle", forced.Err, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(forced.Out);
        Assert.True(json.RootElement.GetProperty("replaced").GetBoolean());
        Assert.Equal("BTCUSDT", json.RootElement.GetProperty("switched_off")[0].GetString());
        Assert.True(json.RootElement.GetProperty("denied").GetInt32() > 0);
        Assert.Equal(0, json.RootElement.GetProperty("fills").GetInt32());
        using var after = TelemetryStore.Open(Db);
        Assert.Equal("complete", after.Query("SELECT status FROM runs WHERE run_id = $id", ("$id", id)).Single()[0]);
        // The old rows were deleted, not merged: every stored parent is now a denial and no fill remains.
        Assert.Equal(0L, after.Query("SELECT COUNT(*) FROM fills").Single()[0]);
        Assert.Equal(0L, after.Query("SELECT COUNT(*) FROM parents WHERE risk_verdict != 'Deny'").Single()[0]);
        Assert.Equal(1L, after.Query("SELECT attempts FROM runs").Single()[0]);
    }

    [Fact]
    public void ASecondProcessOnTheSameRunIsRefusedAndACrashedOnesLockDoesNotBlock()
    {
        var probe = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "taker", "--json"]);
        var id = RunId(probe.Out);
        using (var store = TelemetryStore.Open(Db))
        {
            store.DeleteRun(id);
            Assert.Empty(store.Query("SELECT * FROM parents"));
        }
        using (var holder = TelemetryStore.Open(Db))
        using (RunLock.Take(holder, id))
        {
            var (exit, _, error) = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "taker"]);
            Assert.Equal(2, exit);
            Assert.Contains($"run {id} is being written to {Db} by another process", error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'), l => !l.StartsWith("fillwise: adapted", StringComparison.Ordinal));
            using var store = TelemetryStore.Open(Db);
            Assert.Empty(store.Query("SELECT * FROM runs"));
        }
        // A lock file (DB.run-ID.lock, as documented) left behind by a killed process is not a lock: the next attempt takes it over.
        var lockFile = $"{Path.GetFullPath(Db)}.run-{id}.lock";
        File.WriteAllText(lockFile, "");
        var resumed = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "taker"]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        // Left in place, never deleted: deleting a lock file could let two processes each lock "the" file.
        Assert.True(File.Exists(lockFile));
    }

    [Fact]
    public void ARunThatThrowsLeavesNothingRunning()
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz")], null, SymbolCatalog.Default);
        var spec = new BacktestSpec("taker", 1, () => new Overflowing(), new ExecutorOptions());
        var e = Assert.Throws<RunRefusedException>(() => StoredBacktest.Run(Db, inputs, spec, "overflowing", []));
        Assert.Contains("overflowed", e.Message, StringComparison.Ordinal);
        using var store = TelemetryStore.Open(Db);
        Assert.Empty(store.Query("SELECT * FROM runs"));
        Assert.Empty(store.Query("SELECT * FROM health"));
    }

    /// <summary>A signal source that fails like decimal arithmetic on an absurd size does, mid-run.</summary>
    private sealed class Overflowing : ISignalSource
    {
        private int _updates;

        public void Start(ISignalHost host)
        {
        }

        public void OnWake(long payload, ISignalHost host)
        {
        }

        public void OnMarket(in MarketUpdate update, ISignalHost host)
        {
            if (++_updates == 2_000)
            {
                throw new OverflowException("Value was either too large or too small for a Decimal.");
            }
        }
    }
}
