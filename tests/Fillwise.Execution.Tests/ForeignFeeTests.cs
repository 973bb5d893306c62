using Fillwise.Core;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Signals;

namespace Fillwise.Execution.Tests;

/// <summary>
/// A fill whose fee the venue could not value in quote currency (Binance's BNB fee discount) is charged at the rate the
/// executor plans with, never as free; a fee in quote currency stands as the venue reported it. Generated BTCUSDT quotes.
/// </summary>
public sealed class ForeignFeeTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private static readonly long T0 = 1_722_000_000L * 1_000_000_000;

    [Theory]
    [InlineData(false, 0.0002)]
    [InlineData(true, 0.0001)]
    public void AFeeTheVenueCouldNotValueIsChargedAtThePlannedMakerRate(bool inQuote, double expectedRate)
    {
        var venue = new RecordingVenue { NowNs = T0 };
        var telemetry = new MemoryTelemetry();
        var options = new ExecutorOptions();
        var executor = new Executor(venue, SymbolCatalog.Default, options, ExecutionPolicies.Create("static", options), telemetry, new OneParent(Side.Buy, 5_000m));
        executor.OnMarket(new MarketUpdate(Btc.Symbol, MarketUpdateKind.Book, T0, true, Fixed8.FromDecimal(60_000m), Fixed8.FromDecimal(2m), Fixed8.FromDecimal(60_000.1m), Fixed8.FromDecimal(2m), default, default, Side.Buy, default));
        var maker = Assert.Single(venue.Submitted);
        var notional = maker.Price.ToDecimal() * maker.Quantity.ToDecimal();
        // In quote currency the venue's own amount (here half the planned rate) stands; in BNB it reports nothing usable.
        var fill = inQuote
            ? new Fill(1, maker.Price, maker.Quantity, Liquidity.Maker, 0.0001m, notional * 0.0001m, default)
            : new Fill(1, maker.Price, maker.Quantity, Liquidity.Maker, 0m, 0m, default, FeeInQuote: false);
        venue.NowNs = T0 + 1_000_000;
        executor.OnOrderEvent(new OrderEvent(OrderEventKind.Accepted, maker.ClientOrderId, maker.Symbol, maker.Side, venue.NowNs, default, default, maker.Quantity, false));
        executor.OnOrderEvent(new OrderEvent(OrderEventKind.Filled, maker.ClientOrderId, maker.Symbol, maker.Side, venue.NowNs, fill, default, maker.Quantity, false));
        Assert.Equal(notional * (decimal)expectedRate, Assert.Single(telemetry.Fills).Fee);
        Assert.Equal(expectedRate * 10_000, Assert.Single(telemetry.Results).FeesBps, 9);
    }
}
