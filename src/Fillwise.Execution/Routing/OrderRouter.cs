using Fillwise.Core;
using Fillwise.Execution.Accounting;
using Fillwise.Execution.IntelState;
using Fillwise.Intel;

namespace Fillwise.Execution.Routing;

/// <summary>
/// Owns the lifecycle of every working parent order (seed: maker-first/taker router): sends its children as the
/// plan says, handles the maker timeout, post-only rejects (-5022: re-post up to MaxPostOnlyRejects), the
/// cancel race (a fill that got there first stands), venue errors and the taker fallback, and on completion
/// books the result into telemetry, the account and the intelligence state. Single-threaded.
/// </summary>
internal sealed class OrderRouter(IVenue venue, Timers timers, ITelemetrySink telemetry, Account account, ExecutionIntel intel, ExecutorOptions options, Markouts markouts, Policies.IExecutionPolicy policy)
{
    private const double NsPerMs = 1_000_000.0;
    private readonly Dictionary<long, ParentExecution> _byChild = [];
    private readonly Dictionary<long, ParentExecution> _working = [];
    /// <summary>Working parents that watch the touch while resting: pegged, or with a give-up distance.</summary>
    private readonly List<ParentExecution> _watched = [];

    /// <summary>Starts working a routed parent: maker-first with its timeout, or taker at once.</summary>
    public void Start(ParentExecution parent)
    {
        _working.Add(parent.Id, parent);
        if (parent.Context.MakerFirst)
        {
            if (parent.Context.GiveUpBps > 0)
            {
                var quote = parent.Symbol.Quote;
                parent.GiveUpTouchRaw = MakerPricing.GiveUpTouch(parent.Side, quote.BidPrice.Raw, quote.AskPrice.Raw, parent.Context.GiveUpBps);
            }
            if (parent.Context.PegReprices > 0 || parent.GiveUpTouchRaw > 0)
            {
                _watched.Add(parent);
            }
            SendMaker(parent);
        }
        else
        {
            SendTaker(parent);
        }
    }

    /// <summary>The maker leg's timeout: cancel it; its Canceled (or a lost race) sends the remainder taker.</summary>
    public void OnMakerTimeout(long child)
    {
        if (_byChild.TryGetValue(child, out var parent) && parent.WorkingChild == child && parent.WorkingIsMaker && !parent.CancelRequested)
        {
            parent.CancelRequested = true;
            venue.Cancel(parent.Symbol.Symbol, child);
        }
        if (parent is not null && !_working.ContainsKey(parent.Id))
        {
            _byChild.Remove(child); // the last timeout a completed parent was waiting for (see Forget)
        }
    }

    /// <summary>
    /// A new quote, for the resting maker legs that watch the touch. A leg whose touch has run its give-up distance
    /// away is cancelled and its remainder taken (the timeout's path, early). A pegged leg whose price the touch has
    /// moved away from is cancelled and re-posted at the new touch (bounded count).
    /// </summary>
    public void OnQuote(in MarketUpdate quote)
    {
        for (var i = _watched.Count - 1; i >= 0; i--)
        {
            var parent = _watched[i];
            var exhausted = parent.GiveUpTouchRaw == 0 && parent.Reprices >= parent.Context.PegReprices;
            if (!_working.ContainsKey(parent.Id) || exhausted || !parent.WorkingIsMaker && parent.WorkingChild != 0)
            {
                _watched.RemoveAt(i); // done, nothing left to watch for, or already taking
                continue;
            }
            if (parent.Symbol.Symbol != quote.Symbol || !parent.WorkingIsMaker || parent.WorkingChild == 0)
            {
                continue;
            }
            var buy = parent.Side == Side.Buy;
            var touch = buy ? quote.BidPrice.Raw : quote.AskPrice.Raw;
            // Only an acknowledged leg is given up: a cancel racing ahead of its order would be refused as unknown, the
            // remainder taken, and the order would then rest untracked. The next quote checks again.
            if (parent.GiveUpTouchRaw > 0 && parent.WorkingAcked && (buy ? touch >= parent.GiveUpTouchRaw : touch <= parent.GiveUpTouchRaw))
            {
                // A re-post in flight becomes the fallback: its Canceled (or a lost race) now sends the remainder taker.
                parent.RepriceRequested = false;
                if (!parent.CancelRequested)
                {
                    parent.CancelRequested = true;
                    venue.Cancel(parent.Symbol.Symbol, parent.WorkingChild);
                }
                _watched.RemoveAt(i);
                continue;
            }
            if (parent.CancelRequested || parent.Reprices >= parent.Context.PegReprices)
            {
                continue;
            }
            var away = buy ? touch > parent.MakerPriceRaw : touch < parent.MakerPriceRaw;
            if (away && venue.NowNs < parent.DeadlineNs)
            {
                parent.CancelRequested = true;
                parent.RepriceRequested = true;
                parent.Reprices++;
                venue.Cancel(parent.Symbol.Symbol, parent.WorkingChild);
            }
        }
    }

