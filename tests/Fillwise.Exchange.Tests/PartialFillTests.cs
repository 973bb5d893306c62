using System.Globalization;
using System.Text.Json;

namespace Fillwise.Exchange.Tests;

/// <summary>Its own exchange from the start of the recording, so the market has time to trade through the resting orders.</summary>
public sealed class PartialFillTests(ReplayingExchange fixture) : IClassFixture<ReplayingExchange>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private TestExchange X => fixture.Exchange;

    private static bool Update(JsonElement m, string client, string execution) =>
        m.GetProperty("e").GetString() == "ORDER_TRADE_UPDATE"
        && m.GetProperty("o").GetProperty("c").GetString() == client
        && m.GetProperty("o").GetProperty("x").GetString() == execution;

    [Fact]
    public async Task Post_only_rests_then_fills_in_parts_reported_as_trade_events()
    {
        var (status, key) = await X.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
        Assert.Equal(200, status);
        await using var user = await X.Connect("/ws/" + key.GetProperty("listenKey").GetString());
        // Both sides rest at the touch with more than a typical trade, so whichever side the market trades
        // through fills in several parts; the venue's queue model decides when. The recording keeps playing
        // between reading the touch and placing: on a busy machine the touch can move so far that a post-only
        // order would cross and is rightly rejected (EXPIRED) — then read the touch again and place new ones.
        string buyId = "", sellId = "";
        for (var attempt = 0; ; attempt++)
        {
            var depth = await X.WaitForDepth();
            var (bid, ask) = (depth.GetProperty("bids")[0][0].GetString()!, depth.GetProperty("asks")[0][0].GetString()!);
            (buyId, sellId) = ($"pf-buy-{attempt}", $"pf-sell-{attempt}");
            var buy = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=3.000&price={bid}&newClientOrderId={buyId}");
            var sell = await X.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTX&quantity=3.000&price={ask}&newClientOrderId={sellId}");
            Assert.Equal(200, buy.Status);
            Assert.Equal(200, sell.Status);
            var statuses = (buy.Body.GetProperty("status").GetString(), sell.Body.GetProperty("status").GetString());
            if (statuses == ("NEW", "NEW"))
            {
                break;
            }
            Assert.True(attempt < 5 && (statuses.Item1 is "NEW" or "EXPIRED") && (statuses.Item2 is "NEW" or "EXPIRED"), $"post-only orders at the touch answered {statuses} (attempt {attempt})");
            await X.Signed(HttpMethod.Delete, "/fapi/v1/allOpenOrders", "symbol=BTCUSDT");
        }
        Assert.NotNull(await user.Next(m => Update(m, buyId, "NEW"), Wait));

        var fills = new List<JsonElement>();
        var accountUpdates = 0;
        var partial = await user.Next(m =>
        {
            accountUpdates += m.GetProperty("e").GetString() == "ACCOUNT_UPDATE" ? 1 : 0;
            if (m.GetProperty("e").GetString() == "ORDER_TRADE_UPDATE" && m.GetProperty("o").GetProperty("x").GetString() == "TRADE")
            {
                fills.Add(m);
            }
            return fills.Any(f => f.GetProperty("o").GetProperty("X").GetString() == "PARTIALLY_FILLED")
                && fills.Count(f => f.GetProperty("o").GetProperty("c").GetString() == fills[0].GetProperty("o").GetProperty("c").GetString()) >= 2;
        }, TimeSpan.FromSeconds(45));
        Assert.True(partial is not null, $"no order filled in two parts while the recording played ({fills.Count} fills)");
        var client = fills[0].GetProperty("o").GetProperty("c").GetString()!;
        var mine = fills.Where(f => f.GetProperty("o").GetProperty("c").GetString() == client).Select(f => f.GetProperty("o")).ToList();
        var cumulative = 0m;
        foreach (var o in mine)
        {
            var last = Dec(o, "l");
            Assert.True(last > 0);
            cumulative += last;
            Assert.Equal(cumulative, Dec(o, "z"));
            Assert.True(o.GetProperty("m").GetBoolean(), "a resting post-only order fills as maker");
            Assert.Equal(Dec(o, "p"), Dec(o, "L"));
            Assert.True(Dec(o, "n") > 0);
            Assert.True(o.GetProperty("t").GetInt64() > 0);
        }
        var orderId = mine[0].GetProperty("i").GetInt64();
        var query = await X.Signed(HttpMethod.Get, "/fapi/v1/order", $"symbol=BTCUSDT&orderId={orderId}");
        Assert.True(Dec(query.Body, "executedQty") >= cumulative);
        var trades = await X.Signed(HttpMethod.Get, "/fapi/v1/userTrades", $"symbol=BTCUSDT&orderId={orderId}");
        Assert.True(trades.Body.GetArrayLength() >= mine.Count);
        Assert.True(accountUpdates > 0, "every fill is followed by an ACCOUNT_UPDATE");

        var cancel = await X.Signed(HttpMethod.Delete, "/fapi/v1/allOpenOrders", "symbol=BTCUSDT");
        Assert.Equal(200, cancel.Status);
        var open = await X.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT");
        Assert.Equal(0, open.Body.GetArrayLength());
    }

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
