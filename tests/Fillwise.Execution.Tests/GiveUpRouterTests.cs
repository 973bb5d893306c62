using Fillwise.Core;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Signals;

namespace Fillwise.Execution.Tests;

/// <summary>
/// The router's give-up distance against a recording venue, on generated (synthetic) quotes: a resting leg is
/// cancelled once the touch has run the distance — but only once the venue has acknowledged it, since a cancel that
/// overtakes its order would be refused as unknown and leave the order resting untracked — and its remainder is taken.
/// </summary>
public sealed class GiveUpRouterTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private static readonly long T0 = 1_722_000_000L * 1_000_000_000;

    private static MarketUpdate Quote(long timeNs, decimal bid) =>
        new(Btc.Symbol, MarketUpdateKind.Book, timeNs, true, Fixed8.FromDecimal(bid), Fixed8.FromDecimal(2m), Fixed8.FromDecimal(bid + 0.1m), Fixed8.FromDecimal(2m), default, default, Side.Buy, default);

    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void AnAcknowledgedLegIsGivenUpOnceTheTouchHasRunItsDistanceAndTheRemainderTaken(Side side)
    {
        var venue = new RecordingVenue();
        var options = new ExecutorOptions { Router = new RouterOptions { StaticMakerTimeout = TimeSpan.FromSeconds(120), StaticGiveUpBps = 2 } };
        var executor = new Executor(venue, SymbolCatalog.Default, options, ExecutionPolicies.Create("static", options), new MemoryTelemetry(), new OneParent(side, 1_000m));
        void At(long offsetNs, decimal bid)
        {
            venue.NowNs = T0 + offsetNs;
            executor.OnMarket(Quote(venue.NowNs, bid));
        }
        At(0, 60_000m);
        var maker = Assert.Single(venue.Submitted);
        Assert.Equal(OrderType.PostOnly, maker.Type);
        // 2 bps of 60,000 = 12: the market runs 1.5 bps (not yet), then 2 bps, before the venue has acknowledged the leg.
        var sign = side == Side.Buy ? 1 : -1;
        At(1_000_000, 60_000m + sign * 9m);
        At(2_000_000, 60_000m + sign * 12.1m);
        Assert.Empty(venue.Cancelled);
        executor.OnOrderEvent(new OrderEvent(OrderEventKind.Accepted, maker.ClientOrderId, Btc.Symbol, side, venue.NowNs, default, default, maker.Quantity, false));
        At(3_000_000, 60_000m + sign * 12.1m);
        Assert.Equal([maker.ClientOrderId], venue.Cancelled);
        // The cancel confirmed: the remainder goes taker at once, long before the 120 s timeout.
        executor.OnOrderEvent(new OrderEvent(OrderEventKind.Canceled, maker.ClientOrderId, Btc.Symbol, side, venue.NowNs, default, default, maker.Quantity, false));
        Assert.Equal(2, venue.Submitted.Count);
        Assert.Equal(OrderType.Market, venue.Submitted[1].Type);
        Assert.Equal(maker.Quantity, venue.Submitted[1].Quantity);
    }

    [Fact]
    public void WithoutAGiveUpDistanceTheLegWaitsForItsTimeout()
    {
        var venue = new RecordingVenue();
        var options = new ExecutorOptions { Router = new RouterOptions { StaticMakerTimeout = TimeSpan.FromSeconds(120) } };
        var executor = new Executor(venue, SymbolCatalog.Default, options, ExecutionPolicies.Create("static", options), new MemoryTelemetry(), new OneParent(Side.Buy, 1_000m));
        venue.NowNs = T0;
        executor.OnMarket(Quote(T0, 60_000m));
        var maker = Assert.Single(venue.Submitted);
        executor.OnOrderEvent(new OrderEvent(OrderEventKind.Accepted, maker.ClientOrderId, Btc.Symbol, Side.Buy, T0, default, default, maker.Quantity, false));
        venue.NowNs = T0 + 1_000_000;
        executor.OnMarket(Quote(venue.NowNs, 60_100m));
        Assert.Empty(venue.Cancelled);
    }
}
