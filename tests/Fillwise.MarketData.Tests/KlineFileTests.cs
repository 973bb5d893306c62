using Fillwise.Core;
using Fillwise.MarketData.Klines;
using Fillwise.TestData;

namespace Fillwise.MarketData.Tests;

public sealed class KlineFileTests
{
    [Fact]
    public void Sample_klines_load_gap_free()
    {
        var series = KlineFile.Scan(TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"));
        Assert.Equal(new Symbol("BTCUSDT"), series.Symbol);
        Assert.Equal("1m", series.IntervalName);
        Assert.Equal(43_199, series.BarCount);
        Assert.Equal(0, series.Gaps);
        Assert.Empty(series.Errors);
        // First data row of the file, read by eye: 1746372780000,95505.4,95505.5,95502.7,95502.7,16.536
        Assert.Equal(new Kline(new Symbol("BTCUSDT"), 1746372780000, 95505.4m, 95505.5m, 95502.7m, 95502.7m, 16.536m), series.ReadBars().First());
    }

    [SharedDataFact]
    public void Every_shared_kline_file_loads_without_errors_or_gaps()
    {
        foreach (var path in KlineFile.Expand([TestPaths.Shared("klines-1m")]))
        {
            var series = KlineFile.Scan(path);
            Assert.Empty(series.Errors);
            Assert.Equal(0, series.Gaps);
            Assert.Equal(60_000, series.IntervalMs);
            Assert.True(series.BarCount >= 43_199, $"{path}: {series.BarCount} bars");
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Accepts_6_and_12_columns_with_or_without_header_plain_or_gzip(bool header, bool gzip)
    {
        var text = (header ? "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n" : string.Empty)
            + "1746372780000,10.0,11.0,9.5,10.5,100,1746372839999,1000,12,50,500,0\n"
            + "1746372840000,10.5,10.6,10.4,10.4,50\n";
        using var file = TempFile.WithText(text, "ETHUSDT-1m-2025-05.csv", gzip);
        var series = KlineFile.Scan(file.Path);
        Assert.Empty(series.Errors);
        Assert.Equal(2, series.BarCount);
        Assert.Equal(new Symbol("ETHUSDT"), series.Symbol);
    }

    [Fact]
    public void Gaps_are_counted_with_the_bars_they_miss()
    {
        var rows = new[] { 0, 1, 2, 5, 6, 10 }.Select(i => $"{1746372780000 + (i * 60_000)},1,1,1,1,1");
        using var file = TempFile.WithText(string.Join('\n', rows), "BTCUSDT-1m.csv");
        var series = KlineFile.Scan(file.Path);
        Assert.Equal(60_000, series.IntervalMs);
        Assert.Equal(2, series.Gaps);
        Assert.Equal(5, series.MissingBars);
    }

    [Theory]
    [InlineData("1746372840000,1,1,1,1", "expected 6 or 12 comma-separated columns")]
    [InlineData("abc,1,1,1,1,1", "open_time 'abc' is not an integer")]
    [InlineData("1746372840000,1,x,1,1,1", "high 'x' is not a non-negative number")]
    [InlineData("1746372840000,1,0.5,1,1,1", "inconsistent bar")]
    [InlineData("1746372780000,1,1,1,1,1", "duplicate bar")]
    [InlineData("1746372720000,1,1,1,1,1", "goes back in time")]
    public void Bad_rows_are_errors_with_file_and_line_and_are_left_out(string badRow, string expected)
    {
        using var file = TempFile.WithText($"open_time,open,high,low,close,volume\n1746372780000,1,1,1,1,1\n{badRow}\n1746372900000,1,1,1,1,1\n", "BTCUSDT-1m.csv");
        var series = KlineFile.Scan(file.Path);
        var error = Assert.Single(series.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, series.BarCount);
    }

    [Fact]
    public void A_file_that_is_not_klines_at_all_is_one_clear_sentence()
    {
        using var file = TempFile.WithText("hello,world\nfoo,bar\n", "BTCUSDT-1m.csv");
        var e = Assert.Throws<DataFormatException>(() => KlineFile.Scan(file.Path));
        Assert.Contains("no line is a kline row", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>The built-in tick sizes must fit the real prices of the month of klines.</summary>
public sealed class SymbolTableAgainstRealDataTests
{
    [SharedDataFact]
    public void Every_kline_price_sits_on_the_symbols_tick_grid()
    {
        foreach (var path in KlineFile.Expand([TestPaths.Shared("klines-1m")]))
        {
            var series = KlineFile.Scan(path);
            var filters = SymbolCatalog.Default.Get(series.Symbol!.Value);
            var prices = series.ReadBars().SelectMany(b => new[] { b.Open, b.High, b.Low, b.Close }).ToList();
            var offGrid = prices.Count(p => !filters.TryToTicks(p, out _));
            // SOLUSDT has one print of 174.733 in the source data; anything beyond a handful means a wrong tick size.
            Assert.True(offGrid <= 2, $"{series.Symbol}: {offGrid} of {prices.Count} prices are not multiples of {filters.TickSize}");
        }
    }
}
