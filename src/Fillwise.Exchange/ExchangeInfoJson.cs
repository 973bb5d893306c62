using System.Globalization;
using Fillwise.Core;

namespace Fillwise.Exchange;

/// <summary>GET /fapi/v1/exchangeInfo: the rate limits in force and each recorded symbol's filters from the symbol catalog.</summary>
internal static class ExchangeInfoJson
{
    /// <summary>PRICE_FILTER maxPrice, LOT_SIZE / MARKET_LOT_SIZE maxQty and MAX_NUM_ORDERS as published; the desk enforces them.</summary>
    public const decimal MaxPrice = 10_000_000m;
    public const decimal MaxQuantity = 10_000_000m;
    public const int MaxOpenOrders = 200;

    public static byte[] Write(long nowMs, RateLimitOptions limits, IEnumerable<SymbolFilters> symbols) => Json.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("timezone", "UTC");
        w.WriteNumber("serverTime", nowMs);
        w.WriteString("futuresType", "U_MARGINED");
        w.WriteStartArray("rateLimits");
        RateLimit(w, "REQUEST_WEIGHT", "MINUTE", 1, limits.WeightPerMinute);
        RateLimit(w, "ORDERS", "MINUTE", 1, limits.OrdersPerMinute);
        RateLimit(w, "ORDERS", "SECOND", 10, limits.OrdersPer10Seconds);
        w.WriteEndArray();
        w.WriteStartArray("exchangeFilters");
        w.WriteEndArray();
        w.WriteStartArray("assets");
        w.WriteStartObject();
        w.WriteString("asset", "USDT");
        w.WriteBoolean("marginAvailable", true);
        w.WriteNull("autoAssetExchange");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("symbols");
        foreach (var f in symbols)
        {
            var name = f.Symbol.Value;
            var quote = name.EndsWith("USDT", StringComparison.Ordinal) ? "USDT" : name.EndsWith("USDC", StringComparison.Ordinal) ? "USDC" : "USDT";
            var tick = Text(f.TickSize);
            var step = Text(f.StepSize);
            w.WriteStartObject();
            w.WriteString("symbol", name);
            w.WriteString("pair", name);
            w.WriteString("contractType", "PERPETUAL");
            w.WriteNumber("deliveryDate", 4133404800000);
            w.WriteNumber("onboardDate", 1569398400000);
            w.WriteString("status", "TRADING");
            w.WriteString("baseAsset", name.EndsWith(quote, StringComparison.Ordinal) ? name[..^quote.Length] : name);
            w.WriteString("quoteAsset", quote);
            w.WriteString("marginAsset", quote);
            w.WriteNumber("pricePrecision", Json.Places(f.TickSize));
            w.WriteNumber("quantityPrecision", Json.Places(f.StepSize));
            w.WriteNumber("baseAssetPrecision", 8);
            w.WriteNumber("quotePrecision", 8);
            w.WriteString("underlyingType", "COIN");
            w.WriteStartArray("filters");
            w.WriteStartObject();
            w.WriteString("filterType", "PRICE_FILTER");
            w.WriteString("minPrice", tick);
            w.WriteString("maxPrice", Text(MaxPrice));
            w.WriteString("tickSize", tick);
            w.WriteEndObject();
            foreach (var lot in new[] { "LOT_SIZE", "MARKET_LOT_SIZE" })
            {
                w.WriteStartObject();
                w.WriteString("filterType", lot);
                w.WriteString("maxQty", Text(MaxQuantity));
                w.WriteString("minQty", step);
                w.WriteString("stepSize", step);
                w.WriteEndObject();
            }
            w.WriteStartObject();
            w.WriteString("filterType", "MAX_NUM_ORDERS");
            w.WriteNumber("limit", MaxOpenOrders);
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("filterType", "MIN_NOTIONAL");
            w.WriteString("notional", Text(f.MinNotional));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("orderTypes");
            w.WriteStringValue("LIMIT");
            w.WriteStringValue("MARKET");
            w.WriteEndArray();
            w.WriteStartArray("timeInForce");
            w.WriteStringValue("GTC");
            w.WriteStringValue("IOC");
            w.WriteStringValue("GTX");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static void RateLimit(System.Text.Json.Utf8JsonWriter w, string type, string interval, int number, int limit)
    {
        w.WriteStartObject();
        w.WriteString("rateLimitType", type);
        w.WriteString("interval", interval);
        w.WriteNumber("intervalNum", number);
        w.WriteNumber("limit", limit);
        w.WriteEndObject();
    }
}
