using Fillwise.Core;

namespace Fillwise.Core.Tests;

public sealed class SymbolFiltersTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));

    [Fact]
    public void Built_in_table_has_the_sixteen_symbols_with_Binance_values()
    {
        string[] expected = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "BNBUSDT", "BCHUSDT", "LINKUSDT", "LTCUSDT", "XLMUSDT", "SUIUSDT", "AVAXUSDT", "ENAUSDT", "ETCUSDT", "LAYERUSDT", "XMRUSDT", "BTCUSD_PERP", "ETHUSD_PERP"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), SymbolCatalog.Default.Symbols.Select(s => s.Value).Order(StringComparer.Ordinal));
        Assert.Equal((0.1m, 0.001m, 100m), (Btc.TickSize, Btc.StepSize, Btc.MinNotional));
    }

    [Theory]
    [InlineData("63943.9", true, 639_439L)]
    [InlineData("63943.95", false, 0L)]
    public void Prices_become_ticks_only_when_on_the_grid(string price, bool ok, long ticks)
    {
        var parsed = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ok, Btc.TryToTicks(parsed, out var t));
        if (ok)
        {
            Assert.Equal(ticks, t);
            Assert.Equal(parsed, Btc.TicksToPrice(t));
        }
    }

    [Fact]
    public void Quantities_floor_to_whole_lots_and_min_notional_is_checked()
    {
        Assert.Equal(12, Btc.FloorLots(0.0129m));
        Assert.True(Btc.TryToLots(0.012m, out var lots));
        Assert.Equal(0.012m, Btc.LotsToQuantity(lots));
        Assert.False(Btc.MeetsMinNotional(600_000, 1)); // 60000 x 0.001 = 60 < 100
        Assert.True(Btc.MeetsMinNotional(600_000, 2));  // 120 >= 100
    }

    [Fact]
    public void Passive_rounding_never_makes_a_limit_more_aggressive()
    {
        Assert.Equal(639_439L, Btc.PassiveTicks(63943.99m, Side.Buy));
        Assert.Equal(639_440L, Btc.PassiveTicks(63943.91m, Side.Sell));
    }

    [Fact]
    public void User_files_override_and_extend_the_table()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"symbols":[{"symbol":"BTCUSDT","tickSize":"1","stepSize":"0.01","minNotional":5},{"symbol":"DOGEUSDT","tickSize":"0.00001","stepSize":"1","minNotional":"5"}]}""");
            var catalog = SymbolCatalog.WithOverrides([path]);
            Assert.Equal(1m, catalog.Get(new Symbol("BTCUSDT")).TickSize);
            Assert.True(catalog.TryGet(new Symbol("DOGEUSDT"), out _));
            Assert.True(catalog.TryGet(new Symbol("ETHUSDT"), out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"symbols":[{"symbol":"btc","tickSize":"1","stepSize":"1","minNotional":"1"}]}""", "\"symbol\" must be upper-case")]
    [InlineData("""{"symbols":[{"symbol":"BTCUSDT","tickSize":"0","stepSize":"1","minNotional":"1"}]}""", "tick size must be positive")]
    [InlineData("""{"symbols":[{"symbol":"BTCUSDT","stepSize":"1","minNotional":"1"}]}""", "\"tickSize\" must be a decimal number")]
    [InlineData("""{"nope":1}""", "expected an object with a \"symbols\" array")]
    [InlineData("""{"symbols":[{"symbol":"BTCUSDT","tickSize":"1","stepSize":"1","minNotional":"1","makerfee":"0.0001"}]}""", "symbols[0]: unknown key \"makerfee\" (expected \"symbol\", \"market\"")]
    [InlineData("""{"symbols":["BTCUSDT"]}""", "symbols[0]: expected an object like")]
    [InlineData("""{"symbols":[""", "not valid JSON")]
    public void Bad_symbol_files_name_the_problem(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => SymbolCatalog.Parse(json, "my.json"));
        Assert.StartsWith("my.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
