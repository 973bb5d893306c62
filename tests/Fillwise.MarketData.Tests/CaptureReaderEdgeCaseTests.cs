using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Inspection;
using Fillwise.TestData;

namespace Fillwise.MarketData.Tests;

/// <summary>Hand-written (not market) lines for the reader's error paths.</summary>
public sealed class CaptureReaderEdgeCaseTests
{
    private const string Depth = """{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1721347022504,"T":1721347022504,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["63939.80","0.100"]],"a":[["63947.40","0.109"]]}}""";
    private const string Ticker = """{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":12,"s":"BTCUSDT","b":"63939.80","B":"0.100","a":"63947.40","A":"0.109","T":1721347022507,"E":1721347022507}}""";
    private const string Trade = """{"stream":"btcusdt@trade","data":{"e":"trade","E":1721347022510,"T":1721347022509,"s":"BTCUSDT","t":5,"p":"63940.00","q":"0.002","X":"MARKET","m":true}}""";
    private const string MarkPrice = """{"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate","E":1721347022510,"s":"BTCUSDT","p":"63940.1"}}""";

    private static CaptureStats ReadAll(string text, string name = "btcusdt_test.txt")
    {
        using var file = TempFile.WithText(text, name);
        using var reader = new CaptureReader([file.Path]);
        while (reader.MoveNext())
        {
        }
        return reader.Stats;
    }

    [Theory]
    [InlineData("1721347020", TimestampUnit.Seconds)]
    [InlineData("1721347020984", TimestampUnit.Milliseconds)]
    [InlineData("1721347020984480", TimestampUnit.Microseconds)]
    [InlineData("1721347020984480942", TimestampUnit.Nanoseconds)]
    public void Receive_timestamp_unit_is_detected_by_magnitude(string timestamp, TimestampUnit unit)
    {
        using var file = TempFile.WithText($"{timestamp} {Trade}\n");
        using var reader = new CaptureReader([file.Path]);
        Assert.True(reader.MoveNext());
        Assert.Equal(unit, reader.Stats.TimestampUnit);
        Assert.Equal(1721347020L, reader.ReceiveTimeNs / 1_000_000_000);
    }

    [Fact]
    public void Reads_every_event_type_and_skips_unknown_ones_with_a_count()
    {
        var stats = ReadAll($"1 {Depth}\n".Replace("1 ", "1721347020984480942 ", StringComparison.Ordinal)
            + $"1721347020984480943 {Ticker}\n1721347020984480944 {Trade}\n1721347020984480945 {MarkPrice}\n1721347020984480946 {MarkPrice}\n");
        Assert.Equal((1, 1, 1), (stats.DepthUpdates, stats.BookTickers, stats.Trades));
        Assert.Equal(2, stats.Skipped["markPriceUpdate"]);
        Assert.Equal(0, stats.ErrorCount);
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        var reordered = """{"data":{"a":[["2.5","1"]],"b":[],"pu":1,"u":3,"U":2,"s":"ETHUSDT","e":"depthUpdate"},"stream":"x"}""";
        using var file = TempFile.WithText($"1721347020984 {reordered}\n");
        using var reader = new CaptureReader([file.Path]);
        Assert.True(reader.MoveNext());
        Assert.Equal(CaptureEventKind.DepthUpdate, reader.Kind);
        Assert.Equal("ETHUSDT", reader.Symbol.Value);
        Assert.Equal(new UpdateIds(2, 3, 1), reader.UpdateIds);
        Assert.Equal("2.5", reader.Asks[0].Price.ToString());
    }

    [Theory]
    [InlineData("no-timestamp-here", "expected '<receive-timestamp> <json>'")]
    [InlineData("1721347020984480942 {\"stream\":", "invalid JSON")]
    [InlineData("1721347020984480942 [1,2]", "expected a JSON object")]
    [InlineData("1721347020984480942 {\"foo\":1}", "expected a combined-stream message")]
    [InlineData("1721347020984480942 {\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":1,\"p\":\"1e5\",\"q\":\"1\",\"m\":true}}", "\"p\" must be a decimal string")]
    [InlineData("1721347020984480942 {\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":1,\"p\":\"-5\",\"q\":\"1\",\"m\":true}}", "\"p\" must be a decimal string")]
    [InlineData("1721347020984480942 {\"data\":{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"U\":1,\"u\":2,\"pu\":0,\"b\":[[\"1\"]],\"a\":[]}}", "\"b\" level 1: expected [\"price\", \"quantity\"]")]
    [InlineData("1721347020984 " + Trade, "looks like ms but this file's timestamps are in ns")]
    [InlineData("42 " + Trade, "too small to be a Unix time")]
    public void Malformed_line_is_an_error_naming_file_line_and_expectation_and_reading_goes_on(string badLine, string expected)
    {
        var stats = ReadAll($"1721347020984480942 {Trade}\n{badLine}\n1721347020984480950 {Trade}\n");
        var error = Assert.Single(stats.Errors);
        Assert.Equal(2, error.Line);
        Assert.EndsWith("btcusdt_test.txt", error.File, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, stats.Trades);
    }