    public void OnOrderEvent(in OrderEvent e)
    {
        if (!_byChild.TryGetValue(e.ClientOrderId, out var parent) || !_working.ContainsKey(parent.Id))
        {
            return;
        }
        var current = parent.WorkingChild == e.ClientOrderId;
        switch (e.Kind)
        {
            case OrderEventKind.Accepted:
                parent.WorkingAcked |= current;
                if (double.IsNaN(parent.FirstAckLatencyMs))
                {
                    parent.FirstAckLatencyMs = (venue.NowNs - parent.WorkingSentNs) / NsPerMs;
                }
                break;
            case OrderEventKind.Filled:
                OnFill(parent, e);
                break;
            case OrderEventKind.Rejected when current:
                OnReject(parent, e.Reject);
                break;
            case OrderEventKind.Canceled when current && parent.RepriceRequested:
                parent.RepriceRequested = false;
                SendMaker(parent, keepDeadline: true);
                break;
            case OrderEventKind.CancelRejected when current && parent.RepriceRequested:
                // The leg was gone (filled) before the cancel got there; its fill stands.
                parent.RepriceRequested = false;
                parent.CancelRequested = false;
                break;
            case OrderEventKind.Canceled when current:
            case OrderEventKind.CancelRejected when current && parent.RemainingRaw > 0:
                // The maker leg is off the book (or already gone): the remainder goes taker.
                parent.UsedFallback = true;
                SendTaker(parent);
                break;
            case OrderEventKind.Expired when current:
                Complete(parent);
                break;
        }
    }

    private void SendMaker(ParentExecution parent, bool keepDeadline = false)
    {
        var quote = parent.Symbol.Quote;
        var (makerFee, takerFee) = options.FeesFor(parent.Symbol.Filters);
        var price = MakerPricing.MakerPrice(parent.Side, quote.BidPrice.Raw, quote.AskPrice.Raw, parent.Context.MakerOffsetBps, parent.Symbol.Filters, makerFee, takerFee);
        if (price == 0)
        {
            SendTaker(parent);
            return;
        }
        if (keepDeadline && venue.NowNs >= parent.DeadlineNs)
        {
            parent.UsedFallback = true;
            SendTaker(parent);
            return;
        }
        if (!keepDeadline)
        {
            parent.DeadlineNs = venue.NowNs + parent.Context.MakerTimeout.Ticks * 100;
        }
        parent.MakerPriceRaw = price;
        var child = Send(parent, OrderType.PostOnly, new Fixed8(price), isMaker: true);
        timers.At(parent.DeadlineNs, new TimerEntry(TimerKind.MakerTimeout, child));
    }

    private void SendTaker(ParentExecution parent) => Send(parent, OrderType.Market, default, isMaker: false);

    private long Send(ParentExecution parent, OrderType type, Fixed8 price, bool isMaker)
    {
        var child = parent.NextChildId();
        parent.WorkingChild = child;
        parent.WorkingIsMaker = isMaker;
        parent.WorkingSentNs = venue.NowNs;
        parent.WorkingAcked = false;
        parent.CancelRequested = false;
        _byChild[child] = parent;
        var quantity = new Fixed8(parent.RemainingRaw);
        telemetry.Child(new ChildRecord(child, parent.Id, venue.NowNs, parent.Symbol.Symbol, parent.Side, type, price.ToDecimal(), quantity.ToDecimal()));
        venue.Submit(new OrderRequest(child, parent.Symbol.Symbol, parent.Side, type, quantity, price));
        return child;
    }

    private void OnFill(ParentExecution parent, in OrderEvent e)
    {
        var fill = e.Fill;
        var quantity = fill.Quantity.ToDecimal();
        var price = fill.Price.ToDecimal();
        var notional = parent.Symbol.Filters.Notional(price, quantity);
        var fee = fill.FeeInQuote ? fill.Fee : PlannedFee(parent.Symbol.Filters, fill.Liquidity, notional);
        parent.FilledRaw += fill.Quantity.Raw;
        parent.FilledNotional += notional;
        parent.FilledBase += parent.Symbol.Filters.BaseAmount(price, quantity);
        parent.Fees += fee;
        parent.LastFillNs = e.TimeNs;
        if (fill.Liquidity == Liquidity.Maker)
        {
            parent.MakerFilledRaw += fill.Quantity.Raw;
        }
        if (account.Fill(parent.Symbol.Filters, parent.Side, price, quantity, fee, e.TimeNs) is { } trade)
        {
            intel.AddRoundTrip(parent.Symbol.Intel, trade);
            telemetry.RoundTrip(new RoundTripRecord(intel.RoundTrips, e.TimeNs, trade.Symbol, trade.EntryTimeMs, trade.NetReturnBps));
        }
        markouts.OnFill(parent.Symbol.Symbol, e.TimeNs, fill.Price.ToDouble(), parent.Side);
        ExecutionMetrics.Filled(parent.Symbol.Symbol, parent.Context.Policy, fill.Liquidity);
        telemetry.Fill(new FillRecord(fill.FillId, e.ClientOrderId, parent.Id, e.TimeNs, parent.Symbol.Symbol, parent.Side, price, quantity, fill.Liquidity, fee));
        if (parent.RemainingRaw <= 0)
        {
            Complete(parent);
        }
    }

