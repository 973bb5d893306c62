using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fillwise.Exchange.Tests;

/// <summary>An exchange at real-time speed; the tests inject faults one after the other (faults are global).</summary>
public sealed class RealTimeExchange : IAsyncLifetime
{
    public TestExchange Exchange { get; private set; } = null!;

    public async Task InitializeAsync() => Exchange = await TestExchange.Start(new ExchangeOptions { Speed = 1 });

    public async Task DisposeAsync() => await Exchange.DisposeAsync();
}

public sealed class FaultTests(RealTimeExchange fixture) : IClassFixture<RealTimeExchange>
{
    private TestExchange X => fixture.Exchange;

    private async Task<JsonElement> Fault(object body)
    {
        var response = await X.Http.PostAsJsonAsync(new Uri("/admin/faults", UriKind.Relative), body);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task A_timestamp_outside_recv_window_gets_1021_and_a_resynced_client_gets_through()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var old = await X.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT&recvWindow=5000", timestamp: now - 10_000);
        Assert.Equal(400, old.Status);
        Assert.Equal(-1021, old.Body.GetProperty("code").GetInt32());
        var ahead = await X.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT", timestamp: now + 5_000);
        Assert.Equal(-1021, ahead.Body.GetProperty("code").GetInt32());

        try
        {
            await Fault(new { clockSkewMs = 30_000 });
            X.OffsetMs = 0;
            var skewed = await X.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT");
            Assert.Equal(-1021, skewed.Body.GetProperty("code").GetInt32());
            // What a live client does on -1021: re-read the server time, keep the offset, retry once.
            var (_, time, _) = await X.Get("/fapi/v1/time");
            X.OffsetMs = time.GetProperty("serverTime").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Assert.InRange(X.OffsetMs, 28_000, 32_000);
            var retried = await X.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT");
            Assert.Equal(200, retried.Status);
        }
        finally
        {
            await Fault(new { clockSkewMs = 0 });
            X.OffsetMs = 0;
        }
    }

    [Fact]
    public async Task Dropping_connections_cuts_market_and_user_sockets_and_reconnecting_works()
    {
        await X.WaitForDepth();
        var (_, key) = await X.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        await using var market = await X.Connect("/stream?streams=btcusdt@depth@100ms");
        await using var user = await X.Connect("/ws/" + key.GetProperty("listenKey").GetString());
        Assert.NotNull(await market.Next(_ => true, TimeSpan.FromSeconds(10)));

        var result = await Fault(new { dropConnections = true });
        Assert.True(result.GetProperty("dropped").GetInt32() >= 2);
        Assert.Same(market.Closed, await Task.WhenAny(market.Closed, Task.Delay(5000)));
        Assert.Same(user.Closed, await Task.WhenAny(user.Closed, Task.Delay(5000)));

        await using var again = await X.Connect("/stream?streams=btcusdt@depth@100ms");
        var message = await again.Next(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal("btcusdt@depth@100ms", message!.Value.GetProperty("stream").GetString());
        Assert.Equal("depthUpdate", message.Value.GetProperty("data").GetProperty("e").GetString());
    }

    [Fact]
    public async Task An_unknown_outcome_is_executed_and_found_by_client_order_id()
    {
        var depth = await X.WaitForDepth();
        var far = decimal.Parse(depth.GetProperty("bids")[0][0].GetString()!, System.Globalization.CultureInfo.InvariantCulture) - 1000m;
        await Fault(new { unknownOutcome = 1 });
        var placed = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far.ToString(System.Globalization.CultureInfo.InvariantCulture)}&newClientOrderId=unknown-1");
        Assert.Equal(503, placed.Status);
        Assert.Equal(-1007, placed.Body.GetProperty("code").GetInt32());
        // What a client must do before any resend: ask by client order id. The order is there, once.
        var query = await X.Signed(HttpMethod.Get, "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=unknown-1");
        Assert.Equal(200, query.Status);
        Assert.Equal("NEW", query.Body.GetProperty("status").GetString());
        var resend = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far.ToString(System.Globalization.CultureInfo.InvariantCulture)}&newClientOrderId=unknown-1");
        Assert.Equal(-4116, resend.Body.GetProperty("code").GetInt32());
        Assert.Equal(200, (await X.Signed(HttpMethod.Delete, "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=unknown-1")).Status);
    }

    [Fact]
    public async Task Dropping_user_streams_leaves_market_streams_running()
    {
        await X.WaitForDepth();
        var (_, key) = await X.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        await using var market = await X.Connect("/stream?streams=btcusdt@bookTicker");
        await using var user = await X.Connect("/ws/" + key.GetProperty("listenKey").GetString());
        Assert.NotNull(await market.Next(_ => true, TimeSpan.FromSeconds(10)));
        await Fault(new { dropUserStreams = true });
        Assert.Same(user.Closed, await Task.WhenAny(user.Closed, Task.Delay(5000)));
        Assert.False(market.Closed.IsCompleted);
        Assert.NotNull(await market.Next(_ => true, TimeSpan.FromSeconds(10)));
        // The key survives a dropped connection: reconnecting to it works.
        await using var again = await X.Connect("/ws/" + key.GetProperty("listenKey").GetString());
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, again.Raw.State);
    }

    [Fact]
    public async Task Expiring_listen_keys_now_sends_listenKeyExpired_and_keep_alive_then_fails()
    {
        var (_, key) = await X.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        var listenKey = key.GetProperty("listenKey").GetString()!;
        await using var user = await X.Connect("/ws/" + listenKey);
        await Fault(new { expireListenKeys = true });
        var expired = await user.Next(m => m.GetProperty("e").GetString() == "listenKeyExpired", TimeSpan.FromSeconds(5));
        Assert.Equal(listenKey, expired!.Value.GetProperty("listenKey").GetString());
        Assert.Same(user.Closed, await Task.WhenAny(user.Closed, Task.Delay(5000)));
        var (status, body) = await X.KeyOnly(HttpMethod.Put, "/fapi/v1/listenKey");
        Assert.Equal(400, status);
        Assert.Equal(-1125, body.GetProperty("code").GetInt32());
        var (_, fresh) = await X.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        Assert.NotEqual(listenKey, fresh.GetProperty("listenKey").GetString());
    }

    [Fact]
    public async Task Forced_429s_then_normal_service_and_injected_latency()
    {
        await Fault(new { force429 = 2 });
        for (var i = 0; i < 2; i++)
        {
            var (status, body, response) = await X.Get("/fapi/v1/time");
            Assert.Equal(429, status);
            Assert.Equal(-1003, body.GetProperty("code").GetInt32());
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
        }
        Assert.Equal(200, (await X.Get("/fapi/v1/time")).Status);

        try
        {
            await Fault(new { latencyMs = 300 });
            var watch = Stopwatch.StartNew();
            Assert.Equal(200, (await X.Get("/fapi/v1/ping")).Status);
            Assert.True(watch.ElapsedMilliseconds >= 280, $"took {watch.ElapsedMilliseconds} ms");
        }
        finally
        {
            await Fault(new { latencyMs = 0 });
        }
    }
}

