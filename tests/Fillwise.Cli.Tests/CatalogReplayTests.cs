using System.Text.Json;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>`replay`/`eval --catalog DIR --symbols ...` against the same data read from the gzip captures.</summary>
public sealed class CatalogReplayTests : IDisposable
{
    private static readonly string[] Files = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-catalog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AReplayFromTheCatalogEqualsTheReplayFromTheCaptures()
    {
        var catalog = Path.Combine(_dir, "catalog");
        var (exit, _, error) = Cli.Run(["data", "convert", .. Files, "--catalog", catalog]);
        Assert.True(exit == 0, error);
        JsonElement Replay(string[] source, string db)
        {
            var (code, output, err) = Cli.Run(["replay", .. source, "--arrivals", "2s", "--policy", "intel", "--db", Path.Combine(_dir, db), "--json"]);
            Assert.True(code == 0, err);
            return JsonDocument.Parse(output).RootElement;
        }
        var lz4 = Path.Combine(_dir, "lz4");
        (exit, _, error) = Cli.Run(["data", "convert", .. Files, "--catalog", lz4, "--compression", "lz4"]);
        Assert.True(exit == 0, error);
        long Bytes(string dir) => Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(Bytes(lz4) * 2 < Bytes(catalog), $"lz4 {Bytes(lz4)} B against {Bytes(catalog)} B uncompressed");
        var fromGzip = Replay(["--capture", .. Files], "gz.db");
        var fromCatalog = Replay(["--catalog", catalog, "--symbols", "BTCUSDT"], "cat.db");
        var fromLz4 = Replay(["--catalog", lz4, "--symbols", "BTCUSDT"], "lz4.db");
        foreach (var key in new[] { "orders", "filled_orders", "fills", "market_events", "cost_bps_mean", "maker_fill_ratio" })
        {
            Assert.Equal(fromGzip.GetProperty(key).ToString(), fromCatalog.GetProperty(key).ToString());
            Assert.Equal(fromGzip.GetProperty(key).ToString(), fromLz4.GetProperty(key).ToString());
        }
        Assert.NotEqual(fromGzip.GetProperty("run_id").GetString(), fromCatalog.GetProperty("run_id").GetString());
    }

    [SharedDataFact]
    public void ACoinMReplayFromTheCatalogEqualsTheReplayFromTheCaptures()
    {
        string[] files = [TestPaths.Shared("binance-coinm", "ethusd_perp_20240808.gz"), TestPaths.Shared("binance-coinm", "ethusd_perp_20240809.gz")];
        var catalog = Path.Combine(_dir, "coinm");
        var (exit, _, error) = Cli.Run(["data", "convert", .. files, "--catalog", catalog]);
        Assert.True(exit == 0, error);
        JsonElement Replay(string[] source, string db)
        {
            var (code, output, err) = Cli.Run(["replay", .. source, "--arrivals", "10s", "--policy", "static", "--db", Path.Combine(_dir, db), "--json"]);
            Assert.True(code == 0, err);
            return JsonDocument.Parse(output).RootElement;
        }
        var fromGzip = Replay(["--capture", .. files], "coinm-gz.db");
        var fromCatalog = Replay(["--catalog", catalog, "--market", "coinm", "--symbols", "ETHUSD_PERP"], "coinm-cat.db");
        Assert.Equal("coinm", fromCatalog.GetProperty("market").GetString());
        foreach (var key in new[] { "orders", "filled_orders", "fills", "market_events", "cost_bps_mean", "maker_fill_ratio" })
        {
            Assert.Equal(fromGzip.GetProperty(key).ToString(), fromCatalog.GetProperty(key).ToString());
        }
        // The same symbol asked of the wrong market: nothing there, one sentence.
        (exit, _, error) = Cli.Run(["replay", "--catalog", catalog, "--symbols", "ETHUSD_PERP", "--db", Path.Combine(_dir, "x.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("not in the symbol catalog (usdm market)", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", "--catalog", catalog, "--market", "futures", "--symbols", "ETHUSD_PERP", "--db", Path.Combine(_dir, "x.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("--market: 'futures' is not a market", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogSelectionsAreCheckedBeforeAnythingRuns()
    {
        var (code, _, err) = Cli.Run(["data", "convert", .. Files, "--catalog", Path.Combine(_dir, "z"), "--compression", "snappy"]);
        Assert.Equal(2, code);
        Assert.Equal("fillwise: --compression: 'snappy' is not offered; expected none or lz4.", err.Trim().Split('\n')[0]);
        Assert.False(Directory.Exists(Path.Combine(_dir, "z")));
        var (exit, _, error) = Cli.Run(["replay", "--catalog", Path.Combine(_dir, "missing"), "--symbols", "BTCUSDT", "--db", Path.Combine(_dir, "x.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("missing", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", "--symbols", "BTCUSDT", "--capture", .. Files, "--db", Path.Combine(_dir, "x.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("give --catalog DIR too", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", "--catalog", _dir, "--symbols", "BTCUSDT", "--from", "2024-07-18 23:00", "--db", Path.Combine(_dir, "x.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("--from", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AWindowWithoutADepthSnapshotIsRefusedSayingSo()
    {
        var catalog = Path.Combine(_dir, "catalog");
        var (exit, _, error) = Cli.Run(["data", "convert", .. Files, "--catalog", catalog]);
        Assert.True(exit == 0, error);
        // The captures' one snapshot is in their first second: a window from 23:58 has none, so no quote, no order.
        (exit, _, error) = Cli.Run(["replay", "--catalog", catalog, "--symbols", "BTCUSDT", "--from", "2024-07-18T23:58:00Z", "--arrivals", "2s", "--db", Path.Combine(_dir, "w.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("no parent order was placed", error, StringComparison.Ordinal);
        Assert.Contains("The book of BTCUSDT was not in sync at the end of the data", error, StringComparison.Ordinal);
        // With the snapshot inside the window, the same replay runs.
        (exit, _, error) = Cli.Run(["replay", "--catalog", catalog, "--symbols", "BTCUSDT", "--to", "2024-07-19T00:01:00Z", "--arrivals", "2s", "--db", Path.Combine(_dir, "w.db")]);
        Assert.True(exit == 0, error);
    }
}
