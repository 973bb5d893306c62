using Fillwise.Core;

namespace Fillwise.Venues.Binance.Tests;

/// <summary>Faults injected into the paper exchange mid-session (its /admin/faults): the session goes on and no fill is lost or counted twice.</summary>
[Collection("paper exchange")]
public sealed class FaultTests
{
    [Fact]
    public async Task Dropped_websockets_reconnect_resync_the_book_and_recover_the_fills_made_meanwhile()
    {
        await using var exchange = await PaperExchange.StartAsync();
        // A slow reconnect (2 s) with a taker every 300 ms. Both streams dropped first (no parent is routed while the
        // book is out of sync), then the user stream alone, with the market up: fills happen while it is down.
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true, ReconnectDelay = TimeSpan.FromSeconds(2) });
        var db = LiveHarness.TempDb("drop.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(14), policy: "taker"), db, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            await exchange.FaultAsync(new { dropConnections = true });
            await Task.Delay(TimeSpan.FromSeconds(4));
            await exchange.FaultAsync(new { dropUserStreams = true });
        });

        Assert.True(venue.Stats.MarketReconnects >= 1, "market stream not reconnected");
        Assert.True(venue.Stats.UserReconnects >= 2, "user stream not reconnected after both drops");
        Assert.True(venue.Stats.Snapshots >= 2, $"{venue.Stats.Snapshots} snapshots: the book was not resynced after the reconnect");
        Assert.True(venue.Stats.RecoveredFills > 0, "no fill happened during the outage (nothing to recover)");
        await LiveVenueTests.AssertFillsMatchTheExchange(exchange, venue, db, summary.RunId);
    }

    [Fact]
    public async Task A_dropped_market_stream_takes_the_book_out_of_sync_until_the_reconnect_resyncs_it()
    {
        await using var exchange = await PaperExchange.StartAsync();
        // A slow reconnect (3 s): the outage is long enough to see what the executor is told meanwhile.
        await using var venue = exchange.Venue(new BinanceVenueOptions { ReconnectDelay = TimeSpan.FromSeconds(3) });
        var listener = new RecordingListener();
        venue.Attach(listener);
        await venue.StartAsync(default);
        Assert.True(LiveHarness.StepUntil(venue, () => venue.BookIsValid(PaperExchange.Btc) && listener.LastQuote.HasTwoSidedQuote, TimeSpan.FromSeconds(10)), "no synchronised book");

        await exchange.FaultAsync(new { dropMarketStreams = true });
        // Well before the reconnect: the frozen book must not be offered to the executor as a live one.
        Assert.True(LiveHarness.StepUntil(venue, () => !venue.BookIsValid(PaperExchange.Btc), TimeSpan.FromSeconds(1.5)), "the book stayed valid with its stream gone");
        Assert.False(listener.LastUpdate.BookValid);
        Assert.Equal(0, venue.Stats.MarketReconnects);

        Assert.True(LiveHarness.StepUntil(venue, () => venue.BookIsValid(PaperExchange.Btc), TimeSpan.FromSeconds(15)), "the book was not resynced after the reconnect");
        Assert.Equal(1, venue.Stats.MarketReconnects);
        Assert.True(listener.LastUpdate.BookValid);
    }

    [Fact]
    public async Task An_expired_listen_key_is_replaced_and_the_user_stream_goes_on()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true });
        var db = LiveHarness.TempDb("expiry.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), policy: "taker"), db, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            await exchange.FaultAsync(new { expireListenKeys = true });
        });

        Assert.True(venue.Stats.ListenKeysCreated >= 2, $"{venue.Stats.ListenKeysCreated} listenKeys");
        Assert.True(venue.Stats.UserReconnects >= 1);
        Assert.True(venue.Stats.Fills > 0);
        await LiveVenueTests.AssertFillsMatchTheExchange(exchange, venue, db, summary.RunId);
    }

    [Fact]
    public async Task A_429_is_waited_out_for_its_retry_after_and_never_turns_into_a_ban()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true });
        var db = LiveHarness.TempDb("429.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), policy: "taker"), db, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            await exchange.FaultAsync(new { force429 = 3 });
        });

        Assert.True(venue.Rest.Limits.Throttled429 >= 1, "no 429 seen");
        Assert.Equal(0, venue.Rest.Limits.Banned418);
        Assert.Equal(0, venue.Stats.OrdersRejected - RejectedByKillSwitch(venue));
        Assert.True(venue.Stats.Fills > 0);
        await LiveVenueTests.AssertFillsMatchTheExchange(exchange, venue, db, summary.RunId);
    }

    [Fact]
    public async Task Clock_skew_meets_1021_with_one_resync_and_the_orders_go_through()
    {
        await using var exchange = await PaperExchange.StartAsync();
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true });
        var db = LiveHarness.TempDb("skew.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), policy: "taker"), db, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            await exchange.FaultAsync(new { clockSkewMs = 30_000 });
        });

        Assert.True(venue.Rest.Resyncs >= 1, "no -1021 resync");
        Assert.InRange(venue.Rest.OffsetMs, 29_000, 31_000);
        Assert.Equal(0, venue.Stats.OrdersRejected - RejectedByKillSwitch(venue));
        Assert.True(venue.Stats.Fills > 0);
        await LiveVenueTests.AssertFillsMatchTheExchange(exchange, venue, db, summary.RunId);
    }

    [Fact]
    public async Task A_timed_out_order_is_resolved_by_a_query_by_client_id_and_never_sent_again()
    {
        await using var exchange = await PaperExchange.StartAsync();
        // Warm the exchange up first (its first answers include JIT time), then keep the client's timeout short.
        using (var http = new HttpClient())
        {
            var rest = new BinanceRestClient(http, exchange.Endpoints, PaperExchange.Credentials, new BinanceVenueOptions(), TimeProvider.System);
            await rest.SyncTimeAsync(default);
            await rest.SendAsync(HttpMethod.Get, "/fapi/v1/exchangeInfo", [], Security.None, default);
            await rest.SendAsync(HttpMethod.Get, "/fapi/v2/positionRisk", [], Security.Signed, default);
            await rest.SendAsync(HttpMethod.Get, "/fapi/v1/openOrders", [], Security.Signed, default);
            await rest.SendAsync(HttpMethod.Get, "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "none")], Security.Signed, default);
        }
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true, RequestTimeout = TimeSpan.FromMilliseconds(1000) });
        var listener = new RecordingListener();
        venue.Attach(listener);
        await venue.StartAsync(default);
        Assert.True(LiveHarness.StepUntil(venue, () => venue.UserStreamReady && listener.LastQuote.HasTwoSidedQuote, TimeSpan.FromSeconds(10)));
        // Every REST answer now takes 2.5 s: the order's send times out (outcome unknown), and so do the first queries.
        await exchange.FaultAsync(new { latencyMs = 2500 });
        var qty = Fixed8.FromDecimal(0.01m);
        venue.Submit(new OrderRequest(2001, PaperExchange.Btc, Side.Buy, OrderType.Market, qty, default));
        LiveHarness.StepUntil(venue, () => venue.Stats.UnknownOutcomes > 0, TimeSpan.FromSeconds(5));
        Assert.Equal(1, venue.Stats.UnknownOutcomes);
        await exchange.FaultAsync(new { latencyMs = 0 });
        // The paper exchange delays a request before handling it, so the timed-out send never reached its book:
        // the query by client id says so (-2013), and the order is reported rejected (-1007), not sent again.
        Assert.True(LiveHarness.StepUntil(venue, () => listener.Events.Any(e => e.ClientOrderId == 2001 && e.Kind is OrderEventKind.Rejected or OrderEventKind.Filled), TimeSpan.FromSeconds(20)));
        var outcome = listener.Events.First(e => e.ClientOrderId == 2001 && e.Kind is OrderEventKind.Rejected or OrderEventKind.Filled);
        Assert.Equal((OrderEventKind.Rejected, -1007), (outcome.Kind, outcome.Reject.Code));
        Assert.Equal(1, exchange.Recorder.Sent.Count(r => r.Method == "POST" && r.Path == "/fapi/v1/order" && r.Query.Contains("-2001&", StringComparison.Ordinal)));
        Assert.True(exchange.Recorder.Sent.Count(r => r.Method == "GET" && r.Path == "/fapi/v1/order" && r.Query.Contains("-2001&", StringComparison.Ordinal)) >= 1, "no query by client id");
        Assert.Empty(await exchange.TradesAsync());
        Assert.Empty(await exchange.OpenOrdersAsync());
    }

    /// <summary>Orders the executor tried after the session ended are refused locally by the kill switch (never sent).</summary>
    private static long RejectedByKillSwitch(BinanceVenue venue) => venue.Stats.KillSwitchRejects;
}
