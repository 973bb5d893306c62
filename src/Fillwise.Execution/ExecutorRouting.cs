using Fillwise.Core;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Sizing;
using Fillwise.Intel;

namespace Fillwise.Execution;

public sealed partial class Executor
{
    private const double NsPerMs = 1_000_000.0;

    /// <summary>
    /// Signal -> risk -> size -> context -> route. A signal with a quantity or notional is a target size; one
    /// without (the reference strategy) asks for one ATR-sized risk unit on its side, after closing any position
    /// on the other side.
    /// </summary>
    private void Decide(ParentSignal signal, bool isTarget)
    {
        var id = _nextParentId++;
        var now = _venue.NowNs;
        var state = State(signal.Symbol);
        if (state is null || !state.HasFreshQuote(now, _o.MaxQuoteAge))
        {
            _telemetry.Parent(new ParentRecord(id, now, signal.Symbol, signal.Side, 0, 0, RiskDecision.Deny(RiskReason.NoMarketData), null, signal.Source));
            return;
        }
        state.Parents++;
        var mid = state.Mid;
        var nowMs = now / 1_000_000;
        var regime = state.Regime.Current;
        var kpis = state.Kpis.Compute(nowMs);
        var engine = _policy.Decide(kpis, regime.Regime);
        var (makerFirst, takerBias, reason) = _o.Policy switch
        {
            ExecutionPolicy.Taker => (false, 1.0, "policy taker: always IOC/market"),
            ExecutionPolicy.Static => (true, 0.0, "policy static: post-only at the touch, fixed timeout"),
            _ => (engine.MakerFirst, engine.TakerBias, engine.Reason.ToString()),
        };
        var offset = _o.Policy == ExecutionPolicy.Intel
            ? _offsets.Compute(MakerOffsetInputs.From(regime.Regime, kpis, HourExpectancy(signal.Symbol, nowMs)))
            : new MakerOffset(_o.Router.StaticOffsetBps, _o.Router.StaticOffsetBps, 0, 0, 0, 0, false, 0);
        var score = _scorer.Score(ScoreInputs(state, regime.Regime, engine.Quality));
        var intelFactor = _scorer.ScoreToSizeFactor(score.Score);
        var baseQuantity = signal.Quantity ?? (signal.Notional is { } n ? n / mid : null);
        var applyIntel = _o.ApplyIntelSizing && _o.Policy == ExecutionPolicy.Intel;
        SizingResult Size(double riskScale) => _sizer.SizeFor(
            new SizingInputs(Equity(), mid, regime.Atr, regime.NatrBps, state.RollingSharpe(), applyIntel ? intelFactor : 1.0, riskScale, baseQuantity),
            state.Filters);
        // The gates see the notional the order would really have, then the size takes the gates' scale.
        var unscaled = Size(1.0);
        var risk = _risk.Check(new RiskInputs(
            signal.Symbol, signal.Side, state.Enabled && !DisabledSymbols.Contains(signal.Symbol), Drawdown(), regime.Regime,
            state.Position * mid, GrossNotional(), unscaled.Quantity * mid));
        var sizing = risk.Verdict == RiskVerdict.Allow ? unscaled : Size(risk.Scale);
        if (!isTarget && Math.Sign(state.Position) == -signal.Side.Sign() && !risk.IsDenied)
        {
            // A reversal closes the opposite position in the same parent order.
            var lots = sizing.Lots + state.Filters.FloorLots(Math.Abs(state.Position));
            sizing = sizing with { Lots = lots, Quantity = state.Filters.LotsToQuantity(lots) };
        }
        if (!risk.IsDenied)
        {
            risk = RiskGates.CheckFilters(state.Filters, sizing.Lots, mid) is { IsDenied: true } filterDenial ? filterDenial : risk;
        }
        var timeout = _o.Policy == ExecutionPolicy.Intel ? OrderRouter.MakerTimeout(_o.Router, takerBias) : _o.Router.StaticMakerTimeout;
        var context = new RouterContext(_o.Policy, engine.Quality, makerFirst, takerBias, reason, offset.OffsetBps, offset, regime.Regime, regime.Ratio, score.Score, sizing, timeout);
        var qualityChanged = state.LastPolicy.Quality != engine.Quality && state.Parents > 1;
        state.LastPolicy = engine;
        state.LastOffset = offset;
        state.LastScore = score;
        state.LastIntelSizeFactor = intelFactor;
        state.LastFinalSizeFactor = sizing.FinalSizeFactor;
        _telemetry.Parent(new ParentRecord(id, now, signal.Symbol, signal.Side, mid, sizing.Quantity, risk, context, signal.Source));
        if (qualityChanged && Mirror is { } mirror)
        {
            // A significant change (the router's quality flipped) is mirrored now, not at the next period.
            mirror.Offer(HealthOf(state), HourlyExpectancy(state.Symbol));
        }
        if (risk.IsDenied)
        {
            state.Denied++;
            return;
        }
        var parent = new ParentExecution(id, signal, state, context, sizing.Lots, mid, now);
        _working.Add(id, parent);
        if (makerFirst)
        {
            SendMaker(parent);
        }
        else
        {
            SendTaker(parent);
        }
    }

