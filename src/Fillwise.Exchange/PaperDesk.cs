using System.Text.Json;
using Fillwise.Core;
using Fillwise.Venues.Replay;

namespace Fillwise.Exchange;

/// <summary>An HTTP answer: status and JSON body (Binance's <c>{"code":…,"msg":…}</c> for errors).</summary>
internal readonly record struct Reply(int Status, byte[] Body)
{
    public static Reply Ok(byte[] body) => new(200, body);

    public static Reply Error(int status, int code, string message) => new(status, Json.Error(code, message));

    public static Reply Error(int status, VenueReject reject) => Error(status, reject.Code, reject.Message);
}

/// <summary>
/// The trading endpoints' work, on the engine thread: orders go to the replay venue and are settled at once (the
/// venue adds no latency), so the REST answer already carries the outcome; queries read the paper account.
/// </summary>
internal sealed class PaperDesk(ReplayVenue venue, PaperAccount account, MarketFeed feed, SymbolCatalog catalog, Action settle)
{
    public static readonly VenueReject UnknownOrder = new(-2011, "Unknown order sent.");
    public static readonly VenueReject NoSuchOrder = new(-2013, "Order does not exist.");
    public static readonly VenueReject ReduceOnlyRejected = new(-2022, "ReduceOnly Order is rejected.");
    public static readonly VenueReject PriceAboveMax = new(-4002, "Price greater than max price.");
    public static readonly VenueReject QuantityAboveMax = new(-4005, "Quantity greater than max quantity.");
    public static readonly VenueReject TooManyOpenOrders = new(-2025, "Reach max open order limit.");

    public Reply Place(NewOrder request)
    {
        if (!catalog.TryGet(request.Symbol, out _))
        {
            return Reply.Error(400, RejectCodes.UnknownSymbol);
        }
        if (request.ClientOrderId is { } cid && account.IsOpenClientId(cid))
        {
            return Reply.Error(400, RejectCodes.DuplicateClientOrderId);
        }
        // The bounds exchangeInfo publishes (the replay venue checks tick, step and notional, not these).
        if (request.Price.ToDecimal() > ExchangeInfoJson.MaxPrice)
        {
            return Reply.Error(400, PriceAboveMax);
        }
        if (request.Quantity.ToDecimal() > ExchangeInfoJson.MaxQuantity)
        {
            return Reply.Error(400, QuantityAboveMax);
        }
        if (account.OpenOrders.Count(o => o.Request.Symbol == request.Symbol) >= ExchangeInfoJson.MaxOpenOrders)
        {
            return Reply.Error(400, TooManyOpenOrders);
        }
        if (request.ReduceOnly)
        {
            var position = account.Position(request.Symbol);
            var reduces = request.Side == Side.Buy ? position < 0 : position > 0;
            if (!reduces || request.Quantity.ToDecimal() > Math.Abs(position))
            {
                return Reply.Error(400, ReduceOnlyRejected);
            }
        }
        var (pricePlaces, quantityPlaces) = feed.Places(request.Symbol);
        var order = account.Open(request, pricePlaces, quantityPlaces);
        venue.Submit(new OrderRequest(order.OrderId, request.Symbol, request.Side, request.Type, request.Quantity, request.Price));
        settle();
        return order.Reject is { } reject ? Reply.Error(400, reject) : Reply.Ok(Json.Build(order.Write));
    }

    public Reply Cancel(Symbol symbol, long? orderId, string? clientOrderId)
    {
        var order = account.Find(symbol, orderId, clientOrderId);
        if (order is null || !order.IsOpen)
        {
            return Reply.Error(400, UnknownOrder);
        }
        venue.Cancel(symbol, order.OrderId);
        settle();
        // A cancel can lose the race with a fill that happened in the same instant: then it is unknown, as on Binance.
        return order.Status == "CANCELED" ? Reply.Ok(Json.Build(order.Write)) : Reply.Error(400, UnknownOrder);
    }

