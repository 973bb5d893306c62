using Fillwise.Core;

namespace Fillwise.Venues.Binance.Tests;

[CollectionDefinition("paper exchange", DisableParallelization = true)]
public sealed class PaperExchangeCollection;

/// <summary>The live venue and `live` sessions against the paper exchange on loopback (speed 5 over the sample capture).</summary>
[Collection("paper exchange")]
public sealed class LiveVenueTests
{
    [Fact]
    public async Task A_trading_session_stores_orders_and_exactly_the_fills_the_exchange_made()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true });
        var db = LiveHarness.TempDb("trade.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12)), db);

        Assert.False(summary.DryRun);
        Assert.True(summary.Stats.Orders >= 5, $"{summary.Stats.Orders} parents");
        Assert.True(venue.Stats.Fills > 0, "no fill");
        Assert.True(venue.Stats.MarketEvents > 1000, $"{venue.Stats.MarketEvents} market events");
        await AssertFillsMatchTheExchange(exchange, venue, db, summary.RunId);
        Assert.Equal(summary.Stats.Orders, LiveHarness.Count(db, "parents", summary.RunId));
        Assert.Empty(await exchange.OpenOrdersAsync()); // the end of the session cancels what is still working
        // Every order went out once: no client id was sent twice.
        var sends = exchange.Recorder.Sent.Where(r => r.Method == "POST" && r.Path == "/fapi/v1/order").Select(r => ClientId(r.Query)).ToList();
        Assert.Equal(sends.Count, sends.Distinct().Count());
        Assert.Equal(venue.Stats.OrdersSent, sends.Count);
    }

    [Fact]
    public async Task Signals_posted_while_the_session_runs_become_parent_orders_and_are_traded()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true });
        var db = LiveHarness.TempDb("inbox.db");
        var inbox = new Fillwise.Execution.Signals.SignalInbox([PaperExchange.Btc]);
        // Arrivals far apart: the parents of this session are the posted ones.
        var spec = LiveHarness.Arrivals(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10), policy: "taker") with { Inbox = inbox };
        var summary = await LiveHarness.RunAsync(venue, spec, db, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(inbox.TryPost(PaperExchange.Btc, Side.Buy, null, 5_000m));
            Assert.True(inbox.TryPost(PaperExchange.Btc, Side.Sell, 0.05m, null));
        });

        Assert.Equal(2, summary.Stats.Orders);
        Assert.Equal(2, summary.Stats.FilledOrders);
        using var store = Fillwise.Telemetry.TelemetryStore.Open(db);
        var sources = store.Query("SELECT source, side FROM parents WHERE run_id = $id ORDER BY parent_id", ("$id", summary.RunId));
        Assert.Equal([("dashboard", "Buy"), ("dashboard", "Sell")], sources.Select(r => ((string)r[0]!, (string)r[1]!)).ToList());
        Assert.Equal(2, exchange.Recorder.Count("POST", "/fapi/v1/order"));
    }

    [Fact]
    public async Task A_dry_run_decides_and_stores_but_sends_no_order()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions());
        var db = LiveHarness.TempDb("dry.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6)), db);

        Assert.True(summary.DryRun);
        Assert.True(summary.Stats.Orders >= 3, $"{summary.Stats.Orders} parents");
        Assert.True(LiveHarness.Count(db, "children", summary.RunId) > 0);
        Assert.Equal(0, exchange.Recorder.Count("POST", "/fapi/v1/order"));
        Assert.Equal(0, exchange.Recorder.Count("DELETE", "/fapi/v1/order"));
        Assert.Equal(0, exchange.Recorder.Count("POST", "/fapi/v1/listenKey"));
        Assert.Equal(0, venue.Stats.OrdersSent);
        Assert.Empty(await exchange.TradesAsync());
        Assert.Empty(await exchange.OpenOrdersAsync());
    }

    [Fact]
    public async Task Order_lifecycle_post_only_reject_cancel_and_a_market_order_in_several_fills()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true });
        var listener = new RecordingListener();
        venue.Attach(listener);
        await venue.StartAsync(default);
        Assert.True(LiveHarness.StepUntil(venue, () => venue.UserStreamReady && venue.BookIsValid(PaperExchange.Btc) && listener.LastQuote.HasTwoSidedQuote, TimeSpan.FromSeconds(10)), "no quote / user stream");
        var filters = venue.Catalog.Get(PaperExchange.Btc);
        var quote = listener.LastQuote;
        var qty = Fixed8.FromDecimal(0.01m);

        // GTX at the ask would take: -5022.
        venue.Submit(new OrderRequest(1001, PaperExchange.Btc, Side.Buy, OrderType.PostOnly, qty, quote.AskPrice));
        Assert.True(LiveHarness.StepUntil(venue, () => listener.Events.Any(e => e.ClientOrderId == 1001), TimeSpan.FromSeconds(5)));
        var reject = Assert.Single(listener.Events, e => e.ClientOrderId == 1001);
        Assert.Equal((OrderEventKind.Rejected, -5022), (reject.Kind, reject.Reject.Code));

        // GTC far below the bid rests; a cancel takes it off with its whole quantity.
        var far = Fixed8.FromDecimal(quote.BidPrice.ToDecimal() - 200 * filters.TickSize);
        venue.Submit(new OrderRequest(1002, PaperExchange.Btc, Side.Buy, OrderType.Limit, qty, far));
        Assert.True(LiveHarness.StepUntil(venue, () => listener.Events.Any(e => e.ClientOrderId == 1002 && e.Kind == OrderEventKind.Accepted), TimeSpan.FromSeconds(5)));
        Assert.Equal(1, venue.WorkingOrders);
        venue.Cancel(PaperExchange.Btc, 1002);
        Assert.True(LiveHarness.StepUntil(venue, () => listener.Events.Any(e => e.ClientOrderId == 1002 && e.Kind == OrderEventKind.Canceled), TimeSpan.FromSeconds(5)));
        Assert.Equal(qty, listener.Events.Single(e => e.ClientOrderId == 1002 && e.Kind == OrderEventKind.Canceled).Quantity);
        venue.Cancel(PaperExchange.Btc, 1002);
        Assert.True(LiveHarness.StepUntil(venue, () => listener.Events.Any(e => e.ClientOrderId == 1002 && e.Kind == OrderEventKind.CancelRejected), TimeSpan.FromSeconds(5)));

        // A market order bigger than the best level: several partial fills, leaves counting down to zero.
        var big = Fixed8.FromDecimal(Math.Ceiling((venue.DepthQuantity(PaperExchange.Btc, Side.Sell, 3) + 0.5m) / filters.StepSize) * filters.StepSize);
        venue.Submit(new OrderRequest(1003, PaperExchange.Btc, Side.Buy, OrderType.Market, big, default));
        Assert.True(LiveHarness.StepUntil(venue, () => listener.Events.Where(e => e.ClientOrderId == 1003 && e.Kind == OrderEventKind.Filled).Sum(e => e.Fill.Quantity.Raw) == big.Raw
            || listener.Events.Any(e => e.ClientOrderId == 1003 && e.Kind is OrderEventKind.Expired or OrderEventKind.Rejected), TimeSpan.FromSeconds(10)));
        var fills = listener.Events.Where(e => e.ClientOrderId == 1003 && e.Kind == OrderEventKind.Filled).Select(e => e.Fill).ToList();
        Assert.True(fills.Count >= 2, $"{fills.Count} fills for {big} (ask {quote.AskPrice} x {quote.AskQuantity}): {string.Join("; ", fills)} / {string.Join("; ", listener.Events.Where(e => e.ClientOrderId == 1003))}");
        Assert.Equal(big.Raw, fills.Sum(f => f.Quantity.Raw));
        Assert.Equal(0, fills[^1].LeavesQuantity.Raw);
        Assert.True(fills.Zip(fills.Skip(1)).All(p => p.Second.LeavesQuantity < p.First.LeavesQuantity));
        Assert.All(fills, f => Assert.Equal(Liquidity.Taker, f.Liquidity));
        var accepted = listener.Events.FindIndex(e => e.ClientOrderId == 1003 && e.Kind == OrderEventKind.Accepted);
        Assert.True(accepted >= 0 && accepted < listener.Events.FindIndex(e => e.ClientOrderId == 1003 && e.Kind == OrderEventKind.Filled), "accepted before the first fill");
        var trades = await exchange.TradesAsync();
        Assert.Equal(fills.Select(f => f.FillId).Order(), trades.Select(t => t.TradeId).Order());
    }

    internal static async Task AssertFillsMatchTheExchange(PaperExchange exchange, BinanceVenue venue, string db, string runId)
    {
        var trades = await exchange.TradesAsync();
        var stored = LiveHarness.StoredFillIds(db, runId);
        Assert.Equal(trades.Select(t => t.TradeId).Order(), stored);
        Assert.Equal(trades.Count, venue.Stats.Fills);
        using var store = Fillwise.Telemetry.TelemetryStore.Open(db);
        var storedQty = store.Query("SELECT quantity FROM fills WHERE run_id = $id", ("$id", runId)).Sum(r => Convert.ToDecimal(r[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(trades.Sum(t => t.Quantity.ToDecimal()), storedQty);
    }

    private static string ClientId(string query) =>
        Uri.UnescapeDataString(query.Split("newClientOrderId=")[1].Split('&')[0]);
}
