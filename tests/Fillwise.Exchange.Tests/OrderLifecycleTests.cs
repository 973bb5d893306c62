using System.Globalization;
using System.Text.Json;

namespace Fillwise.Exchange.Tests;

[Collection("replaying")]
public sealed class OrderLifecycleTests(ReplayingExchange fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private TestExchange X => fixture.Exchange;

    private static bool Update(JsonElement m, string client, string execution) =>
        m.GetProperty("e").GetString() == "ORDER_TRADE_UPDATE"
        && m.GetProperty("o").GetProperty("c").GetString() == client
        && m.GetProperty("o").GetProperty("x").GetString() == execution;

    private async Task<TestExchange.Socket> UserStream()
    {
        var (status, body) = await X.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        Assert.Equal(200, status);
        return await X.Connect("/ws/" + body.GetProperty("listenKey").GetString());
    }

    private async Task<(string Bid, string Ask)> Touch()
    {
        var depth = await X.WaitForDepth();
        return (depth.GetProperty("bids")[0][0].GetString()!, depth.GetProperty("asks")[0][0].GetString()!);
    }

    [Fact]
    public async Task Crossing_post_only_is_rejected_with_5022_and_never_listed()
    {
        var (_, ask) = await Touch();
        var reply = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.010&price={ask}&newClientOrderId=gtx-cross");
        Assert.Equal(400, reply.Status);
        Assert.Equal(-5022, reply.Body.GetProperty("code").GetInt32());
        var query = await X.Signed(HttpMethod.Get, "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=gtx-cross");
        Assert.Equal(-2013, query.Body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Cancel_reports_canceled_and_unknown_orders_get_2011()
    {
        await using var user = await UserStream();
        var (bid, _) = await Touch();
        var far = decimal.Parse(bid, CultureInfo.InvariantCulture) - 500m;
        var placed = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far.ToString(CultureInfo.InvariantCulture)}&newClientOrderId=cx-1");
        Assert.Equal(200, placed.Status);

        var duplicate = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far.ToString(CultureInfo.InvariantCulture)}&newClientOrderId=cx-1");
        Assert.Equal(400, duplicate.Status);
        Assert.Equal(-4116, duplicate.Body.GetProperty("code").GetInt32());

        var cancel = await X.Signed(HttpMethod.Delete, "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=cx-1");
        Assert.Equal(200, cancel.Status);
        Assert.Equal("CANCELED", cancel.Body.GetProperty("status").GetString());
        Assert.NotNull(await user.Next(m => Update(m, "cx-1", "CANCELED"), Wait));

        var again = await X.Signed(HttpMethod.Delete, "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=cx-1");
        Assert.Equal(-2011, again.Body.GetProperty("code").GetInt32());
        var unknown = await X.Signed(HttpMethod.Delete, "/fapi/v1/order", "symbol=BTCUSDT&orderId=42");
        Assert.Equal(400, unknown.Status);
        Assert.Equal("""{"code":-2011,"msg":"Unknown order sent."}""", unknown.Body.GetRawText());

        // Once the first is closed its client id may be used again (Binance: unique among open orders).
        var reuse = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far.ToString(CultureInfo.InvariantCulture)}&newClientOrderId=cx-1");
        Assert.Equal(200, reuse.Status);
        Assert.Equal(200, (await X.Signed(HttpMethod.Delete, "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=cx-1")).Status);
    }

    [Fact]
    public async Task Market_order_fills_as_taker_and_ioc_remainder_expires()
    {
        await using var user = await UserStream();
        await Touch();
        var market = await X.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.020&newClientOrderId=mk-1");
        Assert.Equal(200, market.Status);
        Assert.Equal("FILLED", market.Body.GetProperty("status").GetString());
        Assert.Equal(0.020m, Dec(market.Body, "executedQty"));
        Assert.NotNull(await user.Next(m => Update(m, "mk-1", "NEW"), Wait));
        var trade = await user.Next(m => Update(m, "mk-1", "TRADE"), Wait);
        Assert.False(trade!.Value.GetProperty("o").GetProperty("m").GetBoolean());

        var (_, ask) = await Touch();
        var ioc = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=500.000&price={ask}&newClientOrderId=ioc-1");
        Assert.Equal(200, ioc.Status);
        Assert.Equal("EXPIRED", ioc.Body.GetProperty("status").GetString());
        Assert.NotNull(await user.Next(m => Update(m, "ioc-1", "EXPIRED"), Wait));

        var position = await X.Signed(HttpMethod.Get, "/fapi/v2/positionRisk", "symbol=BTCUSDT");
        Assert.Equal(200, position.Status);
        Assert.True(Dec(position.Body[0], "positionAmt") != 0);
        Assert.Equal(200, (await X.Signed(HttpMethod.Get, "/fapi/v2/account", "")).Status);
    }

    [Fact]
    public async Task Bad_parameters_get_binances_codes()
    {
        Assert.Equal(-1121, (await X.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=NOPEUSDT&side=BUY&type=MARKET&quantity=1")).Body.GetProperty("code").GetInt32());
        Assert.Equal(-1117, (await X.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=UP&type=MARKET&quantity=1")).Body.GetProperty("code").GetInt32());
        Assert.Equal(-1102, (await X.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1")).Body.GetProperty("code").GetInt32());
        Assert.Equal(-4014, (await X.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=50000.05")).Body.GetProperty("code").GetInt32());
        Assert.Equal(-4023, (await X.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0105&price=50000")).Body.GetProperty("code").GetInt32());
        Assert.Equal(-1022, (await X.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT", signature: new string('0', 64))).Body.GetProperty("code").GetInt32());
        var noKey = await X.Http.GetAsync(new Uri("/fapi/v1/openOrders?symbol=BTCUSDT&timestamp=1&signature=00", UriKind.Relative));
        Assert.Equal(401, (int)noKey.StatusCode);
    }

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
