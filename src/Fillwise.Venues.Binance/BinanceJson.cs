using System.Globalization;
using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.Venues.Binance;

/// <summary>An order as Binance reports it, from a REST order object or an ORDER_TRADE_UPDATE's "o".</summary>
public readonly record struct OrderUpdate(
    string ClientOrderId,
    Symbol Symbol,
    long OrderId,
    Side Side,
    string Status,
    string ExecutionType,
    Fixed8 Quantity,
    Fixed8 CumulativeQuantity,
    Fixed8 LastQuantity,
    Fixed8 LastPrice,
    long TradeId,
    bool Maker,
    decimal Commission,
    string CommissionAsset,
    long TimeMs)
{
    public bool IsTerminal => Status is "FILLED" or "CANCELED" or "EXPIRED" or "EXPIRED_IN_MATCH" or "REJECTED";
}

/// <summary>One of our fills from GET /fapi/v1/userTrades.</summary>
public readonly record struct UserTrade(Symbol Symbol, long TradeId, long OrderId, Side Side, Fixed8 Price, Fixed8 Quantity, decimal Commission, string CommissionAsset, bool Maker, long TimeMs);

/// <summary>A position from GET /fapi/v2/positionRisk.</summary>
public readonly record struct PositionRisk(Symbol Symbol, decimal Amount, decimal EntryPrice);

/// <summary>What exchangeInfo says: the symbols' filters and the rate limits.</summary>
public sealed record ExchangeInfo(IReadOnlyList<SymbolFilters> Filters, int? WeightPerMinute, int? OrdersPer10Seconds, int? OrdersPerMinute);

/// <summary>
/// Parsing of Binance's REST and user-stream JSON (not the market streams: those go through the capture
/// reader, as recorded data does). A malformed payload is a <see cref="FormatException"/> naming what was expected.
/// </summary>
public static class BinanceJson
{
    public static ExchangeInfo ParseExchangeInfo(string body)
    {
        using var doc = Parse(body, "exchangeInfo");
        var root = doc.RootElement;
        int? weight = null, orders10s = null, orders1m = null;
        if (root.TryGetProperty("rateLimits", out var limits))
        {
            foreach (var l in limits.EnumerateArray())
            {
                var type = Str(l, "rateLimitType");
                var seconds = Str(l, "interval") switch { "SECOND" => 1, "MINUTE" => 60, "HOUR" => 3600, _ => 0 } * l.GetProperty("intervalNum").GetInt32();
                var limit = l.GetProperty("limit").GetInt32();
                switch (type, seconds)
                {
                    case ("REQUEST_WEIGHT", 60): weight = limit; break;
                    case ("ORDERS", 10): orders10s = limit; break;
                    case ("ORDERS", 60): orders1m = limit; break;
                }
            }
        }
        var filters = new List<SymbolFilters>();
        foreach (var s in root.GetProperty("symbols").EnumerateArray())
        {
            if (!Symbol.TryParse(Str(s, "symbol"), out var symbol))
            {
                continue;
            }
            decimal tick = 0, step = 0, minNotional = 0;
            foreach (var f in s.GetProperty("filters").EnumerateArray())
            {
                switch (Str(f, "filterType"))
                {
                    case "PRICE_FILTER": tick = Dec(f, "tickSize"); break;
                    case "LOT_SIZE": step = Dec(f, "stepSize"); break;
                    case "MIN_NOTIONAL": minNotional = f.TryGetProperty("notional", out _) ? Dec(f, "notional") : Dec(f, "minNotional"); break;
                }
            }
            if (tick > 0 && step > 0)
            {
                filters.Add(new SymbolFilters(symbol, tick, step, minNotional));
            }
        }
        return new ExchangeInfo(filters, weight, orders10s, orders1m);
    }

    /// <summary>A REST order object (POST/GET/DELETE /fapi/v1/order, openOrders entries).</summary>
    public static OrderUpdate ParseOrder(JsonElement o) => new(
        Str(o, "clientOrderId"), Sym(o, "symbol"), o.GetProperty("orderId").GetInt64(), SideOf(Str(o, "side")), Str(o, "status"), string.Empty,
        Fx(o, "origQty"), Fx(o, "executedQty"), default, default, 0, false, 0m, string.Empty,
        o.TryGetProperty("updateTime", out var t) ? t.GetInt64() : 0);

