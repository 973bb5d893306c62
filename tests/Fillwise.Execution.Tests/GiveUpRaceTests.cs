using Fillwise.Core;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Signals;

namespace Fillwise.Execution.Tests;

/// <summary>
/// The give-up distance against the venue's answers in flight, played by hand in the order a venue sends them: one
/// static parent (maker-first at the touch, 60 s timeout, give up at 2 bps) on generated BTCUSDT quotes. Only an
/// acknowledged leg is given up; whatever arrives after the give-up, the remainder ends taker and is never posted again.
/// </summary>
public sealed class GiveUpRaceTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private static readonly long T0 = 1_722_000_000L * 1_000_000_000;
    private const decimal Bid = 60_000m;

    private readonly RecordingVenue _venue = new();
    private readonly MemoryTelemetry _telemetry = new();
    private Executor _executor = null!;

    private static MarketUpdate Quote(long timeNs, decimal bid) =>
        new(Btc.Symbol, MarketUpdateKind.Book, timeNs, true, Fixed8.FromDecimal(bid), Fixed8.FromDecimal(2m), Fixed8.FromDecimal(bid + 0.1m), Fixed8.FromDecimal(2m), default, default, Side.Buy, default);

    /// <summary>The parent arrives on the first quote and its maker leg is posted; returns that leg.</summary>
    private OrderRequest Start(Side side, int pegReprices = 0)
    {
        var options = new ExecutorOptions { Router = new RouterOptions { StaticMakerTimeout = TimeSpan.FromSeconds(60), StaticGiveUpBps = 2, StaticPegReprices = pegReprices } };
        _executor = new Executor(_venue, SymbolCatalog.Default, options, ExecutionPolicies.Create("static", options), _telemetry, new OneParent(side, 5_000m));
        Market(T0, Bid);
        return Assert.Single(_venue.Submitted, o => o.Type == OrderType.PostOnly);
    }

    private void Market(long timeNs, decimal bid)
    {
        _venue.NowNs = timeNs;
        _executor.OnMarket(Quote(timeNs, bid));
    }

    /// <summary>The touch on the parent's side runs 2 bps away from where it stood at arrival (and a little more).</summary>
    private void RunAway(Side side, long timeNs) => Market(timeNs, side == Side.Buy ? Bid * 1.00021m : Bid * 0.99979m);

    private void Answer(OrderEventKind kind, in OrderRequest order, long timeNs, VenueReject reject = default, Fill fill = default)
    {
        _venue.NowNs = timeNs;
        _executor.OnOrderEvent(new OrderEvent(kind, order.ClientOrderId, order.Symbol, order.Side, timeNs, fill, reject, order.Quantity, false));
    }

    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void ALegOnItsWayIsNotGivenUpAndItsRepostAfterAPostOnlyRejectIsGivenUpOnceAcknowledged(Side side)
    {
        var maker = Start(side);
        // The touch runs away while the leg is still on its way: a cancel now could overtake it, so nothing is sent.
        RunAway(side, T0 + 2_000_000);
        Assert.Empty(_venue.Cancelled);
        // The market came back through the leg's price before it arrived: the venue refuses it (-5022), and it is posted again.
        Answer(OrderEventKind.Rejected, maker, T0 + 20_000_000, RejectCodes.PostOnlyWouldTake);
        var repost = _venue.Submitted[^1];
        Assert.Equal(OrderType.PostOnly, repost.Type);
        // Acknowledged, with the touch still past the give-up distance: the next quote gives it up, its Canceled takes.
        Answer(OrderEventKind.Accepted, repost, T0 + 40_000_000);
        RunAway(side, T0 + 41_000_000);
        Assert.Equal([repost.ClientOrderId], _venue.Cancelled);
        Answer(OrderEventKind.Canceled, repost, T0 + 60_000_000);
        var taker = Assert.Single(_venue.Submitted, o => o.Type == OrderType.Market);
        Assert.Equal(maker.Quantity, taker.Quantity);
    }

    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void APostOnlyRejectOfARepostWhoseTimeoutCancelFollowsItSendsTheRemainderTaker(Side side)
    {
        var maker = Start(side, pegReprices: 5);
        // The peg re-posts just before the 60 s deadline; the deadline passes while the re-post is on its way.
        var deadline = T0 + 60_000_000_000;
        Market(deadline - 5_000_000, side == Side.Buy ? Bid + 0.1m : Bid - 0.1m);
        Answer(OrderEventKind.Canceled, maker, deadline - 2_000_000);
        var repost = _venue.Submitted[^1];
        Assert.Equal(OrderType.PostOnly, repost.Type);
        var timeout = _venue.Timers.Last(t => t.DueNs == deadline);
        _venue.NowNs = deadline;
        _executor.OnTimer(timeout.Token);
        Assert.Equal([maker.ClientOrderId, repost.ClientOrderId], _venue.Cancelled);
        Answer(OrderEventKind.Rejected, repost, deadline + 8_000_000, RejectCodes.PostOnlyWouldTake);
        var sent = _venue.Submitted.Skip(2).ToList();
        Assert.True(sent.Count == 1 && sent[0].Type == OrderType.Market, $"after the timeout: {string.Join(", ", sent.Select(o => o.Type))}");
    }

    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void AGiveUpWhileAPegRepostsCancelIsInFlightTakesOnItsCanceled(Side side)
    {
        var maker = Start(side, pegReprices: 5);
        Answer(OrderEventKind.Accepted, maker, T0 + 500_000);
        // One tick away: the peg cancels to re-post at the new touch.
        Market(T0 + 1_000_000, side == Side.Buy ? Bid + 0.1m : Bid - 0.1m);
        Assert.Equal([maker.ClientOrderId], _venue.Cancelled);
        // Then the give-up distance, before the cancel is answered: no second cancel, and the re-post is off.
        RunAway(side, T0 + 2_000_000);
        Assert.Equal([maker.ClientOrderId], _venue.Cancelled);
        Answer(OrderEventKind.Canceled, maker, T0 + 20_000_000);
        var sent = _venue.Submitted.Skip(1).ToList();
        Assert.True(sent.Count == 1 && sent[0].Type == OrderType.Market, $"after the give-up: {string.Join(", ", sent.Select(o => o.Type))}");
    }

    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void AFillBeforeTheGiveUpCancelArrivesStandsAndOnlyTheRestIsTaken(Side side)
    {
        var maker = Start(side);
        Answer(OrderEventKind.Accepted, maker, T0 + 1_000_000);
        RunAway(side, T0 + 2_000_000);
        var part = new Fixed8(maker.Quantity.Raw / 2);
        Answer(OrderEventKind.Filled, maker, T0 + 3_000_000, fill: new Fill(1, maker.Price, part, Liquidity.Maker, 0.0002m, 0.01m, new Fixed8(maker.Quantity.Raw - part.Raw)));
        Answer(OrderEventKind.Canceled, maker, T0 + 20_000_000);
        var taker = Assert.Single(_venue.Submitted, o => o.Type == OrderType.Market);
        Assert.Equal(maker.Quantity.Raw - part.Raw, taker.Quantity.Raw);
        Assert.Single(_venue.Cancelled);
    }
}
