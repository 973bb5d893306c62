using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Venues.Replay;

/// <summary>
/// A deterministic stand-in for the exchange, stepped by one single-threaded loop (Fillwise.Backtest's
/// BacktestEngine). Each <see cref="Step"/> handles whichever comes first by (time, scheduling order): the next
/// recorded market event (by receive time) or one of the venue's own events — order and cancel arrivals after
/// their latency, acks and fills delivered after the response latency, market data after its latency, timers
/// (a market event whose update is due to the client at once is delivered in the same step, where the queue would
/// have put it next). Randomness comes from seeded streams per model, so the same inputs and seed give identical output.
/// Build one with <see cref="ReplayVenues"/>.
/// </summary>
public sealed class ReplayVenue : IVenue, IMatchingSink, IDisposable
{
    private readonly IMarketModel _market;
    private readonly SymbolCatalog _catalog;
    private readonly ReplayVenueOptions _options;
    private readonly PendingQueue _pending = new();
    private readonly Dictionary<long, VenueOrder> _orders = [];
    private readonly HashSet<long> _closedIds = [];
    private readonly ReplayTimeProvider _time;
    private DeterministicRandom _latencyRandom;
    private IVenueListener? _listener;
    private long _sequence;
    private long _pendingWork;
    private long _nextFillId = 1;
    private long _lastResponseDueNs;
    private long _lastMarketDueNs;
    private bool _started;

    internal ReplayVenue(IMarketModel market, SymbolCatalog catalog, ReplayVenueOptions options)
    {
        options.Validate();
        _market = market;
        _catalog = catalog;
        _options = options;
        _latencyRandom = DeterministicRandom.ForStream(options.Seed, streamId: 1);
        _time = new ReplayTimeProvider(this);
    }

    public TimeProvider Time => _time;

    public long NowNs { get; private set; }

    internal bool IsAttached => _listener is not null;

    public ReplayStats Stats { get; } = new();

    /// <summary>
    /// Tick mode: the L2 books rebuilt from the data so far, one per symbol, sorted (their gaps and sync state are the
    /// input check's when the run checks its own read of the data). Bar mode has none.
    /// </summary>
    public IReadOnlyList<Fillwise.MarketData.Books.OrderBook> Books => _market is TickMarket tick ? tick.Books : [];

    /// <summary>Starts the clock at the first recorded event and attaches the client that receives callbacks.</summary>
    public void Attach(IVenueListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listener = listener;
        if (!_started)
        {
            _started = true;
            if (_market.TryPeekTime(out var first))
            {
                NowNs = first;
            }
        }
    }

    /// <summary>Processes the next event (a market event due to the client at once is delivered in the same step); false when nothing is left.</summary>
    public bool Step()
    {
        if (_listener is null)
        {
            throw new InvalidOperationException("Attach a listener before stepping the venue.");
        }
        var hasMarket = _market.TryPeekTime(out var marketNs);
        // Timers alone do not keep a replay alive (a periodic timer would otherwise run forever): the replay
        // ends when the data is exhausted and every order, cancel and delivery in flight has been handled.
        if (!hasMarket && _pendingWork == 0)
        {
            return false;
        }
        if (!StepOwn(hasMarket ? marketNs : long.MaxValue))
        {
            StepMarket(marketNs);
            var hasNext = _market.TryPeekTime(out var nextNs);
            DeliverDueNow(hasNext, nextNs);
        }
        return true;
    }

    /// <summary>
    /// Handles the venue's own next event (an order or cancel arriving, a delivery, a timer) when it is due at or
    /// before <paramref name="marketNs"/>, the time of the next market event, which it precedes; false when the
    /// market event comes first. With <see cref="StepMarket"/> this is <see cref="Step"/>, split for a group that
    /// applies each market event to a shared book between the two (<see cref="ReplayVenueGroup"/>).
    /// </summary>
    internal bool StepOwn(long marketNs)
    {
        if (!_pending.TryPeekKey(out var key, out var isMarket) || key.TimeNs > marketNs)
        {
            return false;
        }
        if (isMarket)
        {
            _pendingWork--;
            NowNs = Math.Max(NowNs, key.TimeNs);
            _listener!.OnMarket(_pending.DequeueMarket());
            return true;
        }
        var pending = _pending.Dequeue();
        if (!IsTimer(pending.Kind))
        {
            _pendingWork--;
        }
        NowNs = Math.Max(NowNs, key.TimeNs);
        Handle(pending);
        return true;
    }

    /// <summary>The next market event, at <paramref name="marketNs"/>.</summary>
    internal void StepMarket(long marketNs)
    {
        if (marketNs < NowNs)
        {
            Stats.LateEvents++;
        }
        NowNs = Math.Max(NowNs, marketNs);
        Stats.MarketEvents++;
        _market.ProcessNext(this);
    }

