using System.Globalization;
using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Venues.Binance;

/// <summary>
/// Orders: REST sends, the user stream as the source of fills, REST queries to resolve anything uncertain. Every
/// state change runs on the engine thread; the order's accepted/terminal flags and the set of trade ids already
/// reported make each event happen once, whichever of stream, REST answer or recovery reports it first.
/// </summary>
public sealed partial class BinanceVenue
{
    private readonly Dictionary<long, LiveOrder> _orders = [];
    private bool _killed;

    /// <summary>Orders not yet filled, cancelled, expired or rejected.</summary>
    public int WorkingOrders => _orders.Values.Count(o => !o.Terminal);

    public void Submit(in OrderRequest request)
    {
        var child = request.ClientOrderId;
        if (_orders.ContainsKey(child))
        {
            var copy = request;
            Post(() => _listener?.OnOrderEvent(new OrderEvent(OrderEventKind.Rejected, child, copy.Symbol, copy.Side, NowNs, default, RejectCodes.DuplicateClientOrderId, copy.Quantity, false)));
            return;
        }
        var order = new LiveOrder(request, Ids.Format(child));
        _orders.Add(child, order);
        if (_killed)
        {
            Stats.KillSwitchRejects++;
            Post(() => Reject(order, new VenueReject(-1000, "The kill switch is on: no new orders.")));
        }
        else if (DryRun)
        {
            // Dry run: the order is accepted locally and never fills; an IOC/market order expires unfilled at once.
            Post(() =>
            {
                Accept(order);
                if (order.Request.Type is OrderType.Market or OrderType.Ioc)
                {
                    Finish(order, "EXPIRED");
                }
            });
        }
        else
        {
            Stats.OrdersSent++;
            Background(ct => PlaceAsync(order, ct));
        }
    }

    public void Cancel(Symbol symbol, long clientOrderId)
    {
        if (!_orders.TryGetValue(clientOrderId, out var order) || order.Terminal || order.Request.Symbol != symbol)
        {
            Post(() => _listener?.OnOrderEvent(new OrderEvent(OrderEventKind.CancelRejected, clientOrderId, symbol, default, NowNs, default, RejectCodes.CancelUnknownOrder, default, false)));
            return;
        }
        if (DryRun)
        {
            Post(() =>
            {
                if (order.Terminal)
                {
                    CancelRejected(order, RejectCodes.CancelUnknownOrder);
                }
                else
                {
                    Finish(order, "CANCELED");
                }
            });
            return;
        }
        Stats.CancelsSent++;
        Background(ct => CancelAsync(order, ct));
    }

    private async Task PlaceAsync(LiveOrder order, CancellationToken ct)
    {
        var r = order.Request;
        List<(string, string)> p = [("symbol", r.Symbol.Value), ("side", r.Side == Side.Buy ? "BUY" : "SELL")];
        switch (r.Type)
        {
            case OrderType.Market:
                p.Add(("type", "MARKET"));
                break;
            default:
                p.Add(("type", "LIMIT"));
                p.Add(("timeInForce", r.Type switch { OrderType.PostOnly => "GTX", OrderType.Ioc => "IOC", _ => "GTC" }));
                p.Add(("price", Text(r.Price)));
                break;
        }
        p.Add(("quantity", Text(r.Quantity)));
        p.Add(("newClientOrderId", order.ClientId));
        p.Add(("newOrderRespType", "RESULT"));
        var result = await _rest.SendAsync(HttpMethod.Post, "/fapi/v1/order", p, Security.Signed, ct, isOrder: true).ConfigureAwait(false);
        if (result.Ok)
        {
            var update = BinanceJson.ParseOrder(result.Body);
            Post(() => OnRestOrder(order, update));
        }
        else if (result.OutcomeUnknown || result.Code == -4116)
        {
            // Unknown (or a duplicate id: it did arrive before): find out by client id, never send again.
            Post(() => Stats.UnknownOutcomes++);
            await ResolveAsync(order, null, ct).ConfigureAwait(false);
        }
        else
        {
            Post(() => Reject(order, new VenueReject(result.Code, result.Message)));
        }
    }

