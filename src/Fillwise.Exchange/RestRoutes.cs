using Fillwise.Core;

namespace Fillwise.Exchange;

internal enum Security
{
    None = 0,

    /// <summary>API key only (listenKey management).</summary>
    UserStream,

    /// <summary>API key, timestamp within recvWindow, HMAC signature.</summary>
    Signed,
}

/// <summary>One REST endpoint: its security, its weight (which may depend on parameters), whether it counts as an order.</summary>
internal sealed record Route(string Method, string Path, Security Security, Func<RestRequest, int> Weight, bool IsOrder, Func<RestRequest, ExchangeServer, CancellationToken, Task<Reply>> Handle);

/// <summary>The USDⓈ-M REST endpoints the paper exchange serves, with Binance's weights.</summary>
internal static class RestRoutes
{
    private static readonly int[] DepthLimits = [5, 10, 20, 50, 100, 500, 1000];

    public static IReadOnlyDictionary<(string Method, string Path), Route> All { get; } = Build().ToDictionary(r => (r.Method, r.Path));

    private static IEnumerable<Route> Build()
    {
        yield return new("GET", "/fapi/v1/ping", Security.None, _ => 1, false, (_, _, _) => Task.FromResult(Reply.Ok("{}"u8.ToArray())));
        yield return new("GET", "/fapi/v1/time", Security.None, _ => 1, false, (_, s, _) => Task.FromResult(Reply.Ok(Json.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("serverTime", s.Clock.NowMs);
            w.WriteEndObject();
        }))));
        yield return new("GET", "/fapi/v1/exchangeInfo", Security.None, _ => 1, false, (_, s, _) => Task.FromResult(Reply.Ok(s.ExchangeInfo())));
        yield return new("GET", "/fapi/v1/depth", Security.None, DepthWeight, false, Depth);
        yield return new("POST", "/fapi/v1/order", Security.Signed, _ => 0, true, NewOrder);
        yield return new("DELETE", "/fapi/v1/order", Security.Signed, _ => 1, false, (r, s, ct) => ById(r, s, ct, s.Engine.Desk.Cancel));
        yield return new("GET", "/fapi/v1/order", Security.Signed, _ => 1, false, (r, s, ct) => ById(r, s, ct, s.Engine.Desk.Query));
        yield return new("GET", "/fapi/v1/openOrder", Security.Signed, _ => 1, false, (r, s, ct) => ById(r, s, ct, s.Engine.Desk.OpenOrder));
        yield return new("GET", "/fapi/v1/openOrders", Security.Signed, r => r.Raw("symbol") is null ? 40 : 1, false, (r, s, ct) =>
        {
            var symbol = r.Symbol(required: false);
            return r.Error is { } e ? Task.FromResult(e) : s.Engine.Invoke(() => s.Engine.Desk.OpenOrders(symbol), ct);
        });
        yield return new("DELETE", "/fapi/v1/allOpenOrders", Security.Signed, _ => 1, false, (r, s, ct) =>
        {
            var symbol = r.Symbol();
            return r.Error is { } e ? Task.FromResult(e) : s.Engine.Invoke(() => s.Engine.Desk.CancelAll(symbol!.Value), ct);
        });
        yield return new("GET", "/fapi/v1/userTrades", Security.Signed, _ => 5, false, UserTrades);
        foreach (var version in new[] { "v2", "v3" })
        {
            yield return new("GET", $"/fapi/{version}/positionRisk", Security.Signed, _ => 5, false, (r, s, ct) =>
            {
                var symbol = r.Symbol(required: false);
                return r.Error is { } e ? Task.FromResult(e) : s.Engine.Invoke(() => s.Engine.Desk.PositionRisk(symbol), ct);
            });
            yield return new("GET", $"/fapi/{version}/account", Security.Signed, _ => 5, false, (_, s, ct) => s.Engine.Invoke(s.Engine.Desk.AccountInfo, ct));
            yield return new("GET", $"/fapi/{version}/balance", Security.Signed, _ => 5, false, (_, s, ct) => s.Engine.Invoke(() => s.Engine.Desk.Balance(s.Clock.NowMs), ct));
        }
        yield return new("POST", "/fapi/v1/listenKey", Security.UserStream, _ => 1, false, (_, s, _) => Task.FromResult(ListenKey(s.Users.CreateOrExtend())));
        yield return new("PUT", "/fapi/v1/listenKey", Security.UserStream, _ => 1, false, (r, s, _) => Task.FromResult(KeepAlive(r, s)));
        yield return new("DELETE", "/fapi/v1/listenKey", Security.UserStream, _ => 1, false, (r, s, _) =>
        {
            // Binance closes the account's stream; a key parameter is optional.
            if (r.Raw("listenKey") is { } key)
            {
                s.Users.Close(key);
            }
            else
            {
                s.Users.CloseAll();
            }
            return Task.FromResult(Reply.Ok("{}"u8.ToArray()));
        });
    }

    private static int DepthWeight(RestRequest r) => (r.Long("limit") ?? 500) switch
    {
        <= 50 => 2,
        <= 100 => 5,
        <= 500 => 10,
        _ => 20,
    };

    private static Task<Reply> Depth(RestRequest r, ExchangeServer s, CancellationToken ct)
    {
        var symbol = r.Symbol();
        var limit = r.Long("limit") ?? 500;
        if (r.Error is null && !DepthLimits.Contains((int)Math.Min(limit, int.MaxValue)))
        {
            r.Fail(-1100, "Illegal characters found in parameter 'limit'; legal range is '5, 10, 20, 50, 100, 500, 1000'.");
        }
        if (r.Error is null && !s.Catalog.TryGet(symbol!.Value, out _))
        {
            r.Fail(-1121, "Invalid symbol.");
        }
        return r.Error is { } e ? Task.FromResult(e) : s.Engine.Invoke(() => s.Engine.Desk.Depth(symbol!.Value, (int)limit), ct);
    }

    private static Task<Reply> NewOrder(RestRequest r, ExchangeServer s, CancellationToken ct)
    {
        var symbol = r.Symbol();
        var sideText = r.Required("side");
        var typeText = r.Required("type");
        var quantity = r.Decimal("quantity", required: true);
        var clientOrderId = r.ClientOrderId("newClientOrderId");
        var reduceOnly = r.Flag("reduceOnly");
        if (r.Error is { } early)
        {
            return Task.FromResult(early);
        }
        Side side;
        switch (sideText)
        {
            case "BUY":
                side = Side.Buy;
                break;
            case "SELL":
                side = Side.Sell;
                break;
            default:
                return Task.FromResult(Reply.Error(400, -1117, "Invalid side."));
        }
        OrderType type;
        string tif;
        Fixed8 price;
        if (typeText == "MARKET")
        {
            if (r.Raw("price") is not null)
            {
                return Task.FromResult(Reply.Error(400, -1106, "Parameter 'price' sent when not required."));
            }
            (type, tif, price) = (OrderType.Market, "GTC", Fixed8.Zero);
        }
        else if (typeText == "LIMIT")
        {
            tif = r.Required("timeInForce") ?? string.Empty;
            price = r.Decimal("price", required: true) ?? Fixed8.Zero;
            if (r.Error is { } missing)
            {
                return Task.FromResult(missing);
            }
            OrderType? parsed = tif switch
            {
                "GTC" => OrderType.Limit,
                "GTX" => OrderType.PostOnly,
                "IOC" => OrderType.Ioc,
                _ => null,
            };
            if (parsed is null)
            {
                // FOK and GTD exist on Binance; the replay venue's matching has no fill-or-kill or expiry time.
                return Task.FromResult(Reply.Error(400, -1115, "Invalid timeInForce."));
            }
            type = parsed.Value;
        }
        else
        {
            return Task.FromResult(Reply.Error(400, -1116, "Invalid orderType."));
        }
        var request = new NewOrder(symbol!.Value, side, type, typeText!, tif, quantity!.Value, price, clientOrderId, reduceOnly);
        return s.Engine.Invoke(() => s.Engine.Desk.Place(request), ct);
    }

    private static Task<Reply> ById(RestRequest r, ExchangeServer s, CancellationToken ct, Func<Symbol, long?, string?, Reply> action)
    {
        var symbol = r.Symbol();
        var orderId = r.Long("orderId");
        var clientOrderId = r.Raw("origClientOrderId");
        if (r.Error is null && orderId is null && clientOrderId is null)
        {
            r.Fail(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
        }
        return r.Error is { } e ? Task.FromResult(e) : s.Engine.Invoke(() => action(symbol!.Value, orderId, clientOrderId), ct);
    }

    private static Task<Reply> UserTrades(RestRequest r, ExchangeServer s, CancellationToken ct)
    {
        var symbol = r.Symbol();
        var orderId = r.Long("orderId");
        var fromId = r.Long("fromId");
        var start = r.Long("startTime");
        var end = r.Long("endTime");
        var limit = r.Long("limit") ?? 500;
        if (r.Error is null && limit is < 1 or > 1000)
        {
            r.Fail(-1100, "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
        }
        return r.Error is { } e ? Task.FromResult(e) : s.Engine.Invoke(() => s.Engine.Desk.UserTrades(symbol!.Value, orderId, fromId, start, end, (int)limit), ct);
    }

    private static Reply ListenKey(string key) => Reply.Ok(Json.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("listenKey", key);
        w.WriteEndObject();
    }));

    private static Reply KeepAlive(RestRequest r, ExchangeServer s)
    {
        // Binance's futures keep-alive extends the account's key; a listenKey parameter, when sent, must be that key.
        var key = r.Raw("listenKey");
        var extended = key is null ? s.Users.ExtendActive() : s.Users.Extend(key);
        return extended ? Reply.Ok("{}"u8.ToArray()) : Reply.Error(400, -1125, "This listenKey does not exist.");
    }
}
