using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// The files a user names besides the market data (options, symbol filters, signals, a model, the store, a catalog's
/// captures), given wrong the way a first-time user gives them: each is one line naming the file, exit 2, never an
/// internal error. Found by following the README literally (round 2, session 8).
/// </summary>
public sealed class UserFileErrorTests : IDisposable
{
    private static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-userfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "run.db");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>One line on stderr (the tick-mode adaptation notice aside), exit 2, containing every expected part.</summary>
    private static void AssertOneLine((int Exit, string Out, string Err) result, params string[] expected)
    {
        Assert.True(result.Exit == CliApp.ExitUsage, $"exit {result.Exit}: {result.Err}{result.Out}");
        var lines = result.Err.Trim().Split('\n').Where(l => !l.StartsWith("fillwise: adapted", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"expected one line, got: {result.Err}");
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
        foreach (var part in expected)
        {
            Assert.Contains(part, lines[0], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("--signals")]
    public void An_option_file_that_is_a_directory_is_named_as_one(string option)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "not-a-file")).FullName;
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", Db, option, directory]), $"{directory}: a directory, not a file.");
    }

    [Fact]
    public void Data_convert_of_a_directory_is_one_sentence_and_leaves_no_catalog()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "captures")).FullName;
        var catalog = Path.Combine(_dir, "catalog");
        AssertOneLine(Cli.Run("data", "convert", directory, "--catalog", catalog), $"{directory}: a directory, not a file.");
        Assert.False(Directory.Exists(catalog), "a capture that cannot be read writes nothing, not even the catalog directory");
    }

    [Fact]
    public void A_config_that_is_not_json_is_one_line_with_its_position()
    {
        // System.Text.Json quotes the bad literal with its line break, which split the error over two lines.
        var config = Write("c.json", "not json\n");
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", Db, "--config", config]), $"{config}: line 1: ", "invalid JSON literal");
    }

    [Fact]
    public void A_config_with_an_unknown_key_names_the_key_and_its_line()
    {
        var config = Write("c.json", "{\n  \"Intel\": {\"MinSamples\": 5},\n  \"Foo\": 1\n}\n");
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", Db, "--config", config]), $"{config}: line 3, Foo: not a known key; the file takes any of the keys StartingEquity, ");
    }

    [Theory]
    [InlineData("{\n  \"Intel\": {\n    \"PatiencesS\": [5, 15, \"x\"]\n  }\n}\n", "line 3, Intel.PatiencesS[2]: expected a whole number, got \"x\".")]
    [InlineData("{\n  \"StartingEquity\": \"lots\"\n}\n", "line 2, StartingEquity: expected a number, got \"lots\".")]
    [InlineData("{\n  \"Expectancy\": { \"Scheme\": \"Weekly\" }\n}\n", "line 2, Expectancy.Scheme: expected one of \"HourOfDay\", \"Session\", got \"Weekly\".")]
    [InlineData("{\n  \"Router\": {\n    \"MakerTimeout\": 5\n  }\n}\n", "line 3, Router.MakerTimeout: expected a duration as a string \"hh:mm:ss\"")]
    [InlineData("{\n  \"Router\": { \"MakerTimeout\": \"-00:00:05\" }\n}\n", "line 2, Router.MakerTimeout must be between 1 ms and 1 day (got -5 s).")]
    [InlineData("{\n\n  \"Kpis\": { \"MaxAge\": \"-00:00:01\" }\n}\n", "line 3, Kpis.MaxAge must be between 1 ms and 365 days (got -1 s).")]
    [InlineData("{\n  \"Intel\": { \"Patience\": 5 }\n}\n", "line 2, Intel.Patience: not a known key; Intel takes any of the keys ShadowEvery, PatiencesS, ")]
    [InlineData("{\n  \"Risk\": {},\n  \"Risk\": {}\n}\n", "line 3, Risk: given twice; give each key once.")]
    [InlineData("{ \"RouterPolicy\": 3 }", "line 1, RouterPolicy: expected an object {...} with any of the keys MinOrders, ")]
    public void A_config_value_of_the_wrong_kind_names_the_line_the_key_path_and_what_it_takes(string json, string expected)
    {
        // Was System.Text.Json's "The JSON value could not be converted to System.Int32." or .NET's TimeSpan format
        // "[00:00:00.0010000, 1.00:00:00]", or for Kpis.MaxAge an internal error (ArgumentOutOfRangeException).
        var config = Write("c.json", json);
        var result = Cli.Run(["replay", .. Capture, "--db", Db, "--config", config]);
        AssertOneLine(result, $"{config}: {expected}");
        Assert.DoesNotContain("System.", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("$.", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1", "tick size must be positive with at most 8 decimals (got -1).")]
    [InlineData("0", "tick size must be positive with at most 8 decimals (got 0).")]
    public void A_symbol_file_with_a_numeric_tick_size_out_of_range_is_one_sentence(string tick, string expected)
    {
        var symbols = Write("s.json", $$"""{"symbols": [{"symbol": "BTCUSDT", "tickSize": {{tick}}, "stepSize": "0.001", "minNotional": "5"}]}""");
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", Db, "--symbol-file", symbols]), $"{symbols}: symbols[0]: BTCUSDT: {expected}");
    }

    [Fact]
    public void A_symbol_file_that_is_not_json_is_one_line()
    {
        var symbols = Write("s.json", "not json\n");
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", Db, "--symbol-file", symbols]), $"{symbols}: not valid JSON, line 1: ");
    }

    [Fact]
    public void An_intel_prior_that_is_not_json_is_one_line()
    {
        var model = Write("model.json", "not json\n");
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", Db, "--intel-prior", model]), $"{model}: not a Fillwise intel model (line 1: ", "write one with replay --intel-save.");
    }

    [Fact]
    public void A_catalog_whose_manifest_is_not_json_is_one_line()
    {
        var catalog = Directory.CreateDirectory(Path.Combine(_dir, "catalog")).FullName;
        var manifest = Path.Combine(catalog, "manifest.json");
        File.WriteAllText(manifest, "not json\n");
        AssertOneLine(Cli.Run("replay", "--catalog", catalog, "--symbols", "BTCUSDT", "--db", Db), $"{manifest}: the catalog manifest is not valid JSON (line 1: ");
    }

    [Fact]
    public void A_db_that_is_a_directory_is_named_as_one()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "store")).FullName;
        AssertOneLine(Cli.Run(["replay", .. Capture, "--db", directory]), $"{directory}: is a directory, not a Fillwise store");
    }

    [UnwritablePlaceFact]
    public void An_output_where_nothing_can_be_created_is_one_sentence_not_an_internal_error()
    {
        // Was exit 70 ("internal error (UnauthorizedAccessException: ...)") for data convert --catalog and eval --json.
        var place = UnwritablePlaceFactAttribute.Place!;
        var catalog = Path.Combine(place, "fillwise-test-catalog");
        AssertOneLine(Cli.Run("data", "convert", TestPaths.SampleCapture("btcusdt_20240718.gz"), "--catalog", catalog), catalog, "denied");
    }

    [SharedDataFact]
    public async Task The_paper_exchange_refuses_a_spot_capture()
    {
        // Before the check it served spot data as a USDⓈ-M exchange until Ctrl+C: the timeout turns that into a failure.
        var run = Task.Run(() => Cli.Run("exchange", "--capture", TestPaths.Shared("binance-spot", "ethusdt_20240808.gz"), "--urls", "http://127.0.0.1:0", "--speed", "max"));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60), TimeProvider.System));
        Assert.True(finished == run, "fillwise exchange served a spot capture instead of refusing it");
        AssertOneLine(await run, "the paper exchange serves Binance USDⓈ-M only; this data is spot");
    }
}

/// <summary>
/// A fact that needs a directory in which this process cannot create anything: sysfs's root for root (whom permission
/// bits do not stop; the kernel refuses it anyway), otherwise a temporary directory made read-only. Skipped, saying
/// why, where neither exists.
/// </summary>
public sealed class UnwritablePlaceFactAttribute : FactAttribute
{
    public UnwritablePlaceFactAttribute()
    {
        if (Place is null)
        {
            Skip = "no directory this process cannot write: not root on Linux with /sys, and a read-only directory is writable here";
        }
    }

    public static string? Place { get; } = Find();

    private static string? Find()
    {
        if (Environment.UserName == "root")
        {
            return OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel") ? "/sys" : null;
        }
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        var dir = Directory.CreateTempSubdirectory("fillwise-readonly-").FullName;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return dir;
    }
}