    /// <summary>After a market step, once the time of the next market event is known: delivers the update it published for the client at once, when the queue gives it back (<see cref="PendingQueue.TryTakeDueNow"/>).</summary>
    internal void DeliverDueNow(bool hasNextMarket, long nextMarketNs)
    {
        if (_pending.TryTakeDueNow(hasNextMarket, nextMarketNs, out var update))
        {
            _pendingWork--;
            _listener!.OnMarket(update);
        }
    }

    /// <summary>
    /// When the next <see cref="Step"/> would happen (the earlier of the next recorded event and the venue's own
    /// next event); false when <see cref="Step"/> would return false. A paced loop (the paper exchange) steps
    /// while this is due on its wall-clock schedule.
    /// </summary>
    public bool TryPeekNextTime(out long timeNs)
    {
        var hasMarket = _market.TryPeekTime(out var marketNs);
        var hasPending = _pending.TryPeekKey(out var key, out _);
        timeNs = 0;
        if (!hasMarket && _pendingWork == 0)
        {
            return false;
        }
        timeNs = hasPending && (!hasMarket || key.TimeNs <= marketNs) ? key.TimeNs : marketNs;
        return true;
    }

    /// <summary>
    /// Moves the clock forward to an external time (a paced loop's "now") so that orders submitted next arrive
    /// then, not at the last event's time. The clock never passes the next due event, nor goes back.
    /// </summary>
    public void AdvanceTo(long timeNs)
    {
        if (TryPeekNextTime(out var next))
        {
            timeNs = Math.Min(timeNs, next);
        }
        NowNs = Math.Max(NowNs, timeNs);
    }

    public void Submit(in OrderRequest request) =>
        Schedule(NowNs + _options.Latency.OrderEntry.Draw(ref _latencyRandom), new PendingEvent { Kind = PendingKind.OrderArrival, Order = request });

    public void Cancel(Symbol symbol, long clientOrderId) =>
        Schedule(NowNs + _options.Latency.Cancel.Draw(ref _latencyRandom), new PendingEvent { Kind = PendingKind.CancelArrival, Symbol = symbol, Token = clientOrderId });

    public void SetTimer(long dueNs, long token) =>
        Schedule(Math.Max(dueNs, NowNs), new PendingEvent { Kind = PendingKind.ListenerTimer, Token = token });

    /// <summary>The accounting of one order as the venue sees it now.</summary>
    public bool TryGetOrder(long clientOrderId, out VenueOrderState state)
    {
        if (!_orders.TryGetValue(clientOrderId, out var order))
        {
            state = default;
            return false;
        }
        state = ToState(order);
        return true;
    }

    /// <summary>Every order the venue accepted, by client order id.</summary>
    public IReadOnlyList<VenueOrderState> Orders() => [.. _orders.Values.OrderBy(o => o.Id).Select(ToState)];

    public void Dispose() => (_market as IDisposable)?.Dispose();

    internal void ScheduleProviderTimer(ReplayTimer timer, long dueNs, long generation) =>
        Schedule(dueNs, new PendingEvent { Kind = PendingKind.ProviderTimer, Timer = timer, Token = generation });

    /// <summary>Market data for the client: delivered after the market-data latency, never out of order.</summary>
    void IMatchingSink.Publish(in MarketUpdate update)
    {
        var due = Math.Max(NowNs + _options.Latency.MarketData.Draw(ref _latencyRandom), _lastMarketDueNs);
        _lastMarketDueNs = due;
        _pendingWork++;
        _pending.EnqueueMarket(update, new PendingKey(due, _sequence++), NowNs);
    }

    void IMatchingSink.Accept(VenueOrder order)
    {
        order.IsOpen = true;
        Stats.OrdersAccepted++;
        Respond(new OrderEvent(OrderEventKind.Accepted, order.Id, order.Request.Symbol, order.Side, NowNs, default, default, order.Request.Quantity, false));
    }

    void IMatchingSink.Reject(VenueOrder order, VenueReject reason)
    {
        _orders.Remove(order.Id);
        RejectRequest(order.Request, reason);
    }

    /// <summary>Books a fill against the order and tells the client. The caller takes a closed order off its market.</summary>
    void IMatchingSink.Fill(VenueOrder order, long priceRaw, long quantityRaw, Liquidity liquidity)
    {
        if (quantityRaw <= 0 || quantityRaw > order.LeavesRaw)
        {
            throw new InvalidOperationException($"Fill of {quantityRaw} on order {order.Id} with {order.LeavesRaw} open.");
        }
        order.FilledRaw += quantityRaw;
        if (order.LeavesRaw == 0)
        {
            Close(order);
        }
        var rate = liquidity == Liquidity.Maker ? order.Fees.Maker : order.Fees.Taker;
        var price = new Fixed8(priceRaw);
        var quantity = new Fixed8(quantityRaw);
        // COIN-M fees are charged in the coin; valued at the fill price they are rate x contracts x contract size (USD).
        var fee = order.Filters.Notional(price.ToDecimal(), quantity.ToDecimal()) * rate;
        var fill = new Fill(_nextFillId++, price, quantity, liquidity, rate, fee, new Fixed8(order.LeavesRaw));
        Stats.Fills++;
        if (liquidity == Liquidity.Maker)
        {
            Stats.MakerFills++;
        }
        else
        {
            Stats.TakerFills++;
        }
        Respond(new OrderEvent(OrderEventKind.Filled, order.Id, order.Request.Symbol, order.Side, NowNs, fill, default, quantity, false));
    }