    public static OrderUpdate ParseOrder(string body)
    {
        using var doc = Parse(body, "order");
        return ParseOrder(doc.RootElement);
    }

    public static IReadOnlyList<OrderUpdate> ParseOrders(string body)
    {
        using var doc = Parse(body, "openOrders");
        return [.. doc.RootElement.EnumerateArray().Select(ParseOrder)];
    }

    public static IReadOnlyList<UserTrade> ParseUserTrades(string body)
    {
        using var doc = Parse(body, "userTrades");
        return [.. doc.RootElement.EnumerateArray().Select(t => new UserTrade(
            Sym(t, "symbol"), t.GetProperty("id").GetInt64(), t.GetProperty("orderId").GetInt64(), SideOf(Str(t, "side")),
            Fx(t, "price"), Fx(t, "qty"), Dec(t, "commission"), Str(t, "commissionAsset"), t.GetProperty("maker").GetBoolean(), t.GetProperty("time").GetInt64()))];
    }

    public static IReadOnlyList<PositionRisk> ParsePositions(string body)
    {
        using var doc = Parse(body, "positionRisk");
        return [.. doc.RootElement.EnumerateArray().Select(p => new PositionRisk(Sym(p, "symbol"), Dec(p, "positionAmt"), Dec(p, "entryPrice")))];
    }

    /// <summary>Depth snapshot's lastUpdateId is read by the capture reader; this only reads listenKey answers.</summary>
    public static string ParseListenKey(string body)
    {
        using var doc = Parse(body, "listenKey");
        return Str(doc.RootElement, "listenKey");
    }

    /// <summary>A user-stream message: its event type ("ORDER_TRADE_UPDATE", "listenKeyExpired", ...) and, for order updates, the update.</summary>
    public static (string Event, OrderUpdate? Order) ParseUserEvent(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        // Binance's newer user streams may wrap events like the combined stream: {"stream":..., "data":{...}}.
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            root = data;
        }
        var type = root.TryGetProperty("e", out var e) ? e.GetString() ?? string.Empty : string.Empty;
        if (type != "ORDER_TRADE_UPDATE")
        {
            return (type, null);
        }
        var o = root.GetProperty("o");
        return (type, new OrderUpdate(
            Str(o, "c"), Sym(o, "s"), o.GetProperty("i").GetInt64(), SideOf(Str(o, "S")), Str(o, "X"), Str(o, "x"),
            Fx(o, "q"), Fx(o, "z"), Fx(o, "l"), Fx(o, "L"), o.TryGetProperty("t", out var t) ? t.GetInt64() : 0,
            o.TryGetProperty("m", out var m) && m.GetBoolean(), o.TryGetProperty("n", out _) ? Dec(o, "n") : 0m,
            o.TryGetProperty("N", out var n) ? n.GetString() ?? string.Empty : string.Empty,
            o.TryGetProperty("T", out var tt) ? tt.GetInt64() : root.GetProperty("E").GetInt64()));
    }

    private static JsonDocument Parse(string body, string what)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The venue's {what} answer is not JSON ({e.Message}).", e);
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"expected a string \"{name}\" in {Shorten(e)}");

    private static Symbol Sym(JsonElement e, string name) =>
        Symbol.TryParse(Str(e, name), out var s) ? s : throw new FormatException($"\"{name}\" is not a symbol in {Shorten(e)}");

    private static decimal Dec(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            throw new FormatException($"expected \"{name}\" in {Shorten(e)}");
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetDecimal();
        }
        return decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"\"{name}\" is not a decimal in {Shorten(e)}");
    }

    private static Fixed8 Fx(JsonElement e, string name) => Fixed8.FromDecimal(Dec(e, name));

    private static Side SideOf(string side) => side switch
    {
        "BUY" => Side.Buy,
        "SELL" => Side.Sell,
        _ => throw new FormatException($"side '{side}' is neither BUY nor SELL"),
    };

    private static string Shorten(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length > 120 ? text[..120] + "..." : text;
    }
}
