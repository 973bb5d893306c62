using System.Text;
using Fillwise.MarketData.Klines;
using Fillwise.TestData;

namespace Fillwise.MarketData.Tests;

public sealed class KlineReaderTests
{
    [Fact]
    public void Every_bad_row_is_counted_the_first_hundred_listed_and_the_rest_said()
    {
        var text = new StringBuilder("open_time,open,high,low,close,volume\n");
        for (var i = 0; i < 250; i++)
        {
            text.Append(1746372780000 + (i * 60_000)).Append(i % 2 == 0 ? ",1,1,1,1,1\n" : ",1,x,1,1,1\n");
        }
        using var file = TempFile.WithText(text.ToString(), "BTCUSDT-1m.csv", gzip: true);
        var series = KlineFile.Scan(file.Path);
        Assert.Equal(125, series.BarCount);
        Assert.Equal(125, series.ErrorCount);
        Assert.Equal(KlineReader.MaxListedErrors, series.Errors.Count);
        Assert.Equal(3, series.Errors[0].Line);
        Assert.Contains(series.Warnings, w => w.Message == "25 more errors not listed");
        // Every other minute is left out: each good bar is a 1-bar gap after the previous one, at the most common step of 2 minutes.
        Assert.Equal(120_000, series.IntervalMs);
        Assert.Equal(0, series.Gaps);
    }

    [Fact]
    public void A_byte_order_mark_does_not_hide_the_first_row()
    {
        using var file = TempFile.WithBytes([0xEF, 0xBB, 0xBF, .. "1746372780000,1,1,1,1,1\n1746372840000,1,1,1,1,1\n"u8], "BTCUSDT-1m.csv");
        var series = KlineFile.Scan(file.Path);
        Assert.Empty(series.Errors);
        Assert.Equal(2, series.BarCount);
        Assert.Equal(1746372780000, series.FirstOpenTimeMs);
        Assert.Equal(1746372840000, series.LastOpenTimeMs);
    }

    [Fact]
    public void Streaming_the_bars_again_gives_what_the_scan_counted()
    {
        var series = KlineFile.Scan(TestPaths.SampleKlines("ETHUSDT-1m.csv.gz"));
        long count = 0;
        long previous = 0;
        foreach (var bar in series.ReadBars())
        {
            Assert.True(bar.OpenTimeMs > previous);
            previous = bar.OpenTimeMs;
            count++;
        }
        Assert.Equal(series.BarCount, count);
        Assert.Equal(series.LastOpenTimeMs, previous);
    }

    [Fact]
    public void Time_shifted_copies_keep_every_price_and_are_gaps_between_copies()
    {
        var source = TestPaths.SampleKlines("BTCUSDT-1m.csv.gz");
        using var file = TempFile.WithText(string.Empty, "BTCUSDT-1m.csv.gz");
        TimeShiftedKlines.Write(source, file.Path, copies: 3);
        var original = KlineFile.Scan(source);
        var shifted = KlineFile.Scan(file.Path);

        Assert.Equal(3 * original.BarCount, shifted.BarCount);
        Assert.Equal(original.LastOpenTimeMs + (2 * TimeShiftedKlines.ShiftMs), shifted.LastOpenTimeMs);
        Assert.Equal(2, shifted.Gaps);
        Assert.Equal(original.IntervalMs, shifted.IntervalMs);
        var bars = original.ReadBars().ToList();
        var copy = 0;
        var i = 0;
        foreach (var bar in shifted.ReadBars())
        {
            var real = bars[i];
            Assert.Equal(real with { OpenTimeMs = real.OpenTimeMs + (copy * TimeShiftedKlines.ShiftMs) }, bar);
            if (++i == bars.Count)
            {
                (i, copy) = (0, copy + 1);
            }
        }
    }
}

public sealed class KlineReaderNumberTests
{
    /// <summary>The fast path for plain decimals must give exactly what decimal.Parse gives, scale (trailing zeros) included.</summary>
    [Theory]
    [InlineData("95505.4")]
    [InlineData("1.50")]
    [InlineData("0.000")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("00012")]
    [InlineData("123456789012345678")]
    [InlineData("1234567890123456789.5")]
    [InlineData("1e3")]
    [InlineData("0.00000001")]
    public void Prices_parse_to_the_same_decimal_as_decimal_Parse(string number)
    {
        using var file = TempFile.WithText($"1746372780000,{number},{number},{number},{number},{number}\n", "BTCUSDT-1m.csv");
        var bar = Assert.Single(KlineFile.Scan(file.Path).ReadBars());
        var expected = decimal.Parse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var value in new[] { bar.Open, bar.High, bar.Low, bar.Close, bar.Volume })
        {
            Assert.Equal(decimal.GetBits(expected), decimal.GetBits(value));
        }
    }
}