    /// <summary>A fee the venue could not value in quote currency is charged at the rate the executor plans with, never as 0.</summary>
    private decimal PlannedFee(SymbolFilters filters, Liquidity liquidity, decimal notional)
    {
        var (maker, taker) = options.FeesFor(filters);
        return notional * (liquidity == Liquidity.Maker ? maker : taker);
    }

    private void OnReject(ParentExecution parent, VenueReject reject)
    {
        if (reject.Code == RejectCodes.PostOnlyWouldTake.Code && parent.WorkingIsMaker)
        {
            parent.PostOnlyRejects++;
            // A leg refused on its way in after the router stopped waiting for it (given up or timed out: its cancel follows
            // it) is not posted again with a fresh timeout: the remainder goes taker, as that cancel's answer would send it.
            var stoppedWaiting = parent.CancelRequested && !parent.RepriceRequested;
            if (parent.PostOnlyRejects <= options.Router.MaxPostOnlyRejects && !stoppedWaiting)
            {
                SendMaker(parent);
                return;
            }
            parent.UsedFallback = true;
            SendTaker(parent);
            return;
        }
        // Anything else is a venue error: the maker leg falls back once; a failing taker ends the parent.
        parent.Errored = true;
        if (parent.WorkingIsMaker)
        {
            parent.UsedFallback = true;
            SendTaker(parent);
        }
        else
        {
            Complete(parent);
        }
    }

    private void Complete(ParentExecution parent)
    {
        _working.Remove(parent.Id);
        Forget(parent);
        var now = venue.NowNs;
        var filled = new Fixed8(parent.FilledRaw).ToDecimal();
        // Notional over base amount: the VWAP, or on COIN-M the contract-weighted harmonic mean (the inverse entry price).
        var average = filled > 0 ? parent.FilledNotional / parent.FilledBase : 0m;
        var sign = parent.Side == Side.Buy ? 1 : -1;
        var slippageBps = filled > 0 ? (double)(sign * (average - parent.ArrivalMid) / parent.ArrivalMid) * 10_000 : double.NaN;
        var feesBps = filled > 0 ? (double)(parent.Fees / parent.FilledNotional) * 10_000 : double.NaN;
        var makerRatio = parent.FilledRaw > 0 ? (double)parent.MakerFilledRaw / parent.FilledRaw : 0;
        var timeToFill = filled > 0 ? (parent.LastFillNs - parent.ArrivalNs) / NsPerMs : double.NaN;
        ExecutionMetrics.Completed(parent.Symbol.Symbol, parent.Context.Policy, slippageBps + feesBps);
        telemetry.Result(new ParentResult(parent.Id, now, parent.Symbol.Symbol, filled, average, parent.Fees, slippageBps + feesBps, feesBps, makerRatio,
            parent.UsedFallback, parent.PostOnlyRejects, parent.Errored, timeToFill));
        if (filled > 0)
        {
            intel.AddCost(parent.Symbol.Intel, now / 1_000_000, slippageBps + feesBps, feesBps);
            if (parent.PostOnlyRejects == 0 && !parent.Errored && (!parent.Context.MakerFirst || parent.MakerPriceRaw > 0))
            {
                // Only an order worked as planned says what the plan's action costs: a post-only re-post restarts the
                // patience, and a maker leg that could not be priced was taken at once.
                policy.OnCompleted(new Policies.PlanOutcome(parent.Symbol.Symbol, parent.ArrivalNs, parent.Context.Explanation, slippageBps + feesBps, parent.MakerFilledRaw >= parent.TargetRaw));
            }
        }
        parent.Symbol.Intel.Kpis.Add(new ParentOrderOutcome(
            now / 1_000_000, parent.Context.MakerFirst, (double)new Fixed8(parent.TargetRaw).ToDecimal(), (double)new Fixed8(parent.MakerFilledRaw).ToDecimal(),
            parent.UsedFallback, parent.PostOnlyRejects, parent.Errored, slippageBps, parent.FirstAckLatencyMs, timeToFill));
    }

    /// <summary>
    /// Drops a completed parent's children from the child index, so the router holds working parents only and not
    /// every parent of the run. Events for them were ignored from here on anyway; the one entry kept is a maker leg
    /// whose timeout is still to come (it cancels the leg as before), and that timeout drops it.
    /// </summary>
    private void Forget(ParentExecution parent)
    {
        var keep = parent.WorkingIsMaker && !parent.CancelRequested ? parent.WorkingChild : 0;
        for (var i = 1; i <= parent.Children; i++)
        {
            var child = parent.ChildId(i);
            if (child != keep)
            {
                _byChild.Remove(child);
            }
        }
    }
}