    public Reply CancelAll(Symbol symbol)
    {
        foreach (var order in account.OpenOrders.Where(o => o.Request.Symbol == symbol).ToList())
        {
            venue.Cancel(symbol, order.OrderId);
        }
        settle();
        return Reply.Ok(Json.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("code", 200);
            w.WriteString("msg", "The operation of cancel all open order is done.");
            w.WriteEndObject();
        }));
    }

    public Reply Query(Symbol symbol, long? orderId, string? clientOrderId) =>
        account.Find(symbol, orderId, clientOrderId) is { } order ? Reply.Ok(Json.Build(order.Write)) : Reply.Error(400, NoSuchOrder);

    public Reply OpenOrders(Symbol? symbol) => Reply.Ok(Json.Build(w =>
    {
        w.WriteStartArray();
        foreach (var order in account.OpenOrders.Where(o => symbol is null || o.Request.Symbol == symbol))
        {
            order.Write(w);
        }
        w.WriteEndArray();
    }));

    /// <summary>GET /fapi/v1/openOrder (one open order): -2013 when it is not open.</summary>
    public Reply OpenOrder(Symbol symbol, long? orderId, string? clientOrderId) =>
        account.Find(symbol, orderId, clientOrderId) is { IsOpen: true } order ? Reply.Ok(Json.Build(order.Write)) : Reply.Error(400, -2013, "Order does not exist.");

    public Reply UserTrades(Symbol symbol, long? orderId, long? fromId, long? startTime, long? endTime, int limit) => Reply.Ok(Json.Build(w =>
    {
        w.WriteStartArray();
        var trades = account.Trades.Where(t => t.Order.Request.Symbol == symbol
            && (orderId is null || t.Order.OrderId == orderId)
            && (fromId is null || t.Id >= fromId)
            && (startTime is null || t.TimeMs >= startTime)
            && (endTime is null || t.TimeMs <= endTime));
        // Binance returns the most recent trades unless fromId pages forward from an id.
        var chosen = fromId is null ? trades.TakeLast(limit) : trades.Take(limit);
        foreach (var trade in chosen)
        {
            trade.Write(w);
        }
        w.WriteEndArray();
    }));

    public Reply PositionRisk(Symbol? symbol) => Reply.Ok(Json.Build(w =>
    {
        w.WriteStartArray();
        foreach (var s in Symbols().Where(s => symbol is null || s == symbol))
        {
            WritePosition(w, s);
        }
        w.WriteEndArray();
    }));

    public Reply Balance(long nowMs) => Reply.Ok(Json.Build(w =>
    {
        var (wallet, unrealized) = Totals();
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("accountAlias", "paper");
        w.WriteString("asset", "USDT");
        Json.WriteDecimal(w, "balance", wallet);
        Json.WriteDecimal(w, "crossWalletBalance", wallet);
        Json.WriteDecimal(w, "crossUnPnl", unrealized);
        Json.WriteDecimal(w, "availableBalance", wallet + unrealized);
        Json.WriteDecimal(w, "maxWithdrawAmount", wallet);
        w.WriteBoolean("marginAvailable", true);
        w.WriteNumber("updateTime", nowMs);
        w.WriteEndObject();
        w.WriteEndArray();
    }));

    public Reply AccountInfo() => Reply.Ok(Json.Build(w =>
    {
        var (wallet, unrealized) = Totals();
        w.WriteStartObject();
        Json.WriteDecimal(w, "totalWalletBalance", wallet);
        Json.WriteDecimal(w, "totalUnrealizedProfit", unrealized);
        Json.WriteDecimal(w, "totalMarginBalance", wallet + unrealized);
        Json.WriteDecimal(w, "availableBalance", wallet + unrealized);
        Json.WriteDecimal(w, "maxWithdrawAmount", wallet);
        w.WriteBoolean("canTrade", true);
        w.WriteBoolean("canDeposit", false);
        w.WriteBoolean("canWithdraw", false);
        w.WriteStartArray("assets");
        w.WriteStartObject();
        w.WriteString("asset", "USDT");
        Json.WriteDecimal(w, "walletBalance", wallet);
        Json.WriteDecimal(w, "unrealizedProfit", unrealized);
        Json.WriteDecimal(w, "marginBalance", wallet + unrealized);
        Json.WriteDecimal(w, "availableBalance", wallet + unrealized);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("positions");
        foreach (var (s, p) in account.Positions)
        {
            w.WriteStartObject();
            w.WriteString("symbol", s.Value);
            Json.WriteDecimal(w, "positionAmt", p.Amount);
            Json.WriteDecimal(w, "entryPrice", p.EntryPrice);
            Json.WriteDecimal(w, "unrealizedProfit", Unrealized(s, p));
            w.WriteString("positionSide", "BOTH");
            w.WriteNumber("updateTime", p.UpdateTimeMs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }));

    public Reply Depth(Symbol symbol, int limit) =>
        feed.Snapshot(symbol, limit) is { } body
            ? Reply.Ok(body)
            : Reply.Error(503, -1000, $"No synchronised book for {symbol.Value} yet: the recording has not reached its first depth snapshot (or has a gap); retry shortly.");

    private IEnumerable<Symbol> Symbols() =>
        feed.Symbols.Concat(account.Positions.Select(p => p.Symbol)).Distinct().OrderBy(s => s.Value, StringComparer.Ordinal);

    private void WritePosition(Utf8JsonWriter w, Symbol symbol)
    {
        var position = account.Positions.Where(p => p.Symbol == symbol).Select(p => p.Position).FirstOrDefault() ?? new PaperPosition();
        feed.TryGetMid(symbol, out var mark);
        w.WriteStartObject();
        w.WriteString("symbol", symbol.Value);
        Json.WriteDecimal(w, "positionAmt", position.Amount);
        Json.WriteDecimal(w, "entryPrice", position.EntryPrice);
        Json.WriteDecimal(w, "breakEvenPrice", position.EntryPrice);
        Json.WriteDecimal(w, "markPrice", mark);
        Json.WriteDecimal(w, "unRealizedProfit", Unrealized(symbol, position));
        w.WriteString("liquidationPrice", "0");
        w.WriteString("leverage", "1");
        w.WriteString("marginType", "cross");
        w.WriteString("isolatedMargin", "0.00000000");
        w.WriteString("positionSide", "BOTH");
        Json.WriteDecimal(w, "notional", position.Amount * mark);
        w.WriteNumber("updateTime", position.UpdateTimeMs);
        w.WriteEndObject();
    }

    private decimal Unrealized(Symbol symbol, PaperPosition position) =>
        position.Amount != 0 && feed.TryGetMid(symbol, out var mark) ? (mark - position.EntryPrice) * position.Amount : 0m;

    private (decimal Wallet, decimal Unrealized) Totals() =>
        (account.WalletBalance, account.Positions.Sum(p => Unrealized(p.Symbol, p.Position)));
}