    private void SendMaker(ParentExecution parent)
    {
        var quote = parent.Symbol.Quote;
        var price = OrderRouter.MakerPrice(parent.Side, quote.BidPrice.Raw, quote.AskPrice.Raw, parent.Context.MakerOffsetBps, parent.Symbol.Filters, _o.MakerFee, _o.TakerFee);
        if (price == 0)
        {
            SendTaker(parent);
            return;
        }
        var child = Send(parent, OrderType.PostOnly, new Fixed8(price), isMaker: true);
        _venue.SetTimer(_venue.NowNs + parent.Context.MakerTimeout.Ticks * 100, TimeoutTimer | child);
    }

    private void SendTaker(ParentExecution parent) => Send(parent, OrderType.Market, default, isMaker: false);

    private long Send(ParentExecution parent, OrderType type, Fixed8 price, bool isMaker)
    {
        var child = parent.NextChildId();
        parent.WorkingChild = child;
        parent.WorkingIsMaker = isMaker;
        parent.WorkingSentNs = _venue.NowNs;
        parent.CancelRequested = false;
        _byChild[child] = parent;
        var quantity = new Fixed8(parent.RemainingRaw);
        _telemetry.Child(new ChildRecord(child, parent.Id, _venue.NowNs, parent.Symbol.Symbol, parent.Side, type, price.ToDecimal(), quantity.ToDecimal()));
        _venue.Submit(new OrderRequest(child, parent.Symbol.Symbol, parent.Side, type, quantity, price));
        return child;
    }