    /// <summary>An IOC/market remainder that found nothing more to take.</summary>
    void IMatchingSink.Expire(VenueOrder order, bool bookExhausted)
    {
        var leaves = order.LeavesRaw;
        order.ExpiredRaw += leaves;
        Close(order);
        Stats.Expired++;
        if (bookExhausted)
        {
            Stats.BookExhausted++;
        }
        Respond(new OrderEvent(OrderEventKind.Expired, order.Id, order.Request.Symbol, order.Side, NowNs, default, default, new Fixed8(leaves), bookExhausted));
    }

    private void Handle(in PendingEvent pending)
    {
        switch (pending.Kind)
        {
            case PendingKind.OrderArrival:
                Arrive(pending.Order);
                break;
            case PendingKind.CancelArrival:
                CancelArrives(pending.Symbol, pending.Token);
                break;
            case PendingKind.DeliverOrderEvent:
                _listener!.OnOrderEvent(pending.OrderEvent);
                break;
            case PendingKind.ListenerTimer:
                _listener!.OnTimer(pending.Token);
                break;
            case PendingKind.ProviderTimer:
                pending.Timer!.Fire(pending.Token);
                break;
        }
    }

    private void Arrive(in OrderRequest request)
    {
        Stats.OrdersReceived++;
        if (_orders.ContainsKey(request.ClientOrderId) || _closedIds.Contains(request.ClientOrderId))
        {
            // Idempotency: the original order is untouched; the duplicate is refused, never filled twice.
            RejectRequest(request, RejectCodes.DuplicateClientOrderId);
            return;
        }
        if (!_catalog.TryGet(request.Symbol, out var filters))
        {
            RejectRequest(request, RejectCodes.UnknownSymbol);
            return;
        }
        if (OrderFilterCheck.Check(request, filters, _market) is { } reject)
        {
            RejectRequest(request, reject);
            return;
        }
        var order = new VenueOrder(request, filters, _options.Fees.For(filters), NowNs);
        _orders.Add(order.Id, order);
        _market.OnArrival(this, order);
    }

    private void CancelArrives(Symbol symbol, long clientOrderId)
    {
        if (!_orders.TryGetValue(clientOrderId, out var order) || order.Request.Symbol != symbol || !order.IsOpen || !_market.Remove(order))
        {
            // Already filled, expired, cancelled or never known: the cancel lost (or had no) race.
            Stats.CancelRejects++;
            Respond(new OrderEvent(OrderEventKind.CancelRejected, clientOrderId, symbol, default, NowNs, default, RejectCodes.CancelUnknownOrder, default, false));
            return;
        }
        var leaves = order.LeavesRaw;
        order.CanceledRaw += leaves;
        Close(order);
        Stats.Cancels++;
        Respond(new OrderEvent(OrderEventKind.Canceled, order.Id, symbol, order.Side, NowNs, default, default, new Fixed8(leaves), false));
    }

    private void Close(VenueOrder order)
    {
        order.IsOpen = false;
        if (_options.ForgetClosedOrders)
        {
            _orders.Remove(order.Id);
            _closedIds.Add(order.Id);
        }
    }

    private void RejectRequest(in OrderRequest request, VenueReject reason)
    {
        Stats.CountReject(reason.Code);
        Respond(new OrderEvent(OrderEventKind.Rejected, request.ClientOrderId, request.Symbol, request.Side, NowNs, default, reason, request.Quantity, false));
    }

    /// <summary>Acks, fills and rejects travel back over one connection: in order, after the response latency.</summary>
    private void Respond(in OrderEvent orderEvent)
    {
        var due = Math.Max(NowNs + _options.Latency.Response.Draw(ref _latencyRandom), _lastResponseDueNs);
        _lastResponseDueNs = due;
        Schedule(due, new PendingEvent { Kind = PendingKind.DeliverOrderEvent, OrderEvent = orderEvent });
    }

    private void Schedule(long timeNs, in PendingEvent pending)
    {
        if (!IsTimer(pending.Kind))
        {
            _pendingWork++;
        }
        _pending.Enqueue(pending, new PendingKey(timeNs, _sequence++));
    }

    private static bool IsTimer(PendingKind kind) => kind is PendingKind.ListenerTimer or PendingKind.ProviderTimer;

    private static VenueOrderState ToState(VenueOrder o) => new(
        o.Id, o.Request.Symbol, o.Side, o.Request.Type, o.Request.Quantity,
        new Fixed8(o.FilledRaw), new Fixed8(o.CanceledRaw), new Fixed8(o.ExpiredRaw), o.IsOpen);
}
