using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.Exchange;

/// <summary>What a client asked for, checked for form by the REST layer (the venue checks filters).</summary>
internal sealed record NewOrder(Symbol Symbol, Side Side, OrderType Type, string TypeName, string TimeInForce, Fixed8 Quantity, Fixed8 Price, string? ClientOrderId, bool ReduceOnly);

/// <summary>One order of the paper account, in Binance's terms (status names, cumulative quantities).</summary>
internal sealed class PaperOrder(long orderId, string clientOrderId, NewOrder request, long timeMs, int pricePlaces, int quantityPlaces)
{
    public long OrderId { get; } = orderId;
    public string ClientOrderId { get; } = clientOrderId;
    public NewOrder Request { get; } = request;
    public long TimeMs { get; } = timeMs;
    public long UpdateTimeMs { get; set; } = timeMs;
    public string Status { get; set; } = "NEW";
    public decimal Executed { get; set; }
    public decimal CumQuote { get; set; }
    public int PricePlaces { get; } = pricePlaces;
    public int QuantityPlaces { get; } = quantityPlaces;

    /// <summary>Set when the venue refused the order: the REST answer is this error and the order is forgotten.</summary>
    public VenueReject? Reject { get; set; }

    public bool IsOpen => Status is "NEW" or "PARTIALLY_FILLED";

    public decimal AveragePrice => Executed > 0 ? CumQuote / Executed : 0m;

    /// <summary>The order as REST returns it (new, cancel, query, openOrders).</summary>
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("orderId", OrderId);
        w.WriteString("symbol", Request.Symbol.Value);
        w.WriteString("status", Status);
        w.WriteString("clientOrderId", ClientOrderId);
        Json.WriteFixed(w, "price", Request.Price.Raw, PricePlaces);
        Json.WriteDecimal(w, "avgPrice", AveragePrice, Math.Max(PricePlaces, 5));
        Json.WriteFixed(w, "origQty", Request.Quantity.Raw, QuantityPlaces);
        Json.WriteDecimal(w, "executedQty", Executed, QuantityPlaces);
        Json.WriteDecimal(w, "cumQty", Executed, QuantityPlaces);
        Json.WriteDecimal(w, "cumQuote", CumQuote, 5);
        w.WriteString("timeInForce", Request.TimeInForce);
        w.WriteString("type", Request.TypeName);
        w.WriteBoolean("reduceOnly", Request.ReduceOnly);
        w.WriteBoolean("closePosition", false);
        w.WriteString("side", Request.Side == Side.Buy ? "BUY" : "SELL");
        w.WriteString("positionSide", "BOTH");
        w.WriteString("stopPrice", "0");
        w.WriteString("workingType", "CONTRACT_PRICE");
        w.WriteBoolean("priceProtect", false);
        w.WriteString("origType", Request.TypeName);
        w.WriteString("priceMatch", "NONE");
        w.WriteString("selfTradePreventionMode", "NONE");
        w.WriteNumber("goodTillDate", 0);
        w.WriteNumber("time", TimeMs);
        w.WriteNumber("updateTime", UpdateTimeMs);
        w.WriteEndObject();
    }
}

/// <summary>One fill of the paper account (GET /fapi/v1/userTrades).</summary>
internal sealed record PaperTrade(long Id, PaperOrder Order, decimal Price, decimal Quantity, decimal Commission, decimal RealizedPnl, bool Maker, long TimeMs)
{
    public void Write(Utf8JsonWriter w)
    {
        var buyer = Order.Request.Side == Side.Buy;
        w.WriteStartObject();
        w.WriteBoolean("buyer", buyer);
        Json.WriteDecimal(w, "commission", Commission);
        w.WriteString("commissionAsset", "USDT");
        w.WriteNumber("id", Id);
        w.WriteBoolean("maker", Maker);
        w.WriteNumber("orderId", Order.OrderId);
        Json.WriteDecimal(w, "price", Price, Order.PricePlaces);
        Json.WriteDecimal(w, "qty", Quantity, Order.QuantityPlaces);
        Json.WriteDecimal(w, "quoteQty", Price * Quantity, 5);
        Json.WriteDecimal(w, "realizedPnl", RealizedPnl);
        w.WriteString("side", buyer ? "BUY" : "SELL");
        w.WriteString("positionSide", "BOTH");
        w.WriteString("symbol", Order.Request.Symbol.Value);
        w.WriteNumber("time", TimeMs);
        w.WriteEndObject();
    }
}

/// <summary>A one-way (BOTH) position: signed amount, average entry, realized PnL; money in decimal.</summary>
internal sealed class PaperPosition
{
    public decimal Amount { get; private set; }
    public decimal EntryPrice { get; private set; }
    public decimal Realized { get; private set; }
    public long UpdateTimeMs { get; set; }

    /// <summary>Books a fill; returns the PnL it realized (closing part only).</summary>
    public decimal Fill(Side side, decimal price, decimal quantity)
    {
        var signed = side == Side.Buy ? quantity : -quantity;
        var realized = 0m;
        if (Amount != 0 && Math.Sign(signed) != Math.Sign(Amount))
        {
            var closing = Math.Min(Math.Abs(signed), Math.Abs(Amount));
            realized = closing * (price - EntryPrice) * Math.Sign(Amount);
            Amount += Math.Sign(signed) * closing;
            signed -= Math.Sign(signed) * closing;
            if (Amount == 0)
            {
                EntryPrice = 0;
            }
        }
        if (signed != 0)
        {
            EntryPrice = (EntryPrice * Math.Abs(Amount) + price * Math.Abs(signed)) / (Math.Abs(Amount) + Math.Abs(signed));
            Amount += signed;
        }
        Realized += realized;
        return realized;
    }
}
