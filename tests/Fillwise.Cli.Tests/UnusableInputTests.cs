using System.IO.Compression;
using System.Text.Json;
using Fillwise.Telemetry;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// Replay and eval check their input like `data inspect`: unusable input is one sentence and exit 2 with nothing
/// stored as complete; errors inside usable input are counted in the summary, the JSON and the store, and fail
/// an eval unless allowed. Signals, flags and stores are probed the same way.
/// </summary>
public sealed class UnusableInputTests : IDisposable
{
    private static readonly string Btc0718 = TestPaths.SampleCapture("btcusdt_20240718.gz");
    private static readonly string Btc0719 = TestPaths.SampleCapture("btcusdt_20240719.gz");
    private static readonly string[] Capture = ["--capture", Btc0718, Btc0719];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "run.db");

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string[] SampleLines(int count) => TestPaths.SampleCaptureLines("btcusdt_20240718.gz", count);

    private static byte[] Zip()
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("btcusdt_20240718.txt").Open();
            entry.Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', SampleLines(50))));
        }
        return memory.ToArray();
    }

    /// <summary>One line on stderr, exit 2, and no complete run in the store (usually no store at all).</summary>
    private void AssertRefused((int Exit, string Out, string Err) result, string expected)
    {
        Assert.True(result.Exit == 2, $"exit {result.Exit}: {result.Err}{result.Out}");
        var lines = result.Err.Trim().Split('\n').Where(l => !l.StartsWith("fillwise: adapted", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Err, StringComparison.Ordinal);
        if (File.Exists(Db))
        {
            using var store = TelemetryStore.Open(Db);
            Assert.Empty(store.Query("SELECT run_id FROM runs WHERE status IN ('complete', 'running')"));
        }
    }

    public static TheoryData<string> Unusable => ["empty", "random", "zip", "klines-as-capture", "unknown-symbol", "wrong-order", "same-file-twice", "only-bad-lines"];

    [Theory]
    [MemberData(nameof(Unusable))]
    public void UnusableCapturesAreRefusedByReplayAndEval(string kind)
    {
        var (files, expected) = kind switch
        {
            "empty" => ((string[])[Write("btcusdt_empty.gz", [])], "empty"),
            "random" => ([Write("btcusdt_random.gz", new Random(5).GetItems<byte>([.. Enumerable.Range(0, 256).Select(i => (byte)i)], 4096))], "binary data"),
            "zip" => ([Write("btcusdt_capture.zip", Zip())], "a zip archive"),
            "klines-as-capture" => ([TestPaths.SampleKlines("BTCUSDT-1m.csv.gz")], "a kline CSV, not a stream capture"),
            "unknown-symbol" => ([Write("foousdt_20240718.txt", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', SampleLines(400)).Replace("BTCUSDT", "FOOUSDT", StringComparison.Ordinal).Replace("btcusdt", "foousdt", StringComparison.Ordinal)))], "symbol FOOUSDT is not in the symbol catalog"),
            "wrong-order" => ([Btc0719, Btc0718], "give capture files in time order"),
            "same-file-twice" => ([Btc0718, Write("copy/btcusdt_20240718.gz", File.ReadAllBytes(Btc0718))], "give capture files in time order"),
            _ => ([Write("btcusdt_bad.txt", System.Text.Encoding.UTF8.GetBytes("1721347020984480942 {\"stream\":\"x\",\"data\":{\"e\":\"depthUpdate\"}}\n1721347020984480943 not json\n"))], "no market events"),
        };
        AssertRefused(Cli.Run(["replay", "--capture", .. files, "--db", Db]), expected);
        AssertRefused(Cli.Run(["eval", "--capture", .. files, "--policies", "taker"]), expected);
    }

    [Fact]
    public void TheSameKlineSeriesTwiceIsRefused()
    {
        var copy = Write("copy/BTCUSDT-1m.csv.gz", File.ReadAllBytes(TestPaths.SampleKlines("BTCUSDT-1m.csv.gz")));
        AssertRefused(Cli.Run("replay", "--klines", TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), copy, "--db", Db), "are both BTCUSDT bars");
        AssertRefused(Cli.Run("replay", "--klines", TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), "--db", Db), "given twice");
        AssertRefused(Cli.Run("replay", "--klines", Btc0718, "--db", Db), "a stream capture, not a kline CSV");
    }

    [Fact]
    public void DataErrorsAreCountedByReplayStoredWithTheRunAndFailAStrictEval()
    {
        // Half the lines switch to millisecond timestamps: each is a data error, left out.
        var lines = SampleLines(3000).Select((l, i) => i < 1500 ? l : l[..13] + l[l.IndexOf(' ', StringComparison.Ordinal)..]);
        var mixed = Write("btcusdt_mixed.txt", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        var (exit, output, error) = Cli.Run("replay", "--capture", mixed, "--db", Db, "--json");
        Assert.True(exit == 0, error);
        Assert.True(error.Contains("1,500 data error(s)", StringComparison.Ordinal), error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(1500, json.RootElement.GetProperty("data_errors").GetInt64());
            Assert.Equal(0, json.RootElement.GetProperty("book_gaps").GetInt64());
        }
        using (var store = TelemetryStore.Open(Db))
        {
            Assert.Equal(1500L, store.Query("SELECT data_errors FROM runs").Single()[0]);
        }

        var strict = Cli.Run("eval", "--capture", mixed, "--policies", "taker,static");
        Assert.Equal(1, strict.Exit);
        Assert.Contains("1,500 data error(s)", strict.Err, StringComparison.Ordinal);
        Assert.Contains("--allow-data-errors", strict.Err, StringComparison.Ordinal);
        Assert.Empty(strict.Out);

        var allowed = Cli.Run("eval", "--capture", mixed, "--policies", "taker,static", "--allow-data-errors", "--json", "-");
        Assert.True(allowed.Exit == 0, allowed.Err);
        using var evalJson = JsonDocument.Parse(allowed.Out);
        Assert.Equal(1500, evalJson.RootElement.GetProperty("data_errors").GetInt64());
    }

    [Theory]
    [InlineData("", "no signals after the header")]
    [InlineData("2024-07-18T23:58:00Z,ETHUSDT,BUY,0.01", "ETHUSDT is not in the market data")]
    [InlineData("07/19/2024 00:01:00,BTCUSDT,BUY,0.01", "neither ISO-8601 with a zone")]
    [InlineData("2024-07-19 00:01:00,BTCUSDT,BUY,0.01", "neither ISO-8601 with a zone")]
    [InlineData("2024-07-19T00:01:00,BTCUSDT,BUY,0.01", "neither ISO-8601 with a zone")]
    [InlineData("99999999999999999999,BTCUSDT,BUY,0.01", "out of range for Unix milliseconds")]
    [InlineData("9223372036854775807,BTCUSDT,BUY,0.01", "out of range for Unix milliseconds")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,BUY,NaN", "field 'target_qty'")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,BUY,Infinity", "field 'target_qty'")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,BUY,-0.01", "field 'target_qty'")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,BUY,1e3", "field 'target_qty'")]
    [InlineData("2024-07-18T23:58:00Z,BTCUSDT,BUY,79228162514264337593543950335", "at most 1000000000")]
    public void BadSignalsAreOneSentenceNamingFileAndLine(string line, string expected)
    {
        var signals = Path.Combine(_dir, "s.csv");
        File.WriteAllLines(signals, line.Length == 0 ? ["timestamp,symbol,side,target_qty"] : ["timestamp,symbol,side,target_qty", line]);
        var result = Cli.Run(["replay", .. Capture, "--signals", signals, "--db", Db]);
        AssertRefused(result, expected);
        Assert.Contains("s.csv", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void AHugeTargetNotionalIsRefusedAndLeavesNoRunningRun()
    {
        var signals = Path.Combine(_dir, "n.csv");
        File.WriteAllLines(signals, ["timestamp,symbol,side,target_notional", "2024-07-19T00:00:00Z,BTCUSDT,BUY,79228162514264337593543950335"]);
        AssertRefused(Cli.Run(["replay", .. Capture, "--signals", signals, "--db", Db]), "at most 1000000000000");
    }

    [Theory]
    [InlineData("--seed", "-1", "Cannot parse argument '-1'")]
    [InlineData("--notional", "1e400", "--notional")]
    [InlineData("--notional", "79228162514264337593543950335", "--notional")]
    [InlineData("--pace", "1e-300", "--pace must be between")]
    [InlineData("--pace", "NaN", "--pace must be between")]
    [InlineData("--arrivals", "0.00001ms", "is not a duration")]
    [InlineData("--arrivals", "1e308s", "is not a duration")]
    public void AbsurdFlagsAreOneLineWithAPointerToHelp(string option, string value, string expected)
    {
        var (exit, output, error) = Cli.Run(["replay", .. Capture, option, value, "--db", Db]);
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'), l => !l.StartsWith("fillwise: adapted", StringComparison.Ordinal));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Description:", error + output, StringComparison.Ordinal);
        if (option is "--seed")
        {
            Assert.Contains("See 'fillwise replay --help'.", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("data", "inspect")]
    [InlineData("replay", "--capture")]
    [InlineData("eval", "--capture")]
    public void AnUnknownFlagAfterFileArgumentsIsAnUnknownOption(string command, string files)
    {
        string[] args = command == "data" ? ["data", files, Btc0718, "--bogus"] : [command, files, Btc0718, Btc0719, "--bogus"];
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains("unknown option '--bogus'", error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void AStoreWithACorruptedPageIsOneSentenceNotAnInternalError()
    {
        Assert.Equal(0, Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "taker"]).Exit);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var command = c.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;";
            command.ExecuteNonQuery();
        }
        using (var file = File.OpenWrite(Db))
        {
            file.Position = 4096 * 5;
            file.Write(Enumerable.Repeat((byte)0xff, 4096).ToArray());
        }
        var (exit, _, error) = Cli.Run(["replay", .. Capture, "--db", Db, "--policy", "static"]);
        Assert.Equal(2, exit);
        Assert.Contains($"{Db}: corrupted (", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'), l => !l.StartsWith("fillwise: adapted", StringComparison.Ordinal));
    }
}
