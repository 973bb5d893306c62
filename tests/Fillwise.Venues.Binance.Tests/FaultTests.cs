namespace Fillwise.Venues.Binance.Tests;

/// <summary>Faults injected into the paper exchange mid-session (its /admin/faults): the session goes on and no fill is lost or counted twice.</summary>
[Collection("paper exchange")]
public sealed class FaultTests
{
    [Fact]
    public async Task Dropped_websockets_reconnect_resync_the_book_and_recover_the_fills_made_meanwhile()
    {
        await using var exchange = await PaperExchange.StartAsync();
        // A slow reconnect (2 s) with a taker every 300 ms: fills happen while the user stream is down.
        await using var venue = exchange.Venue(new BinanceVenueOptions { Trade = true, ReconnectDelay = TimeSpan.FromSeconds(2) });
        var db = LiveHarness.TempDb("drop.db");
        var summary = await LiveHarness.RunAsync(venue, LiveHarness.Arrivals(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(12), policy: "taker"), db, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            await exchange.FaultAsync(new { dropConnections = true });
        });

        Assert.True(venue.Stats.MarketReconnects >= 1, "market stream not reconnected");
        Assert.True(venue.Stats.UserReconnects >= 1, "user stream not reconnected");
        Assert.True(venue.Stats.Snapshots >= 2, $"{venue.Stats.Snapshots} snapshots: the book was not resynced after the reconnect");
        Assert.True(venue.Stats.RecoveredFills > 0, "no fill happened during the outage (nothing to recover)");
        await LiveVenueTests.AssertFillsMatchTheExchange(exchange, venue, db, summary.RunId);
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

    /// <summary>Orders the executor tried after the session ended are refused locally by the kill switch (never sent).</summary>
    private static long RejectedByKillSwitch(BinanceVenue venue) => venue.Stats.KillSwitchRejects;
}
