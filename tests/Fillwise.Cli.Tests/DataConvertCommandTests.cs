using System.Text.Json;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>`fillwise data convert` and `data inspect` on the other markets, end to end through the real command tree.</summary>
public sealed class DataInspectConvertCommandTests : IDisposable
{
    private readonly string _catalog = Path.Combine(Path.GetTempPath(), "fillwise-cli-catalog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_catalog))
        {
            Directory.Delete(_catalog, recursive: true);
        }
    }

    [Fact]
    public void DataInspect_convert_writes_partitions_and_a_manifest_then_refuses_an_overlap_in_one_sentence()
    {
        string[] files = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
        var (exit, output, error) = Cli.Run(["data", "convert", .. files, "--catalog", _catalog]);
        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("venue=binance/market=usdm/symbol=BTCUSDT/date=2024-07-18/", output, StringComparison.Ordinal);
        Assert.Contains("venue=binance/market=usdm/symbol=BTCUSDT/date=2024-07-19/", output, StringComparison.Ordinal);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_catalog, "manifest.json")));
        Assert.Equal(2, manifest.RootElement.GetProperty("sources").GetArrayLength());
        Assert.Equal(71_984, manifest.RootElement.GetProperty("partitions").EnumerateArray().Sum(p => p.GetProperty("events").GetInt64()));

        var again = Cli.Run(["data", "convert", files[1], "--catalog", _catalog]);
        Assert.Equal(2, again.Exit);
        Assert.Single(again.Err.Trim().Split('\n'));
        Assert.Contains("overlapping writes are refused", again.Err, StringComparison.Ordinal);
    }

    [SharedDataTheory]
    [InlineData("binance-spot", "ethusdt_20240808.gz", "ethusdt_20240809.gz", "spot", "ETHUSDT")]
    [InlineData("binance-coinm", "ethusd_perp_20240808.gz", "ethusd_perp_20240809.gz", "coinm", "ETHUSD_PERP")]
    public void DataInspect_spot_and_coinm_captures_sync_with_zero_gaps(string dir, string first, string second, string market, string symbol)
    {
        var (exit, output, _) = Cli.Run("data", "inspect", TestPaths.Shared(dir, first), TestPaths.Shared(dir, second), "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var book = Assert.Single(json.RootElement.GetProperty("books").EnumerateArray());
        Assert.Equal(market, book.GetProperty("market").GetString());
        Assert.Equal(symbol, book.GetProperty("symbol").GetString());
        Assert.True(book.GetProperty("synced").GetBoolean());
        Assert.Equal(0, book.GetProperty("gaps").GetInt64());
        Assert.Equal(0, book.GetProperty("ticker_mismatches").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetArrayLength());
    }
}
