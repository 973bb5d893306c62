using System.Text.Json;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>`fillwise data inspect` end to end through the real command tree.</summary>
public sealed class DataInspectCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void Capture_json_follows_the_contract()
    {
        var (exit, output, error) = Run("data", "inspect", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz"), "--json");
        Assert.Equal(0, exit);
        Assert.Empty(error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("BTCUSDT", root.GetProperty("symbol").GetString());
        Assert.Equal("ns", root.GetProperty("timestamp_unit").GetString());
        Assert.Equal("2024-07-18T23:57:00.9844809Z", root.GetProperty("first_ts").GetString());
        var events = root.GetProperty("events");
        Assert.Equal(3326 + 5696, events.GetProperty("depthUpdate").GetInt64());
        Assert.Equal(7113 + 45147, events.GetProperty("bookTicker").GetInt64());
        Assert.Equal(974 + 9727, events.GetProperty("trade").GetInt64());
        Assert.Equal(1, events.GetProperty("snapshot").GetInt64());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("skipped").ValueKind);
        Assert.True(root.GetProperty("book").GetProperty("synced").GetBoolean());
        Assert.Equal(0, root.GetProperty("book").GetProperty("gaps").GetInt64());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public void Captures_out_of_time_order_are_refused_with_replays_sentence_not_shown_as_a_gap()
    {
        string[] files = [TestPaths.SampleCapture("btcusdt_20240719.gz"), TestPaths.SampleCapture("btcusdt_20240718.gz")];
        var inspect = Run(["data", "inspect", .. files]);
        var replay = Run(["eval", "--capture", .. files, "--policies", "taker"]);
        Assert.Equal(CliApp.ExitUsage, inspect.Exit);
        Assert.Empty(inspect.Out);
        Assert.Contains("btcusdt_20240718.gz starts at 2024-07-18T", inspect.Err, StringComparison.Ordinal);
        Assert.Contains("give capture files in time order, each once.", inspect.Err, StringComparison.Ordinal);
        Assert.Equal(replay.Err, inspect.Err);
    }

    [Fact]
    public void One_capture_given_twice_is_refused_with_replays_sentence()
    {
        // Read twice in a row, the file never "changes": only the given-twice check can see it.
        var file = TestPaths.SampleCapture("btcusdt_20240718.gz");
        var inspect = Run("data", "inspect", file, file);
        var replay = Run("eval", "--capture", file, file, "--policies", "taker");
        Assert.Equal(CliApp.ExitUsage, inspect.Exit);
        Assert.Empty(inspect.Out);
        Assert.Contains($"{file}: given twice; give each file once.", inspect.Err, StringComparison.Ordinal);
        Assert.Equal(replay.Err, inspect.Err);
    }

    [Fact]
    public void Two_symbols_each_in_time_order_are_not_out_of_order()
    {
        // The order is checked per symbol, as replays group the files: ethusdt's day starts before btcusdt's ends.
        // The ETHUSDT days are the BTCUSDT samples renamed (file name and stream), so the test never skips.
        var dir = Directory.CreateTempSubdirectory("fillwise-inspect-order-").FullName;
        try
        {
            string Eth(string day)
            {
                var path = Path.Combine(dir, $"ethusdt_{day}.gz");
                using var input = new System.IO.Compression.GZipStream(File.OpenRead(TestPaths.SampleCapture($"btcusdt_{day}.gz")), System.IO.Compression.CompressionMode.Decompress);
                using var text = new StreamReader(input);
                using var output = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Fastest);
                using var writer = new StreamWriter(output);
                writer.Write(text.ReadToEnd().Replace("BTCUSDT", "ETHUSDT", StringComparison.Ordinal).Replace("btcusdt", "ethusdt", StringComparison.Ordinal));
                return path;
            }
            string[] files = [TestPaths.SampleCapture("btcusdt_20240718.gz"), Eth("20240718"), TestPaths.SampleCapture("btcusdt_20240719.gz"), Eth("20240719")];
            var (exit, output, error) = Run(["data", "inspect", .. files, "--json"]);
            Assert.True(exit == 0, error);
            Assert.Contains("BTCUSDT", output, StringComparison.Ordinal);
            Assert.Contains("ETHUSDT", output, StringComparison.Ordinal);
            // The same files with one symbol's days swapped are refused.
            var swapped = Run(["data", "inspect", files[2], files[1], files[0], files[3]]);
            Assert.Equal(CliApp.ExitUsage, swapped.Exit);
            Assert.Contains("give capture files in time order, each once.", swapped.Err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Klines_json_follows_the_contract()
    {
        var (exit, output, _) = Run("data", "inspect", TestPaths.SampleKlines("SOLUSDT-1m.csv.gz"), "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("SOLUSDT", root.GetProperty("symbol").GetString());
        Assert.Equal("1m", root.GetProperty("interval").GetString());
        Assert.Equal(43_200, root.GetProperty("bars").GetInt32()); // 43,201 lines minus the header
        Assert.Equal("2025-05-04T15:33:00Z", root.GetProperty("first_ts").GetString());
        Assert.Equal(0, root.GetProperty("gaps").GetInt32());
    }

    [Fact]
    public void A_directory_of_klines_gives_one_entry_per_file_and_a_readable_table()
    {
        var (exit, output, _) = Run("data", "inspect", Path.Combine(TestPaths.Samples, "klines"));
        Assert.Equal(0, exit);
        Assert.Contains("BTCUSDT", output, StringComparison.Ordinal);
        Assert.Contains("ETHUSDT", output, StringComparison.Ordinal);
        Assert.Contains("43,199", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_listed_and_the_exit_code_is_non_zero()
    {
        using var file = TempFile.WithText("1721347020984480942 {\"data\":{\"e\":\"trade\"}}\n1721347020984480943 garbage\n", "btcusdt_bad.txt");
        var (exit, output, _) = Run("data", "inspect", file.Path, "--json");
        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith($"{file.Path}:1: trade without", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{file.Path}:2: invalid JSON", errors[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/file.gz", "no such file")]
    [InlineData("EMPTY", "the file is empty")]
    [InlineData("BINARY", "binary data")]
    [InlineData("BADGZIP", "unreadable gzip data")]
    public void Unusable_input_is_one_sentence_without_a_stack_trace(string which, string expected)
    {
        using var empty = TempFile.WithText(string.Empty, "empty.csv");
        using var binary = TempFile.WithBytes([0, 1, 2, 3, 255, 254, 10], "binary.bin");
        using var badGzip = TempFile.WithBytes([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "bad.gz");
        var path = which switch { "EMPTY" => empty.Path, "BINARY" => binary.Path, "BADGZIP" => badGzip.Path, _ => which };
        var (exit, output, error) = Run("data", "inspect", path);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        var (exit, _, error) = Run("data", "nonsense");
        Assert.NotEqual(0, exit);
        Assert.NotEmpty(error);
    }
}
