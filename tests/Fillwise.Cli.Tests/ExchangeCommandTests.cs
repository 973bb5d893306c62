using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>`fillwise exchange` refuses what it cannot serve in one sentence, before binding anything.</summary>
public sealed class ExchangeCommandTests
{
    private static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    [Theory]
    [InlineData("http://0.0.0.0:5090", "not a loopback address")]
    [InlineData("http://192.168.1.10:5090", "--allow-non-loopback")]
    [InlineData("https://127.0.0.1:5090", "not an http:// URL")]
    public void Non_loopback_or_tls_urls_are_refused(string url, string expected)
    {
        var (exit, _, err) = Cli.Run([.. "exchange".Split(' '), .. Capture, "--urls", url]);
        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void A_bad_speed_is_refused()
    {
        var (exit, _, err) = Cli.Run(["exchange", .. Capture, "--speed", "fast"]);
        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Contains("--speed must be a number between 0.001 and 1e6", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Klines_are_not_an_option_of_the_exchange()
    {
        // Klines have no order book to serve: --klines is neither listed nor parsed.
        var (_, help, _) = Cli.Run("exchange", "--help");
        Assert.Contains("--capture", help, StringComparison.Ordinal);
        Assert.DoesNotContain("--klines", help, StringComparison.Ordinal);
        var (exit, _, err) = Cli.Run("exchange", "--klines", TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"));
        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Contains("--klines", err, StringComparison.Ordinal);
        Assert.Contains("See 'fillwise exchange --help'.", err, StringComparison.Ordinal);
    }

    [Fact]
    public void No_tick_data_names_only_the_exchanges_own_options()
    {
        var (exit, _, err) = Cli.Run("exchange");
        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Contains("give --capture <files...> or --catalog DIR --symbols S,...", err, StringComparison.Ordinal);
        Assert.DoesNotContain("--klines", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_gets_the_same_sentence_as_replay()
    {
        var dir = Directory.CreateTempSubdirectory("fillwise-exchange-").FullName;
        try
        {
            var junk = Path.Combine(dir, "btcusdt_junk.gz");
            File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8]);
            var exchange = Cli.Run("exchange", "--capture", junk);
            var replay = Cli.Run("replay", "--capture", junk, "--db", Path.Combine(dir, "r.db"));
            Assert.Equal(CliApp.ExitUsage, exchange.Exit);
            Assert.Equal(replay.Exit, exchange.Exit);
            Assert.Equal(replay.Err, exchange.Err);
            var missing = Cli.Run("exchange", "--capture", Path.Combine(dir, "nope_btcusdt.gz"));
            Assert.Equal(CliApp.ExitUsage, missing.Exit);
            Assert.Contains("nope_btcusdt.gz", missing.Err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