    private async Task CancelAsync(LiveOrder order, CancellationToken ct)
    {
        var result = await _rest.SendAsync(HttpMethod.Delete, "/fapi/v1/order", [("symbol", order.Request.Symbol.Value), ("origClientOrderId", order.ClientId)], Security.Signed, ct).ConfigureAwait(false);
        if (result.Ok)
        {
            var update = BinanceJson.ParseOrder(result.Body);
            Post(() => OnRestOrder(order, update));
        }
        else if (result.OutcomeUnknown || result.Code is -2011 or -2013)
        {
            // The order was already gone (filled?) or we do not know: its fills are recovered before the answer.
            var reject = result.OutcomeUnknown ? (VenueReject?)null : new VenueReject(result.Code, result.Message);
            await ResolveAsync(order, reject, ct).ConfigureAwait(false);
        }
        else
        {
            Post(() => CancelRejected(order, new VenueReject(result.Code, result.Message)));
        }
    }

    /// <summary>
    /// Queries the order by client id and, when it filled more than we have seen, its trades; applies both on the
    /// engine thread (missing fills first, then the final state), then the cancel rejection if one is pending.
    /// </summary>
    private async Task ResolveAsync(LiveOrder order, VenueReject? cancelReject, CancellationToken ct)
    {
        var symbol = order.Request.Symbol.Value;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var query = await _rest.SendAsync(HttpMethod.Get, "/fapi/v1/order", [("symbol", symbol), ("origClientOrderId", order.ClientId)], Security.Signed, ct).ConfigureAwait(false);
            if (query.Code == -2013)
            {
                Post(() =>
                {
                    // Never reached the exchange: rejected here, and not resent (a later sighting is cancelled).
                    order.Abandoned = !order.Accepted;
                    Reject(order, new VenueReject(-1007, "Outcome unknown and the venue does not know the order; it was not resent."));
                    if (cancelReject is { } c)
                    {
                        CancelRejected(order, c);
                    }
                });
                return;
            }
            if (query.Ok)
            {
                var update = BinanceJson.ParseOrder(query.Body);
                IReadOnlyList<UserTrade> trades = [];
                if (update.CumulativeQuantity.Raw > 0)
                {
                    var t = await _rest.SendAsync(HttpMethod.Get, "/fapi/v1/userTrades", [("symbol", symbol), ("orderId", update.OrderId.ToString(CultureInfo.InvariantCulture))], Security.Signed, ct).ConfigureAwait(false);
                    trades = t.Ok ? BinanceJson.ParseUserTrades(t.Body) : [];
                }
                Post(() => ApplyRecovery(order, update, trades, cancelReject));
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), _time, ct).ConfigureAwait(false);
        }
        Post(() => ResolveLater(order, cancelReject));
    }

    private void ResolveLater(LiveOrder order, VenueReject? cancelReject) => Background(async ct =>
    {
        await Task.Delay(TimeSpan.FromSeconds(5), _time, ct).ConfigureAwait(false);
        await ResolveAsync(order, cancelReject, ct).ConfigureAwait(false);
    });

    private void ApplyRecovery(LiveOrder order, OrderUpdate update, IReadOnlyList<UserTrade> trades, VenueReject? cancelReject)
    {
        order.OrderId = update.OrderId;
        if (!(update.Status == "EXPIRED" && IsPostOnlyRefusal(order, update)))
        {
            Accept(order);
        }
        foreach (var t in trades.Where(t => t.OrderId == update.OrderId).OrderBy(t => t.TradeId))
        {
            AddFill(order, t.TradeId, t.Price, t.Quantity, t.Maker, t.Commission, t.CommissionAsset, recovered: true);
        }
        if (update.IsTerminal && order.FilledRaw >= update.CumulativeQuantity.Raw)
        {
            Finish(order, update.Status);
        }
        if (cancelReject is { } c)
        {
            CancelRejected(order, c);
        }
    }

    /// <summary>A REST order answer (new order, cancel): acknowledges; a final state is applied once every fill is in.</summary>
    private void OnRestOrder(LiveOrder order, OrderUpdate update)
    {
        order.OrderId = update.OrderId;
        if (update.Status == "EXPIRED" && IsPostOnlyRefusal(order, update))
        {
            Finish(order, update.Status);
            return;
        }
        Accept(order);
        if (!update.IsTerminal || order.Terminal)
        {
            return;
        }
        if (update.CumulativeQuantity.Raw <= order.FilledRaw)
        {
            Finish(order, update.Status);
        }
        else
        {
            // Fills are on their way on the user stream; if they do not come, REST supplies them.
            Background(async ct =>
            {
                await Task.Delay(TimeSpan.FromSeconds(2), _time, ct).ConfigureAwait(false);
                Post(() =>
                {
                    if (!order.Terminal && order.FilledRaw < update.CumulativeQuantity.Raw)
                    {
                        Background(c => ResolveAsync(order, null, c));
                    }
                });
            });
        }
    }

    /// <summary>ORDER_TRADE_UPDATE from the user stream.</summary>
    private void OnUserOrder(OrderUpdate u)
    {
        if (!Ids.TryParse(u.ClientOrderId, out var child) || !_orders.TryGetValue(child, out var order))
        {
            return;
        }
        if (order.Abandoned)
        {
            if (!u.IsTerminal)
            {
                Background(ct => _rest.SendAsync(HttpMethod.Delete, "/fapi/v1/order", [("symbol", u.Symbol.Value), ("origClientOrderId", u.ClientOrderId)], Security.Signed, ct));
            }
            return;
        }
        order.OrderId = u.OrderId;
        if (u.ExecutionType == "EXPIRED" && IsPostOnlyRefusal(order, u))
        {
            Finish(order, u.Status);
            return;
        }
        Accept(order);
        if (u.ExecutionType == "TRADE")
        {
            AddFill(order, u.TradeId, u.LastPrice, u.LastQuantity, u.Maker, u.Commission, u.CommissionAsset, recovered: false);
        }
        if (u.CumulativeQuantity.Raw > order.FilledRaw)
        {
            // A fill we never saw (a message lost before a reconnect): REST has it.
            Background(ct => ResolveAsync(order, null, ct));
            return;
        }
        if (u.IsTerminal)
        {
            Finish(order, u.Status);
        }
    }

    /// <summary>A GTX order that would have taken: Binance rejects it (-5022) or expires it unfilled; the executor sees -5022 either way.</summary>
    private static bool IsPostOnlyRefusal(LiveOrder order, OrderUpdate u) =>
        order.Request.Type == OrderType.PostOnly && u.CumulativeQuantity.Raw == 0 && order.FilledRaw == 0 && !order.Accepted;

    private void Accept(LiveOrder order)
    {
        if (order.Accepted || order.Terminal)
        {
            return;
        }
        order.Accepted = true;
        Stats.OrdersAccepted++;
        _listener?.OnOrderEvent(new OrderEvent(OrderEventKind.Accepted, order.Request.ClientOrderId, order.Request.Symbol, order.Request.Side, NowNs, default, default, order.Request.Quantity, false));
    }

    private void Reject(LiveOrder order, VenueReject reason)
    {
        if (order.Terminal)
        {
            return;
        }
        order.Terminal = true;
        Stats.OrdersRejected++;
        _listener?.OnOrderEvent(new OrderEvent(OrderEventKind.Rejected, order.Request.ClientOrderId, order.Request.Symbol, order.Request.Side, NowNs, default, reason, order.Request.Quantity, false));
    }

    private void CancelRejected(LiveOrder order, VenueReject reason) =>
        _listener?.OnOrderEvent(new OrderEvent(OrderEventKind.CancelRejected, order.Request.ClientOrderId, order.Request.Symbol, order.Request.Side, NowNs, default, reason, default, false));

    /// <summary>The order's final state, once: cancelled or expired with what was left; filled needs no event (the fills said it).</summary>
    private void Finish(LiveOrder order, string status)
    {
        if (order.Terminal)
        {
            return;
        }
        if (status == "EXPIRED" && order.Request.Type == OrderType.PostOnly && order.FilledRaw == 0 && !order.Accepted)
        {
            Reject(order, RejectCodes.PostOnlyWouldTake);
            return;
        }
        order.Terminal = true;
        var leaves = new Fixed8(order.Request.Quantity.Raw - order.FilledRaw);
        var kind = status switch
        {
            "CANCELED" => OrderEventKind.Canceled,
            "FILLED" => (OrderEventKind?)null,
            _ => OrderEventKind.Expired,
        };
        if (kind is { } k && leaves.Raw > 0)
        {
            _listener?.OnOrderEvent(new OrderEvent(k, order.Request.ClientOrderId, order.Request.Symbol, order.Request.Side, NowNs, default, default, leaves, false));
        }
    }

    private void AddFill(LiveOrder order, long tradeId, Fixed8 price, Fixed8 quantity, bool maker, decimal commission, string commissionAsset, bool recovered)
    {
        if (quantity.Raw <= 0)
        {
            return;
        }
        if (!order.Trades.Add(tradeId))
        {
            Stats.DuplicateFills++;
            return;
        }
        order.FilledRaw += quantity.Raw;
        Stats.Fills++;
        if (recovered)
        {
            Stats.RecoveredFills++;
        }
        var notional = price.ToDecimal() * quantity.ToDecimal();
        var inQuote = FeeInQuote(order.Request.Symbol, commissionAsset);
        if (!inQuote)
        {
            Stats.ForeignFeeFills++;
        }
        var fill = new Fill(tradeId, price, quantity, maker ? Liquidity.Maker : Liquidity.Taker, inQuote && notional > 0 ? commission / notional : 0m, inQuote ? commission : 0m,
            new Fixed8(Math.Max(0, order.Request.Quantity.Raw - order.FilledRaw)), inQuote);
        _listener?.OnOrderEvent(new OrderEvent(OrderEventKind.Filled, order.Request.ClientOrderId, order.Request.Symbol, order.Request.Side, NowNs, fill, default, quantity, false));
        if (order.FilledRaw >= order.Request.Quantity.Raw)
        {
            order.Terminal = true;
        }
    }

    /// <summary>
    /// Whether a commission is in the symbol's quote (margin) currency: its asset is the end of the symbol's name (USDT of
    /// BTCUSDT, and of the quarterly BTCUSDT_250627), or not given. Binance charges BNB instead when the account's BNB fee
    /// discount is on; that amount cannot be valued here, so the fill says so and the executor charges its own rate.
    /// </summary>
    internal static bool FeeInQuote(Symbol symbol, string commissionAsset)
    {
        var name = symbol.Value.AsSpan();
        var delivery = name.IndexOf('_');
        return commissionAsset.Length == 0 || (delivery > 0 ? name[..delivery] : name).EndsWith(commissionAsset, StringComparison.Ordinal);
    }

    /// <summary>Decimal text without trailing zeros, as Binance's precision checks want it.</summary>
    private static string Text(Fixed8 value) => value.ToDecimal().ToString("0.########", CultureInfo.InvariantCulture);

    private sealed class LiveOrder(OrderRequest request, string clientId)
    {
        public OrderRequest Request { get; } = request;
        public string ClientId { get; } = clientId;
        public bool Accepted { get; set; }
        public bool Terminal { get; set; }

        /// <summary>Its send's outcome was unknown and the venue did not know it: if it ever shows up, it is cancelled.</summary>
        public bool Abandoned { get; set; }
        public long OrderId { get; set; }
        public long FilledRaw { get; set; }
        public HashSet<long> Trades { get; } = [];
    }
}