    private void MakerTimedOut(long child)
    {
        if (_byChild.TryGetValue(child, out var parent) && parent.WorkingChild == child && parent.WorkingIsMaker && !parent.CancelRequested)
        {
            parent.CancelRequested = true;
            _venue.Cancel(parent.Symbol.Symbol, child);
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
                if (double.IsNaN(parent.FirstAckLatencyMs))
                {
                    parent.FirstAckLatencyMs = (_venue.NowNs - parent.WorkingSentNs) / NsPerMs;
                }
                break;
            case OrderEventKind.Filled:
                OnFill(parent, e);
                break;
            case OrderEventKind.Rejected when current:
                OnReject(parent, e.Reject);
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

    private void OnFill(ParentExecution parent, in OrderEvent e)
    {
        var fill = e.Fill;
        var quantity = fill.Quantity.ToDecimal();
        var price = fill.Price.ToDecimal();
        parent.FilledRaw += fill.Quantity.Raw;
        parent.FilledNotional += price * quantity;
        parent.Fees += fill.Fee;
        parent.LastFillNs = e.TimeNs;
        if (fill.Liquidity == Liquidity.Maker)
        {
            parent.MakerFilledRaw += fill.Quantity.Raw;
        }
        var signed = parent.Side == Side.Buy ? quantity : -quantity;
        _cash -= signed * price + fill.Fee;
        if (parent.Symbol.Ledger.Fill(parent.Symbol.Symbol, parent.Side, price, quantity, fill.Fee, e.TimeNs / 1_000_000) is { } trade)
        {
            _trades.Add(trade);
            _telemetry.RoundTrip(new RoundTripRecord(_trades.Count, e.TimeNs, trade.Symbol, trade.EntryTimeMs, trade.NetReturnBps));
            parent.Symbol.TradeReturnsBps.Add(trade.NetReturnBps);
        }
        _telemetry.Fill(new FillRecord(fill.FillId, e.ClientOrderId, parent.Id, e.TimeNs, parent.Symbol.Symbol, parent.Side, price, quantity, fill.Liquidity, fill.Fee));
        if (parent.RemainingRaw <= 0)
        {
            Complete(parent);
        }
    }

    private void OnReject(ParentExecution parent, VenueReject reject)
    {
        if (reject.Code == RejectCodes.PostOnlyWouldTake.Code && parent.WorkingIsMaker)
        {
            parent.PostOnlyRejects++;
            if (parent.PostOnlyRejects <= _o.Router.MaxPostOnlyRejects)
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
        var now = _venue.NowNs;
        var filled = new Fixed8(parent.FilledRaw).ToDecimal();
        var average = filled > 0 ? parent.FilledNotional / filled : 0m;
        var sign = parent.Side == Side.Buy ? 1 : -1;
        var slippageBps = filled > 0 ? (double)(sign * (average - parent.ArrivalMid) / parent.ArrivalMid) * 10_000 : double.NaN;
        var feesBps = filled > 0 ? (double)(parent.Fees / parent.FilledNotional) * 10_000 : double.NaN;
        var makerRatio = parent.FilledRaw > 0 ? (double)parent.MakerFilledRaw / parent.FilledRaw : 0;
        var timeToFill = filled > 0 ? (parent.LastFillNs - parent.ArrivalNs) / NsPerMs : double.NaN;
        _telemetry.Result(new ParentResult(parent.Id, now, parent.Symbol.Symbol, filled, average, parent.Fees, slippageBps + feesBps, feesBps, makerRatio,
            parent.UsedFallback, parent.PostOnlyRejects, parent.Errored, timeToFill));
        if (filled > 0)
        {
            _slippage.Add(new SlippageSample(parent.Symbol.Symbol, now / 1_000_000, slippageBps + feesBps));
            parent.Symbol.FeesBpsSum += feesBps;
            parent.Symbol.FeesBpsCount++;
        }
        parent.Symbol.Kpis.Add(new ParentOrderOutcome(
            now / 1_000_000, parent.Context.MakerFirst, (double)new Fixed8(parent.TargetRaw).ToDecimal(), (double)new Fixed8(parent.MakerFilledRaw).ToDecimal(),
            parent.UsedFallback, parent.PostOnlyRejects, parent.Errored, slippageBps, parent.FirstAckLatencyMs, timeToFill));
    }

    private double[] HourlyExpectancy(Symbol symbol)
    {
        var hours = new double[24];
        for (var h = 0; h < 24 && _expectancy is not null; h++)
        {
            hours[h] = _expectancy.Get(symbol, h).ExpectancyBps;
        }
        return hours;
    }

    private void PublishHealth()
    {
        foreach (var health in Health())
        {
            _telemetry.Health(health);
            Mirror?.Offer(health, HourlyExpectancy(health.Symbol));
        }
    }

    private ExecutionHealth HealthOf(SymbolState s)
    {
        var now = _venue.NowNs;
        var kpis = s.Kpis.Compute(now / 1_000_000);
        var regime = s.Regime.Current;
        var policy = _policy.Decide(kpis, regime.Regime);
        var offset = _offsets.Compute(MakerOffsetInputs.From(regime.Regime, kpis, HourExpectancy(s.Symbol, now / 1_000_000)));
        return new ExecutionHealth(
            s.Symbol, now, s.Enabled && !DisabledSymbols.Contains(s.Symbol), kpis, policy.Quality, policy.MakerFirst, policy.TakerBias, policy.Reason.ToString(),
            offset, s.LastIntelSizeFactor, s.LastFinalSizeFactor, regime.Regime, regime.Ratio, s.LastScore, s.Position, s.Parents, s.Denied, Drawdown(), Mirror?.Status);
    }
}
