using System.Net;
using System.Text;
using Fillwise.Core;
using Fillwise.MarketData.Capture;
using Fillwise.TestData;

namespace Fillwise.Venues.Binance.Tests;

/// <summary>The client's pieces without a server: signing, credentials, payload parsing, limits, the time offset.</summary>
public sealed class ClientTests
{
    [Fact]
    public void Signing_matches_Binances_documented_example()
    {
        // USDⓈ-M "General Info", SIGNED endpoint example 1 (HMAC SHA256).
        var credentials = new BinanceCredentials("dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83", "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
        var signature = credentials.Sign("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943");
        Assert.Equal("3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9", signature);
    }

    [Fact]
    public void Credentials_never_print_and_a_key_file_readable_by_others_is_refused()
    {
        var credentials = new BinanceCredentials("my-key", "my-secret");
        Assert.DoesNotContain("my-secret", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("my-key", credentials.ToString(), StringComparison.Ordinal);

        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }
        using var file = TempFile.WithText("my-key\nmy-secret\n", "keys.txt");
        File.SetUnixFileMode(file.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = Assert.Throws<CredentialsException>(() => BinanceCredentials.FromKeyFile(file.Path));
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("my-secret", refused.Message, StringComparison.Ordinal);

        File.SetUnixFileMode(file.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var loaded = BinanceCredentials.FromKeyFile(file.Path);
        Assert.Equal(credentials.Sign("a=1"), loaded.Sign("a=1"));

        Assert.Null(BinanceCredentials.FromEnvironment(_ => null));
        Assert.Throws<CredentialsException>(() => BinanceCredentials.FromEnvironment(name => name == BinanceCredentials.KeyVariable ? "k" : null));
    }

    [Fact]
    public void Venue_names_and_urls_map_to_rest_and_websocket_bases()
    {
        Assert.Equal("https://fapi.binance.com/", BinanceEndpoints.Parse("binance")!.Rest.ToString());
        Assert.Equal("wss://stream.binancefuture.com/", BinanceEndpoints.Parse("binance-testnet")!.WebSocket.ToString());
        var local = BinanceEndpoints.Parse("http://127.0.0.1:5090")!;
        Assert.Equal("ws://127.0.0.1:5090/", local.WebSocket.ToString());
        Assert.Null(BinanceEndpoints.Parse("ftp://example"));
        Assert.Null(BinanceEndpoints.Parse("bitmex"));
    }

    [Fact]
    public void ExchangeInfo_filters_and_rate_limits_are_read()
    {
        const string body = """
            {"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400},
                           {"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200},
                           {"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300}],
             "symbols":[{"symbol":"BTCUSDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.10","minPrice":"556.80","maxPrice":"4529764"},
                                                       {"filterType":"LOT_SIZE","stepSize":"0.001","minQty":"0.001","maxQty":"1000"},
                                                       {"filterType":"MIN_NOTIONAL","notional":"100"}]}]}
            """;
        var info = BinanceJson.ParseExchangeInfo(body);
        Assert.Equal((2400, 300, 1200), (info.WeightPerMinute, info.OrdersPer10Seconds, info.OrdersPerMinute));
        var btc = Assert.Single(info.Filters);
        Assert.Equal((0.10m, 0.001m, 100m), (btc.TickSize, btc.StepSize, btc.MinNotional));
        // The exchange's filters win over the built-in table.
        var catalog = SymbolCatalog.WithFilters([new SymbolFilters(btc.Symbol, 0.5m, 0.01m, 5m)]);
        Assert.Equal(0.5m, catalog.Get(btc.Symbol).TickSize);
    }

    [Fact]
    public void Order_trade_update_is_read_with_its_fill()
    {
        var json = """
            {"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT","c":"fw-abc-1001","S":"SELL","o":"LIMIT","f":"GTX",
             "q":"0.010","p":"60000.1","ap":"60000.1","sp":"0","x":"TRADE","X":"PARTIALLY_FILLED","i":8886774,"l":"0.004","z":"0.004","L":"60000.1",
             "N":"USDT","n":"0.048","T":1568879465650,"t":42,"b":"0","a":"0","m":true,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH"}}
            """u8;
        var (type, order) = BinanceJson.ParseUserEvent(json);
        Assert.Equal("ORDER_TRADE_UPDATE", type);
        var o = order!.Value;
        Assert.Equal(("fw-abc-1001", Side.Sell, "TRADE", "PARTIALLY_FILLED", 42L, true), (o.ClientOrderId, o.Side, o.ExecutionType, o.Status, o.TradeId, o.Maker));
        Assert.Equal((0.004m, 0.004m, 60000.1m, 0.048m), (o.LastQuantity.ToDecimal(), o.CumulativeQuantity.ToDecimal(), o.LastPrice.ToDecimal(), o.Commission));
        Assert.False(o.IsTerminal);
        Assert.Equal("listenKeyExpired", BinanceJson.ParseUserEvent("""{"e":"listenKeyExpired","E":1576653824250}"""u8).Event);
    }

    [Fact]
    public void A_commission_in_another_asset_than_the_quote_is_not_taken_as_quote()
    {
        var btc = new Symbol("BTCUSDT");
        Assert.True(BinanceVenue.FeeInQuote(btc, "USDT"));
        Assert.True(BinanceVenue.FeeInQuote(btc, "")); // not reported: the quote currency, as before
        Assert.False(BinanceVenue.FeeInQuote(btc, "BNB"));
        Assert.False(BinanceVenue.FeeInQuote(new Symbol("BTCUSDC"), "USDT"));
        Assert.True(BinanceVenue.FeeInQuote(new Symbol("BTCUSDT_250627"), "USDT")); // a quarterly contract
        var json = """
            {"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT","c":"fw-abc-1001","S":"SELL","o":"LIMIT","f":"GTX",
             "q":"0.010","p":"60000.1","ap":"60000.1","sp":"0","x":"TRADE","X":"PARTIALLY_FILLED","i":8886774,"l":"0.004","z":"0.004","L":"60000.1",
             "N":"BNB","n":"0.0001","T":1568879465650,"t":42,"b":"0","a":"0","m":true,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH"}}
            """u8;
        Assert.Equal("BNB", BinanceJson.ParseUserEvent(json).Order!.Value.CommissionAsset);
    }

    [Fact]
    public void Live_stream_messages_go_through_the_capture_readers_parser()
    {
        var reader = CaptureReader.ForMessages();
        Assert.True(reader.TryParseMessage(1_000, """{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["100.0","1.5"]],"a":[["100.1","0"]]}}"""u8));
        Assert.Equal((CaptureEventKind.DepthUpdate, "BTCUSDT", 10L, 12L, 9L), (reader.Kind, reader.Symbol.Value, reader.UpdateIds.First, reader.UpdateIds.Final, reader.UpdateIds.PreviousFinal));
        Assert.Equal(1, reader.Bids.Length);
        Assert.True(reader.TryParseMessage(2_000, """{"lastUpdateId":11,"E":1,"T":1,"bids":[["100.0","2"]],"asks":[["100.1","3"]]}"""u8, new Symbol("ETHUSDT")));
        Assert.Equal((CaptureEventKind.Snapshot, "ETHUSDT", 11L, 2_000L), (reader.Kind, reader.Symbol.Value, reader.UpdateIds.Final, reader.ReceiveTimeNs));
        Assert.False(reader.TryParseMessage(3_000, """{"stream":"x","data":{"e":"depthUpdate"}}"""u8));
        Assert.Single(reader.Stats.Errors);
    }

    [Fact]
    public void Usage_headers_and_retry_after_set_the_back_off()
    {
        var time = new ManualTime(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var limits = new RateLimits(time);
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        ok.Headers.Add("X-MBX-USED-WEIGHT-1M", "2400");
        ok.Headers.Add("X-MBX-ORDER-COUNT-10S", "3");
        limits.Observe(ok);
        Assert.Equal((2400, 3), (limits.UsedWeight1M, limits.OrderCount10S));
        // At the weight limit: wait for the minute to roll over (here 20 s into it: 40 s).
        Assert.Equal(TimeSpan.FromSeconds(40), limits.DelayBeforeSend(isOrder: false));

        using var fresh = new HttpResponseMessage(HttpStatusCode.OK);
        fresh.Headers.Add("X-MBX-USED-WEIGHT-1M", "10");
        limits.Observe(fresh);
        Assert.Equal(TimeSpan.Zero, limits.DelayBeforeSend(isOrder: true));

        using var throttled = new HttpResponseMessage((HttpStatusCode)429);
        throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        limits.Observe(throttled);
        Assert.Equal(TimeSpan.FromSeconds(3), limits.DelayBeforeSend(isOrder: false));
        Assert.False(limits.Banned);

        using var banned = new HttpResponseMessage((HttpStatusCode)418);
        banned.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
        limits.Observe(banned);
        Assert.True(limits.Banned);
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(TimeSpan.FromSeconds(1), limits.DelayBeforeSend(isOrder: false));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, limits.DelayBeforeSend(isOrder: false));
        Assert.False(limits.Banned);
    }

    [Fact]
    public async Task A_418_stops_sending_until_retry_after()
    {
        var handler = new ScriptedHandler(_ => Reply(418, """{"code":-1003,"msg":"banned"}""", retryAfter: 60));
        using var http = new HttpClient(handler);
        var rest = new BinanceRestClient(http, BinanceEndpoints.Parse("http://127.0.0.1:1")!, new BinanceCredentials("k", "s"), new BinanceVenueOptions(), TimeProvider.System);
        var first = await rest.SendAsync(HttpMethod.Get, "/fapi/v1/openOrders", [], Security.Signed, default);
        Assert.Equal(418, first.Status);
        var second = await rest.SendAsync(HttpMethod.Post, "/fapi/v1/order", [("symbol", "BTCUSDT")], Security.Signed, default, isOrder: true);
        Assert.Equal((418, -1003), (second.Status, second.Code));
        Assert.Equal(1, handler.Calls); // the second request never left the process
    }

    [Fact]
    public async Task Server_time_offset_is_kept_and_a_1021_resyncs_once_then_retries()
    {
        var serverAhead = 7_000L;
        var orderCalls = new List<string>();
        var handler = new ScriptedHandler(request =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (request.RequestUri!.AbsolutePath == "/fapi/v1/time")
            {
                return Reply(200, $$"""{"serverTime":{{now + serverAhead}}}""");
            }
            orderCalls.Add(request.RequestUri.Query);
            var timestamp = long.Parse(request.RequestUri.Query.Split("timestamp=")[1].Split('&')[0], System.Globalization.CultureInfo.InvariantCulture);
            return Math.Abs(timestamp - (now + serverAhead)) > 1000
                ? Reply(400, """{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}""")
                : Reply(200, "[]");
        });
        using var http = new HttpClient(handler);
        var rest = new BinanceRestClient(http, BinanceEndpoints.Parse("http://127.0.0.1:1")!, new BinanceCredentials("k", "s"), new BinanceVenueOptions(), TimeProvider.System);
        Assert.True(await rest.SyncTimeAsync(default));
        Assert.InRange(rest.OffsetMs, serverAhead - 500, serverAhead + 500);
        Assert.True((await rest.SendAsync(HttpMethod.Get, "/fapi/v1/openOrders", [], Security.Signed, default)).Ok);
        Assert.Equal(0, rest.Resyncs);

        serverAhead = 40_000; // the server's clock jumps: the next signed request is refused once, then re-synced and accepted
        var result = await rest.SendAsync(HttpMethod.Get, "/fapi/v1/openOrders", [], Security.Signed, default);
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(1, rest.Resyncs);
        Assert.Equal(3, orderCalls.Count);
        Assert.Contains("signature=", orderCalls[2], StringComparison.Ordinal);
    }

    private static HttpResponseMessage Reply(int status, string body, int? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (retryAfter is { } s)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(s));
        }
        return response;
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> reply) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(reply(request));
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>The venue's request latency histogram is on meter "Fillwise", which the dashboard's /metrics exports.</summary>
public sealed class VenueMetricsTests
{
    [Fact]
    public async Task Every_request_records_its_latency_by_endpoint_and_status()
    {
        var seen = new List<(string Name, double Value, string Endpoint, string Status)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Fillwise.Execution.ExecutionMetrics.MeterName && instrument.Name == "fillwise.venue.request.latency")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value?.ToString());
            lock (seen)
            {
                seen.Add((instrument.Name, value, t["endpoint"]!, t["status"]!));
            }
        });
        listener.Start();
        using var http = new HttpClient(new FixedHandler());
        var rest = new BinanceRestClient(http, BinanceEndpoints.Parse("http://127.0.0.1:1")!, null, new BinanceVenueOptions(), TimeProvider.System);
        await rest.SendAsync(HttpMethod.Get, "/fapi/v1/exchangeInfo", [], Security.None, default);
        lock (seen)
        {
            Assert.Contains(seen, m => m.Endpoint == "/fapi/v1/exchangeInfo" && m.Status == "503" && m.Value >= 0);
        }
    }

    private sealed class FixedHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") });
    }
}
