using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.Exchange;

/// <summary>
/// The one paper account (engine thread only): orders by id and open client order id, fills, one-way positions,
/// the USDT wallet. It turns the venue's order events into Binance's order states and user-stream events
/// (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE).
/// </summary>
internal sealed class PaperAccount(decimal startingBalance, ExchangeClock clock, Action<byte[]> userEvent)
{
    private readonly Dictionary<long, PaperOrder> _orders = [];
    private readonly Dictionary<string, PaperOrder> _byClientId = new(StringComparer.Ordinal);
    private readonly Dictionary<Symbol, PaperPosition> _positions = [];
    private readonly List<PaperTrade> _trades = [];
    private long _nextOrderId = 8_389_765_000_000_000_001;

    public decimal WalletBalance { get; private set; } = startingBalance;

    public IReadOnlyList<PaperTrade> Trades => _trades;

    public IEnumerable<PaperOrder> OpenOrders => _orders.Values.Where(o => o.IsOpen).OrderBy(o => o.OrderId);

    public IEnumerable<(Symbol Symbol, PaperPosition Position)> Positions => _positions.OrderBy(p => p.Key.Value, StringComparer.Ordinal).Select(p => (p.Key, p.Value));

    public decimal Position(Symbol symbol) => _positions.TryGetValue(symbol, out var p) ? p.Amount : 0m;

    /// <summary>True when an open order already uses this client order id (Binance: unique among open orders, -4116).</summary>
    public bool IsOpenClientId(string clientOrderId) => _byClientId.TryGetValue(clientOrderId, out var o) && o.IsOpen;

    public PaperOrder Open(NewOrder request, int pricePlaces, int quantityPlaces)
    {
        var id = _nextOrderId++;
        var order = new PaperOrder(id, request.ClientOrderId ?? $"paper_{id}", request, clock.NowMs, pricePlaces, quantityPlaces);
        _orders.Add(id, order);
        _byClientId[order.ClientOrderId] = order;
        return order;
    }

    /// <summary>By order id, else by client order id (the latest order that used it).</summary>
    public PaperOrder? Find(Symbol symbol, long? orderId, string? clientOrderId)
    {
        PaperOrder? order = null;
        if (orderId is { } id)
        {
            _orders.TryGetValue(id, out order);
        }
        else if (clientOrderId is not null)
        {
            _byClientId.TryGetValue(clientOrderId, out order);
        }
        return order is not null && order.Request.Symbol == symbol ? order : null;
    }

    public void OnOrderEvent(in OrderEvent e)
    {
        if (!_orders.TryGetValue(e.ClientOrderId, out var order))
        {
            return;
        }
        var now = clock.NowMs;
        switch (e.Kind)
        {
            case OrderEventKind.Accepted:
                order.UpdateTimeMs = now;
                userEvent(OrderUpdate(order, "NEW", now, null));
                break;
            case OrderEventKind.Rejected:
                order.Reject = e.Reject;
                Forget(order);
                break;
            case OrderEventKind.Filled:
                Fill(order, e.Fill, now);
                break;
            case OrderEventKind.Canceled:
                order.Status = "CANCELED";
                order.UpdateTimeMs = now;
                userEvent(OrderUpdate(order, "CANCELED", now, null));
                break;
            case OrderEventKind.Expired:
                order.Status = "EXPIRED";
                order.UpdateTimeMs = now;
                userEvent(OrderUpdate(order, "EXPIRED", now, null));
                break;
            case OrderEventKind.CancelRejected:
                break;
        }
    }

    private void Forget(PaperOrder order)
    {
        _orders.Remove(order.OrderId);
        if (_byClientId.TryGetValue(order.ClientOrderId, out var known) && known == order)
        {
            _byClientId.Remove(order.ClientOrderId);
        }
    }