/// <summary>A wall clock the test moves (its timers still tick in real time, and read this clock when they do).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>A wall clock stopped 10 s into a minute, so a test's requests all fall in one rate-limit window.</summary>
internal sealed class StoppedClock : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(2026, 1, 1, 0, 0, 10, TimeSpan.Zero);
}

public sealed class LimitTests
{
    [Fact]
    public async Task Over_the_weight_limit_gets_429_then_a_client_that_keeps_going_is_banned_with_418()
    {
        var limits = new RateLimitOptions { WeightPerMinute = 20, RequestsAfter429BeforeBan = 2 };
        await using var x = await TestExchange.Start(new ExchangeOptions { RateLimits = limits }, new StoppedClock());
        for (var i = 1; i <= 20; i++)
        {
            var (ok, _, response) = await x.Get("/fapi/v1/time");
            Assert.Equal(200, ok);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-MBX-USED-WEIGHT-1M").Single());
        }
        var (status, body, limited) = await x.Get("/fapi/v1/time");
        Assert.Equal(429, status);
        Assert.Equal(-1003, body.GetProperty("code").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(50), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(429, (await x.Get("/fapi/v1/time")).Status);
        Assert.Equal(429, (await x.Get("/fapi/v1/time")).Status);
        var (banned, banBody, ban) = await x.Get("/fapi/v1/time");
        Assert.Equal(418, banned);
        Assert.Equal(-1003, banBody.GetProperty("code").GetInt32());
        Assert.Equal(TimeSpan.FromMinutes(2), ban.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Order_count_headers_and_the_10_second_order_limit()
    {
        var limits = new RateLimitOptions { OrdersPer10Seconds = 3 };
        await using var x = await TestExchange.Start(new ExchangeOptions { RateLimits = limits }, new StoppedClock());
        x.OffsetMs = new StoppedClock().GetUtcNow().ToUnixTimeMilliseconds() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 1; i <= 3; i++)
        {
            var reply = await x.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=SIDEWAYS&type=MARKET&quantity=1");
            Assert.Equal(-1117, reply.Body.GetProperty("code").GetInt32());
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Response.Headers.GetValues("X-MBX-ORDER-COUNT-10S").Single());
        }
        var refused = await x.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1");
        Assert.Equal(429, refused.Status);
        Assert.Equal(-1015, refused.Body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_listen_key_lapses_without_keep_alive_and_keep_alive_extends_it()
    {
        // The exchange's clock is the test's: a slow machine cannot make the key lapse between keep-alives.
        var clock = new ManualClock();
        await using var x = await TestExchange.Start(new ExchangeOptions { ListenKeyLifetime = TimeSpan.FromSeconds(1.5) }, clock);
        var (_, key) = await x.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        await using var user = await x.Connect("/ws/" + key.GetProperty("listenKey").GetString());
        // Kept alive for 3 s of the exchange's time (twice its lifetime): no expiry, though its expiry check runs every 250 ms.
        var quiet = Task.Run(async () => await user.Next(m => m.GetProperty("e").GetString() == "listenKeyExpired", TimeSpan.FromSeconds(2)));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await x.KeyOnly(HttpMethod.Put, "/fapi/v1/listenKey")).Status);
            clock.Advance(TimeSpan.FromMilliseconds(600));
            await Task.Delay(300);
        }
        Assert.Null(await quiet);
        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await user.Next(m => m.GetProperty("e").GetString() == "listenKeyExpired", TimeSpan.FromSeconds(5));
        Assert.NotNull(expired);
        Assert.Equal(-1125, (await x.KeyOnly(HttpMethod.Put, "/fapi/v1/listenKey")).Body.GetProperty("code").GetInt32());
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => x.Connect("/ws/" + key.GetProperty("listenKey").GetString()));
    }
}
