using Fillwise.Core;
using Fillwise.Execution.Accounting;
using Fillwise.Execution.IntelState;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Signals;
using Fillwise.Execution.Sizing;

namespace Fillwise.Execution;

/// <summary>
/// The executor: signal -> risk gates -> SizeFor -> execution policy -> order router -> venue, with telemetry,
/// intelligence and health around it. It only wires components: the policy plans, the router works orders,
/// the account keeps money, the intel state learns. Single-threaded: every call comes from the venue's loop.
/// Walk-forward by construction: intel only ever sees fills and market data that already happened.
/// </summary>
public sealed class Executor : IVenueListener, ISignalHost, IMarks
{
    private readonly IVenue _venue;
    private readonly SymbolCatalog _catalog;
    private readonly ExecutorOptions _o;
    private readonly IExecutionPolicy _policy;
    private readonly ITelemetrySink _telemetry;
    private readonly RiskGates _risk;
    private readonly Sizer _sizer;
    private readonly ExecutionIntel _intel;
    private readonly Account _account;
    private readonly Timers _timers;
    private readonly OrderRouter _router;
    private readonly ISignalSource[] _sources; // an array: a foreach over the list interface allocated an enumerator per market event
    private readonly SortedDictionary<Symbol, SymbolState> _symbols = new(Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));

    // The same states by hash, for the lookup every market event makes (the sorted one orders health and output).
    private readonly Dictionary<Symbol, SymbolState> _bySymbol = [];
    private long _nextParentId = 1;
    private bool _started;

    // Health snapshots are taken only when something they show can have changed: a market event, an order event
    // or a decision since the last one, or a symbol switched on/off. Over a gap between two captures (20 days:
    // 28,800 one-minute periods) nothing changes, and identical rows would be all the store gained.
    private bool _changedSinceHealth = true;
    private readonly HashSet<Symbol> _disabledAtHealth = [];

    public Executor(IVenue venue, SymbolCatalog catalog, ExecutorOptions options, IExecutionPolicy policy, ITelemetrySink telemetry, params IReadOnlyList<ISignalSource> sources)
    {
        ArgumentNullException.ThrowIfNull(venue);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        options.Validate();
        _venue = venue;
        _catalog = catalog;
        _o = options;
        _policy = policy;
        _telemetry = telemetry;
        _risk = new RiskGates(options.Risk);
        _sizer = new Sizer(options.Sizing);
        _intel = new ExecutionIntel(options);
        _account = new Account(options.StartingEquity);
        _timers = new Timers(venue);
        _router = new OrderRouter(venue, _timers, telemetry, _account, _intel, options, Markouts, policy);
        _sources = [.. sources];
    }

    /// <summary>Symbols switched off: the first risk gate denies their new orders.</summary>
    public ISet<Symbol> DisabledSymbols { get; } = new HashSet<Symbol>();

    /// <summary>Best-effort remote mirror of health and intel; null = none. Offered every health period.</summary>
    public IExecutionMirror? Mirror { get; set; }

    /// <summary>Wall-clock time spent deciding each signal (risk, sizing, policy, routing), for latency checks.</summary>
    public DecisionLatency DecisionLatency { get; } = new();

    /// <summary>Post-fill markouts of this run's fills.</summary>
    public Markouts Markouts { get; } = new();

    long ISignalHost.NowNs => _venue.NowNs;

    public void OnMarket(in MarketUpdate update)
    {
        _changedSinceHealth = true;
        var state = State(update.Symbol);
        state?.OnMarket(update);
        if (update.HasUsableQuote)
        {
            // Resting orders are not re-priced on a crossed book (a re-post there would be rejected, then taken).
            Markouts.OnQuote(update.Symbol, _venue.NowNs, update.Mid.ToDouble());
            _router.OnQuote(update);
        }
        if (!_started)
        {
            Start();
        }
        if (state is not null)
        {
            _policy.OnMarket(update, _venue.NowNs, state.Filters);
            foreach (var source in _sources)
            {
                source.OnMarket(update, this);
            }
        }
    }

    public void OnOrderEvent(in OrderEvent orderEvent)
    {
        _changedSinceHealth = true;
        _router.OnOrderEvent(orderEvent);
    }

    public void OnTimer(long token)
    {
        if (!_timers.TryTake(token, out var timer))
        {
            return;
        }
        switch (timer.Kind)
        {
            case TimerKind.SignalSource:
                timer.Source!.OnWake(timer.Payload, this);
                break;
            case TimerKind.MakerTimeout:
                _router.OnMakerTimeout(timer.Payload);
                break;
            case TimerKind.Health:
                _intel.Refresh(_venue.NowNs);
                if (_changedSinceHealth || !_disabledAtHealth.SetEquals(DisabledSymbols))
                {
                    // One health period = one telemetry batch (transaction), so a crash loses at most one period.
                    PublishHealth();
                    _telemetry.Flush();
                    _changedSinceHealth = false;
                    _disabledAtHealth.Clear();
                    _disabledAtHealth.UnionWith(DisabledSymbols);
                }
                _timers.At(_venue.NowNs + _o.HealthEvery.Ticks * 100, new TimerEntry(TimerKind.Health, 0));
                break;
        }
    }

    /// <summary>Health of every symbol seen so far, now, as the active policy sees it.</summary>
    public IReadOnlyList<ExecutionHealth> Health() => [.. _symbols.Values.Select(HealthOf)];

    /// <summary>The last two-sided quote of every symbol seen (end-of-data marks for unfinished parent orders).</summary>
    public IReadOnlyDictionary<Symbol, MarketUpdate> LastQuotes() =>
        _symbols.Values.Where(s => s.HasQuote).ToDictionary(s => s.Symbol, s => s.Quote);

    /// <summary>Flushes telemetry and health at the end of a run.</summary>
    public void Finish()
    {
        PublishHealth();
        _telemetry.Flush();
    }

    IReadOnlyList<Symbol> ISignalHost.QuotedSymbols() =>
        [.. _symbols.Values.Where(s => s.HasFreshQuote(_venue.NowNs, _o.MaxQuoteAge)).Select(s => s.Symbol)];

    void ISignalHost.WakeAt(ISignalSource source, long dueNs, long payload) => _timers.At(dueNs, new TimerEntry(TimerKind.SignalSource, payload, source));

    void ISignalHost.Emit(ParentSignal signal)
    {
        var start = TimeProvider.System.GetTimestamp();
        _changedSinceHealth = true;
        Decide(signal);
        var elapsed = TimeProvider.System.GetElapsedTime(start);
        DecisionLatency.Add(elapsed);
        ExecutionMetrics.Decided(signal.Symbol, _policy.Name, elapsed);
    }

    bool IMarks.TryGetMid(Symbol symbol, out decimal mid)
    {
        if (_bySymbol.TryGetValue(symbol, out var s) && s.HasQuote)
        {
            mid = s.Mid;
            return true;
        }
        mid = 0;
        return false;
    }

    private void Start()
    {
        _started = true;
        foreach (var source in _sources)
        {
            source.Start(this);
        }
        _timers.At(_venue.NowNs + _o.HealthEvery.Ticks * 100, new TimerEntry(TimerKind.Health, 0));
    }

    /// <summary>
    /// Signal -> risk -> size -> plan -> route. A signal with a quantity or notional is a target size; one
    /// without (the reference strategy) asks for one ATR-sized risk unit on its side, after closing any position
    /// on the other side.
    /// </summary>
    private void Decide(ParentSignal signal)
    {
        var id = _nextParentId++;
        var now = _venue.NowNs;
        var state = State(signal.Symbol);
        if (state is null || !state.HasFreshQuote(now, _o.MaxQuoteAge) || state.BookProblem != RiskReason.None)
        {
            // The safe action on a missing, stale, out-of-sync, one-sided or crossed book: no new risk, the reason recorded.
            var reason = state is null || !state.HasFreshQuote(now, _o.MaxQuoteAge) ? RiskReason.NoMarketData : state.BookProblem;
            if (state is not null)
            {
                // Counted in the symbol's health like a gate's denial, so the dashboard's "denied" shows them too.
                state.Parents++;
                state.Denied++;
            }
            _telemetry.Parent(new ParentRecord(id, now, signal.Symbol, signal.Side, 0, 0, RiskDecision.Deny(reason), null, signal.Source));
            return;
        }
        state.Parents++;
        var mid = state.Mid;
        var drawdown = _account.Drawdown(this);
        var intel = _intel.Read(state.Intel, now, drawdown);
        var plan = _policy.Plan(new PolicyInputs(signal.Symbol, signal.Side, now, state.Filters, state.Quote, intel));
        var isTarget = signal.Quantity is not null || signal.Notional is not null;
        var baseQuantity = signal.Quantity ?? (signal.Notional is { } n ? state.Filters.QuantityFor(n, mid) : null);
        var equity = _account.Equity(this);
        var position = _account.Position(signal.Symbol);
        SizingResult Size(double riskScale) => _sizer.SizeFor(
            new SizingInputs(equity, mid, intel.Regime.Atr, intel.Regime.NatrBps, state.Intel.RollingSharpe(), _o.ApplyIntelSizing && _policy.UsesIntelSizing ? intel.IntelSizeFactor : 1.0, riskScale, baseQuantity),
            state.Filters);
        // The gates see the notional the order would really have, then the size takes the gates' scale.
        var unscaled = Size(1.0);
        var risk = _risk.Check(new RiskInputs(
            signal.Symbol, signal.Side, state.Enabled && !DisabledSymbols.Contains(signal.Symbol), drawdown, intel.Regime.Regime,
            state.Filters.Notional(mid, position), _account.GrossNotional(this), state.Filters.Notional(mid, unscaled.Quantity)));
        var sizing = risk.Verdict == RiskVerdict.Allow ? unscaled : Size(risk.Scale);
        if (!isTarget && Math.Sign(position) == -signal.Side.Sign() && !risk.IsDenied)
        {
            // A reversal closes the opposite position in the same parent order.
            var lots = sizing.Lots + state.Filters.FloorLots(Math.Abs(position));
            sizing = sizing with { Lots = lots, Quantity = state.Filters.LotsToQuantity(lots) };
        }
        if (!risk.IsDenied)
        {
            risk = RiskGates.CheckFilters(state.Filters, sizing.Lots, mid) is { IsDenied: true } filterDenial ? filterDenial : risk;
        }
        var v = plan.View;
        var context = new RouterContext(_policy.Name, v.Quality, plan.MakerFirst, v.TakerBias, v.Reason, plan.OffsetBps, v.Offset, intel.Regime.Regime, intel.Regime.Ratio, intel.Score.Score, sizing, plan.MakerTimeout, plan.PegReprices)
        {
            PredictedFillProbability = plan.FillProbability,
            ExpectedCostBps = plan.ExpectedCostBps,
            GiveUpBps = plan.GiveUpBps,
        };
        var qualityChanged = state.Intel.LastRouterQuality != intel.Router.Quality && state.Parents > 1;
        state.Intel.LastRouterQuality = intel.Router.Quality;
        state.Intel.LastScore = intel.Score;
        state.LastIntelSizeFactor = intel.IntelSizeFactor;
        state.LastFinalSizeFactor = sizing.FinalSizeFactor;
        _telemetry.Parent(new ParentRecord(id, now, signal.Symbol, signal.Side, mid, sizing.Quantity, risk, context, signal.Source));
        if (qualityChanged && Mirror is { } mirror)
        {
            // A significant change (the router's quality flipped) is mirrored now, not at the next period.
            mirror.Offer(HealthOf(state), _intel.HourlyExpectancy(state.Symbol));
        }
        if (risk.IsDenied)
        {
            state.Denied++;
            return;
        }
        _router.Start(new ParentExecution(id, signal, state, context, sizing.Lots, mid, now));
    }

    private SymbolState? State(Symbol symbol)
    {
        if (_bySymbol.TryGetValue(symbol, out var state))
        {
            return state;
        }
        if (!_catalog.TryGet(symbol, out var filters))
        {
            return null;
        }
        state = new SymbolState(filters, _intel.Create(symbol));
        _symbols.Add(symbol, state);
        _bySymbol.Add(symbol, state);
        return state;
    }

    private void PublishHealth()
    {
        foreach (var health in Health())
        {
            _telemetry.Health(health);
            Mirror?.Offer(health, _intel.HourlyExpectancy(health.Symbol));
        }
    }

    private ExecutionHealth HealthOf(SymbolState s)
    {
        var now = _venue.NowNs;
        var drawdown = _account.Drawdown(this);
        var intel = _intel.Read(s.Intel, now, drawdown);
        var view = _policy.View(new PolicyInputs(s.Symbol, Side.Buy, now, s.Filters, s.Quote, intel));
        return new ExecutionHealth(
            s.Symbol, now, s.Enabled && !DisabledSymbols.Contains(s.Symbol), intel.Kpis, view.Quality, view.MakerFirst, view.TakerBias, view.Reason.ToString(),
            view.Offset, s.LastIntelSizeFactor, s.LastFinalSizeFactor, intel.Regime.Regime, intel.Regime.Ratio, s.Intel.LastScore, _account.Position(s.Symbol), s.Parents, s.Denied, drawdown, Mirror?.Status, _policy.Name);
    }
}