    private void Fill(PaperOrder order, Fill fill, long now)
    {
        var price = fill.Price.ToDecimal();
        var quantity = fill.Quantity.ToDecimal();
        order.Executed += quantity;
        order.CumQuote += price * quantity;
        order.Status = fill.LeavesQuantity.Raw == 0 ? "FILLED" : "PARTIALLY_FILLED";
        order.UpdateTimeMs = now;
        var symbol = order.Request.Symbol;
        if (!_positions.TryGetValue(symbol, out var position))
        {
            position = new PaperPosition();
            _positions.Add(symbol, position);
        }
        var realized = position.Fill(order.Request.Side, price, quantity);
        position.UpdateTimeMs = now;
        WalletBalance += realized - fill.Fee;
        var trade = new PaperTrade(fill.FillId, order, price, quantity, fill.Fee, realized, fill.Liquidity == Liquidity.Maker, now);
        _trades.Add(trade);
        userEvent(OrderUpdate(order, "TRADE", now, trade));
        userEvent(AccountUpdate(symbol, position, now));
    }

    private static byte[] OrderUpdate(PaperOrder order, string execution, long now, PaperTrade? trade) => Json.Build(w =>
    {
        var r = order.Request;
        w.WriteStartObject();
        w.WriteString("e", "ORDER_TRADE_UPDATE");
        w.WriteNumber("E", now);
        w.WriteNumber("T", now);
        w.WriteStartObject("o");
        w.WriteString("s", r.Symbol.Value);
        w.WriteString("c", order.ClientOrderId);
        w.WriteString("S", r.Side == Side.Buy ? "BUY" : "SELL");
        w.WriteString("o", r.TypeName);
        w.WriteString("f", r.TimeInForce);
        Json.WriteFixed(w, "q", r.Quantity.Raw, order.QuantityPlaces);
        Json.WriteFixed(w, "p", r.Price.Raw, order.PricePlaces);
        Json.WriteDecimal(w, "ap", order.AveragePrice, Math.Max(order.PricePlaces, 5));
        w.WriteString("sp", "0");
        w.WriteString("x", execution);
        w.WriteString("X", order.Status);
        w.WriteNumber("i", order.OrderId);
        Json.WriteDecimal(w, "l", trade?.Quantity ?? 0m, order.QuantityPlaces);
        Json.WriteDecimal(w, "z", order.Executed, order.QuantityPlaces);
        Json.WriteDecimal(w, "L", trade?.Price ?? 0m, order.PricePlaces);
        w.WriteString("N", "USDT");
        Json.WriteDecimal(w, "n", trade?.Commission ?? 0m);
        w.WriteNumber("T", order.UpdateTimeMs);
        w.WriteNumber("t", trade?.Id ?? 0);
        w.WriteString("b", "0");
        w.WriteString("a", "0");
        w.WriteBoolean("m", trade?.Maker ?? false);
        w.WriteBoolean("R", r.ReduceOnly);
        w.WriteString("wt", "CONTRACT_PRICE");
        w.WriteString("ot", r.TypeName);
        w.WriteString("ps", "BOTH");
        w.WriteBoolean("cp", false);
        Json.WriteDecimal(w, "rp", trade?.RealizedPnl ?? 0m);
        w.WriteBoolean("pP", false);
        w.WriteNumber("si", 0);
        w.WriteNumber("ss", 0);
        w.WriteString("V", "NONE");
        w.WriteString("pm", "NONE");
        w.WriteNumber("gtd", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private byte[] AccountUpdate(Symbol symbol, PaperPosition position, long now) => Json.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("e", "ACCOUNT_UPDATE");
        w.WriteNumber("E", now);
        w.WriteNumber("T", now);
        w.WriteStartObject("a");
        w.WriteString("m", "ORDER");
        w.WriteStartArray("B");
        w.WriteStartObject();
        w.WriteString("a", "USDT");
        Json.WriteDecimal(w, "wb", WalletBalance);
        Json.WriteDecimal(w, "cw", WalletBalance);
        w.WriteString("bc", "0");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("P");
        w.WriteStartObject();
        w.WriteString("s", symbol.Value);
        Json.WriteDecimal(w, "pa", position.Amount);
        Json.WriteDecimal(w, "ep", position.EntryPrice);
        Json.WriteDecimal(w, "bep", position.EntryPrice);
        Json.WriteDecimal(w, "cr", position.Realized);
        w.WriteString("up", "0");
        w.WriteString("mt", "cross");
        w.WriteString("iw", "0");
        w.WriteString("ps", "BOTH");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