    [Fact]
    public void A_futures_diff_without_pu_is_an_error_where_a_spot_diff_is_not()
    {
        const string noPu = """{"stream":"btcusdt@depth","data":{"e":"depthUpdate","s":"BTCUSDT","U":13,"u":14,"b":[],"a":[]}}""";
        // The first diff carries "pu": the file is recognised as USDⓈ-M, where "pu" is required.
        var futures = ReadAll($"1721347020984480942 {Depth}\n1721347020984480943 {noPu}\n");
        var error = Assert.Single(futures.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("depthUpdate without \"pu\"", error.Message, StringComparison.Ordinal);
        // The first diff has none: a spot file, whose chain is U = previous u + 1.
        var spot = ReadAll($"1721347020984480943 {noPu}\n");
        Assert.Equal((0L, 1L), (spot.ErrorCount, spot.DepthUpdates));
    }

    [Theory]
    [InlineData("""{"stream":"x","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1.5","q":"2","b":88,"a":99,"T":1,"m":true,"M":true}}""", CaptureEventKind.Trade)]
    [InlineData("""{"stream":"ethusdt@bookTicker","data":{"u":35,"s":"ETHUSDT","b":"2683.80000000","B":"3.0292","a":"2683.81","A":"31.4395"}}""", CaptureEventKind.BookTicker)]
    [InlineData("""{"stream":"x","data":{"e":"trade","E":1,"s":"ETHUSD_PERP","ps":"ETHUSD","t":1,"p":"1.5","q":"2","m":false}}""", CaptureEventKind.Trade)]
    [InlineData(""" { "stream" : "x", "data" : { "e" : "trade", "E" : 1, "s" : "BTCUSDT", "t" : 1, "p" : "1.5", "q" : "2", "m" : true } } """, CaptureEventKind.Trade)]
    [InlineData("""{"stream":"x","data":{"e":"trade","E":1,"z":1.5e3,"s":"BTCUSDT","t":1,"p":"1.5","q":"2","m":true,"x":{"y":[1]}}}""", CaptureEventKind.Trade)]
    public void Spot_and_coinm_shapes_and_unusual_but_valid_json_are_read(string json, CaptureEventKind kind)
    {
        using var file = TempFile.WithText($"1721347020984480942 {json}\n");
        using var reader = new CaptureReader([file.Path]);
        Assert.True(reader.MoveNext());
        Assert.Equal(kind, reader.Kind);
        Assert.Equal(0, reader.Stats.ErrorCount);
    }

    [Fact]
    public void Truncated_final_line_is_a_warning_not_an_error()
    {
        var stats = ReadAll($"1721347020984480942 {Trade}\n1721347020984480950 {Trade[..40]}");
        Assert.Equal(0, stats.ErrorCount);
        var warning = Assert.Single(stats.Warnings);
        Assert.Equal(2, warning.Line);
        Assert.Contains("truncated final line", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_keeps_the_lines_before_the_cut_and_warns()
    {
        var lines = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{1721347020984480942 + i} {Trade}\n"));
        using var whole = TempFile.WithText(lines, "btcusdt_whole.gz", gzip: true);
        var bytes = File.ReadAllBytes(whole.Path);
        using var cut = TempFile.WithBytes(bytes[..(bytes.Length * 2 / 3)], "btcusdt_cut.gz");
        using var reader = new CaptureReader([cut.Path]);
        while (reader.MoveNext())
        {
        }
        Assert.InRange(reader.Stats.Trades, 1, 1999);
        Assert.True(reader.Stats.WarningCount >= 1);
        Assert.Equal(0, reader.Stats.ErrorCount);
    }

    [Fact]
    public void Missing_file_is_one_clear_sentence()
    {
        var e = Assert.Throws<DataFormatException>(() => ReadAllFrom("/nonexistent/capture.gz"));
        Assert.Equal("/nonexistent/capture.gz: no such file (its directory does not exist).", e.Message);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var stats = ReadAll(string.Empty);
        Assert.Contains("empty", Assert.Single(stats.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_takes_the_symbol_of_the_stream_it_sits_in()
    {
        const string snapshot = """{"lastUpdateId":11,"E":1,"T":1,"bids":[["100.0","1.000"]],"asks":[["101.0","2.000"]]}""";
        var inspection = InspectText($"1721347020984480940 {Depth.Replace("\"U\":10", "\"U\":11", StringComparison.Ordinal)}\n1721347020984480941 {snapshot}\n", "capture.txt");
        var book = Assert.Single(inspection.Books);
        Assert.Equal("BTCUSDT", book.Symbol.Value);
        Assert.True(book.Synced);
    }

    [Fact]
    public void Snapshot_with_no_way_to_know_its_symbol_is_an_error()
    {
        const string snapshot = """{"lastUpdateId":11,"E":1,"T":1,"bids":[],"asks":[]}""";
        var stats = ReadAll($"1721347020984480941 {snapshot}\n", "capture.txt");
        Assert.Contains("cannot tell which book", Assert.Single(stats.Errors).Message, StringComparison.Ordinal);
    }

    private static CaptureInspection InspectText(string text, string name)
    {
        using var file = TempFile.WithText(text, name);
        return CaptureInspection.Run([file.Path]);
    }

    private static void ReadAllFrom(string path)
    {
        using var reader = new CaptureReader([path]);
        while (reader.MoveNext())
        {
        }
    }
}
