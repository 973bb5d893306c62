using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Fillwise.Core;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Catalog;
using Fillwise.TestData;
using Xunit.Abstractions;

namespace Fillwise.MarketData.Tests;

/// <summary>The Parquet catalog against the gzip captures it was converted from (real shared data).</summary>
public sealed class CatalogTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-catalog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    public static TheoryData<string, string, string> Sets() => new()
    {
        { "binance-usdm", "btcusdt_20240808.gz", "BTCUSDT" },
        { "binance-spot", "ethusdt_20240808.gz+ethusdt_20240809.gz", "ETHUSDT" },
        { "binance-coinm", "ethusd_perp_20240808.gz+ethusd_perp_20240809.gz", "ETHUSD_PERP" },
    };

    private static string[] Files(string dir, string set) => set.Split('+').Select(f => TestPaths.Shared(dir, f)).ToArray();

    [SharedDataTheory]
    [MemberData(nameof(Sets))]
    public void Catalog_replays_the_capture_event_for_event_and_rebuilds_the_same_book(string dir, string set, string symbol)
    {
        var files = Files(dir, set);
        var result = CatalogWriter.Convert(files, _dir);
        Assert.NotEmpty(result.Written);
        Assert.All(result.Sources, s => Assert.Equal(64, s.Sha256.Length));

        using var gzip = new CaptureReader(files);
        using var catalog = new CatalogReader(_dir, [new Symbol(symbol)]);
        var fromGzip = new OrderBook(new Symbol(symbol), new OrderBookOptions { Market = MarketOf(dir) });
        var fromCatalog = new OrderBook(new Symbol(symbol), new OrderBookOptions { Market = MarketOf(dir) });
        long events = 0;
        while (gzip.MoveNext())
        {
            Assert.True(catalog.MoveNext());
            Assert.Equal((gzip.Kind, gzip.Market, gzip.Symbol, gzip.ReceiveTimeNs, gzip.EventTimeMs, gzip.TransactTimeMs),
                (catalog.Kind, catalog.Market, catalog.Symbol, catalog.ReceiveTimeNs, catalog.EventTimeMs, catalog.TransactTimeMs));
            gzip.ApplyTo(fromGzip);
            catalog.ApplyTo(fromCatalog);
            events++;
        }
        Assert.False(catalog.MoveNext());
        Assert.True(events > 50_000);
        Assert.True(fromGzip.IsValid);
        Assert.Equal((fromGzip.LastUpdateId, fromGzip.AppliedDiffs, fromGzip.Gaps), (fromCatalog.LastUpdateId, fromCatalog.AppliedDiffs, fromCatalog.Gaps));
        Assert.Equal(Levels(fromGzip.Bids), Levels(fromCatalog.Bids));
        Assert.Equal(Levels(fromGzip.Asks), Levels(fromCatalog.Asks));
        Assert.Equal(fromGzip.Ticker, fromCatalog.Ticker);
    }

    [Fact]
    public void A_capture_with_data_errors_writes_nothing_and_leaves_no_catalog_directory()
    {
        // The sample capture's first 2,000 lines, then one line that is not a Binance message (generated edge case).
        var lines = new List<string>();
        using (var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(TestPaths.SampleCapture("btcusdt_20240718.gz")), System.IO.Compression.CompressionMode.Decompress)))
        {
            for (var line = reader.ReadLine(); line is not null && lines.Count < 2000; line = reader.ReadLine())
            {
                lines.Add(line);
            }
        }
        lines.Add("{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":\"garbage\"}}");
        var capture = Path.Combine(Path.GetTempPath(), "fillwise-catalog-errors-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllLines(capture, lines);
        try
        {
            var e = Assert.Throws<DataFormatException>(() => CatalogWriter.Convert([capture], _dir));
            Assert.Contains("nothing was written", e.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(_dir), "an empty catalog directory was left behind");
        }
        finally
        {
            File.Delete(capture);
        }
    }

    [SharedDataFact]
    public void Overlapping_writes_are_refused_with_one_sentence()
    {
        var file = TestPaths.Shared("binance-usdm", "ethusdt_20240808.gz");
        CatalogWriter.Convert([file], _dir);
        var again = Assert.Throws<DataFormatException>(() => CatalogWriter.Convert([file], _dir));
        Assert.Contains("overlapping writes are refused", again.Message, StringComparison.Ordinal);
        // Another symbol of the same day is no overlap.
        CatalogWriter.Convert([TestPaths.Shared("binance-usdm", "btcusdt_20240808.gz")], _dir);
        Assert.Equal(2, CatalogManifest.Load(_dir).Sources.Count);
        Assert.Empty(Directory.GetDirectories(_dir, ".staging-*"));
    }

    [SharedDataFact]
    public void Time_window_keeps_only_events_inside_it()
    {
        var files = Files("binance-usdm", "btcusdt_20240808.gz");
        CatalogWriter.Convert(files, _dir);
        var from = new DateTimeOffset(2024, 8, 8, 23, 56, 0, TimeSpan.Zero);
        var to = from.AddMinutes(2);
        long expected = 0, actual = 0;
        using (var gzip = new CaptureReader(files))
        {
            while (gzip.MoveNext())
            {
                expected += gzip.ReceiveTimeNs >= from.ToUnixTimeMilliseconds() * 1_000_000 && gzip.ReceiveTimeNs < to.ToUnixTimeMilliseconds() * 1_000_000 ? 1 : 0;
            }
        }
        using (var catalog = new CatalogReader(_dir, [new Symbol("BTCUSDT")], from, to))
        {
            while (catalog.MoveNext())
            {
                actual++;
            }
        }
        Assert.True(expected > 1000);
        Assert.Equal(expected, actual);
    }

    /// <summary>The README's DuckDB example, run for real: per-minute spread and trade volume over the catalog.</summary>
    [SharedDataFact]
    public void DuckDb_reads_the_catalog_and_agrees_with_the_capture()
    {
        var files = Files("binance-usdm", "btcusdt_20240808.gz");
        CatalogWriter.Convert(files, _dir);
        var query = DuckDbExample.Query(_dir);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var text = new StringBuilder();
        var volumes = new Dictionary<string, decimal>();
        text.AppendLine("minute (UTC)       | trades | volume BTC | mean spread USDT");
        while (reader.Read())
        {
            var minute = reader.GetDateTime(0).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var volume = reader.GetDecimal(2);
            volumes[minute] = volume;
            text.AppendLine(CultureInfo.InvariantCulture, $"{minute,-18} | {reader.GetInt64(1),6} | {volume,10} | {reader.GetDouble(3):F4}");
        }
        output.WriteLine(query);
        output.WriteLine(text.ToString());

        // Independently: the trade volume per minute straight from the gzip.
        var expected = new Dictionary<string, decimal>();
        using var gzip = new CaptureReader(files);
        while (gzip.MoveNext())
        {
            if (gzip.Kind == CaptureEventKind.Trade)
            {
                var minute = DateTimeOffset.FromUnixTimeMilliseconds(gzip.ReceiveTimeNs / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                expected[minute] = expected.GetValueOrDefault(minute) + gzip.Trade.Quantity.ToDecimal();
            }
        }
        Assert.Equal(expected.OrderBy(p => p.Key), volumes.Where(v => v.Value > 0).OrderBy(p => p.Key));
    }

    [SharedDataFact]
    public void A_catalog_of_another_format_version_is_refused_in_one_sentence()
    {
        var file = TestPaths.Shared("binance-usdm", "ethusdt_20240808.gz");
        CatalogWriter.Convert([file], _dir);
        var manifest = Path.Combine(_dir, CatalogFormat.ManifestName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"schema_version\": {CatalogFormat.SchemaVersion}", "\"schema_version\": 1", StringComparison.Ordinal));

        var read = Assert.Throws<DataFormatException>(() => new CatalogReader(_dir));
        var write = Assert.Throws<DataFormatException>(() => CatalogWriter.Convert([TestPaths.Shared("binance-usdm", "btcusdt_20240808.gz")], _dir));
        foreach (var message in new[] { read.Message, write.Message })
        {
            Assert.StartsWith(_dir + ": this catalog is in format version 1", message, StringComparison.Ordinal);
            Assert.Contains("re-run `fillwise data convert", message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', message);
        }
    }

    [SharedDataFact]
    public void A_damaged_file_fails_at_the_read_that_needs_it_with_one_sentence()
    {
        CatalogWriter.Convert([TestPaths.Shared("binance-usdm", "ethusdt_20240808.gz")], _dir);
        var parquet = Directory.GetFiles(_dir, "*.parquet", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(parquet);
        Array.Fill(bytes, (byte)0x5A, 4, bytes.Length / 2); // header and footer intact, the pages garbage
        File.WriteAllBytes(parquet, bytes);

        using var reader = new CatalogReader(_dir);
        // The decoding thread hits the damage; the reader re-throws it where it asks for the events.
        var error = Assert.Throws<DataFormatException>(() =>
        {
            while (reader.MoveNext())
            {
            }
        });
        Assert.StartsWith(parquet, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        var again = Task.Run(() => Assert.Throws<DataFormatException>(() => reader.MoveNext()));
        Assert.True(again.Wait(TimeSpan.FromSeconds(30)), "Asking again after the failure waited for ever.");
        Assert.Equal(error.Message, again.Result.Message);

        // Disposed before asking: the decoding thread, holding the failure, must not block the disposal.
        var unread = new CatalogReader(_dir);
        Thread.Sleep(200);
        Assert.True(Task.Run(unread.Dispose).Wait(TimeSpan.FromSeconds(30)), "Dispose of an unread damaged catalog did not return.");
    }

    [SharedDataFact]
    public void Lz4_and_uncompressed_catalogs_hold_the_same_events_and_lz4_is_smaller()
    {
        var files = Files("binance-usdm", "btcusdt_20240808.gz");
        var plain = Path.Combine(_dir, "plain");
        var lz4 = Path.Combine(_dir, "lz4");
        CatalogWriter.Convert(files, plain);
        CatalogWriter.Convert(files, lz4, compression: CatalogCompression.Lz4);
        long Bytes(string dir) => Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"uncompressed {Bytes(plain):N0} B, lz4 {Bytes(lz4):N0} B");
        Assert.True(Bytes(lz4) * 2 < Bytes(plain));

        using var a = new CatalogReader(plain);
        using var b = new CatalogReader(lz4);
        long events = 0, levels = 0;
        while (a.MoveNext())
        {
            Assert.True(b.MoveNext());
            Assert.Equal((a.Kind, a.ReceiveTimeNs, a.EventTimeMs, a.TransactTimeMs, a.UpdateIds, a.TopOfBook, a.Trade),
                (b.Kind, b.ReceiveTimeNs, b.EventTimeMs, b.TransactTimeMs, b.UpdateIds, b.TopOfBook, b.Trade));
            Assert.True(a.Bids.SequenceEqual(b.Bids) && a.Asks.SequenceEqual(b.Asks), $"event {events}: the levels differ");
            levels += a.Bids.Length + a.Asks.Length;
            events++;
        }
        Assert.False(b.MoveNext());
        Assert.Equal(93_954, events);
        Assert.True(levels > 400_000);
    }

    [SharedDataFact]
    public void Disposing_a_reader_mid_stream_stops_its_decoding_thread()
    {
        CatalogWriter.Convert([TestPaths.Shared("binance-usdm", "btcusdt_20240808.gz")], _dir);
        for (var take = 0; take < 3; take++)
        {
            var reader = new CatalogReader(_dir);
            for (var i = 0; i < take * 40_000 && reader.MoveNext(); i++)
            {
            }
            var dispose = Task.Run(reader.Dispose);
            Assert.True(dispose.Wait(TimeSpan.FromSeconds(30)), $"Dispose after {take * 40_000} events did not return: the decoding thread is stuck.");
        }
    }

    private static Market MarketOf(string dir) => dir switch { "binance-spot" => Market.Spot, "binance-coinm" => Market.CoinM, _ => Market.UsdM };

    private static List<Level> Levels(BookSide side) => Enumerable.Range(0, side.Count).Select(i => side[i]).ToList();
}

/// <summary>The query shown in the README.</summary>
internal static class DuckDbExample
{
    public static string Query(string catalog) => $"""
        SELECT date_trunc('minute', make_timestamp(receive_ns // 1000)) AS minute,
               count(*) FILTER (WHERE kind = 4)                                   AS trades,
               coalesce(sum(size) FILTER (WHERE kind = 4), 0) * 0.001             AS volume_btc,   -- size_increment 0.001
               avg(ask_price - price) FILTER (WHERE kind = 3) * 0.1               AS mean_spread   -- price_increment 0.1
        FROM read_parquet('{catalog}/venue=binance/market=usdm/symbol=BTCUSDT/*/*.parquet', hive_partitioning = true)
        GROUP BY minute
        ORDER BY minute
        """;
}
