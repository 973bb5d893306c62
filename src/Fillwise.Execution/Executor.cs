using System.Runtime.InteropServices;
using Fillwise.Core;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Sizing;
using Fillwise.Intel;

namespace Fillwise.Execution;

/// <summary>
/// Wires the stack: signal -> risk gates -> SizeFor -> router (policy clamp, maker offset, post-only with
/// timeout, taker fallback) -> venue -> telemetry -> intel (router KPIs, regimes) -> next decisions, and
/// periodic ExecutionHealth. Single-threaded: every call comes from the venue's loop. Walk-forward by
/// construction: intel only ever sees fills and bars that already happened.
/// </summary>
public sealed partial class Executor : IVenueListener
{
    private const int KindShift = 56;
    private const long ArrivalTimer = 1L << KindShift;
    private const long SignalTimer = 2L << KindShift;
    private const long TimeoutTimer = 3L << KindShift;
    private const long HealthTimer = 4L << KindShift;
    private const long PayloadMask = (1L << KindShift) - 1;

    private readonly IVenue _venue;
    private readonly SymbolCatalog _catalog;
    private readonly ExecutorOptions _o;
    private readonly ITelemetrySink _telemetry;
    private readonly RiskGates _risk;
    private readonly Sizer _sizer;
    private readonly RouterPolicyEngine _policy;
    private readonly MakerOffsetEngine _offsets;
    private readonly SymbolScorer _scorer;
    private readonly Dictionary<Symbol, SymbolState> _symbols = [];
    private readonly Dictionary<long, ParentExecution> _byChild = [];
    private readonly Dictionary<long, ParentExecution> _working = [];
    private readonly IReadOnlyList<ParentSignal> _signals;
    private readonly ArrivalOptions? _arrivals;
    private readonly BreakoutStrategy? _strategy;
    private readonly List<TradeRecord> _trades = [];
    private readonly List<SlippageSample> _slippage = [];
    private ExpectancyMap? _expectancy;
    private long _lastRefreshNs = long.MinValue;
    private int _recordsAtRefresh;
    private DeterministicRandom _arrivalRandom;
    private long _nextParentId = 1;
    private bool _started;
    private decimal _cash;
    private decimal _peakEquity;

    public Executor(IVenue venue, SymbolCatalog catalog, ExecutorOptions options, ITelemetrySink telemetry, IReadOnlyList<ParentSignal>? signals = null, ArrivalOptions? arrivals = null, BreakoutStrategy? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(venue);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        arrivals?.Validate();
        _venue = venue;
        _catalog = catalog;
        _o = options;
        _telemetry = telemetry;
        _risk = new RiskGates(options.Risk);
        _sizer = new Sizer(options.Sizing);
        _policy = new RouterPolicyEngine(options.RouterPolicy);
        _offsets = new MakerOffsetEngine(options.MakerOffset);
        _scorer = new SymbolScorer(options.Score);
        _signals = [.. (signals ?? []).OrderBy(s => s.TimeNs)];
        _arrivals = arrivals;
        _strategy = strategy;
        _arrivalRandom = new DeterministicRandom(arrivals?.Seed ?? 0);
        _cash = options.StartingEquity;
        _peakEquity = options.StartingEquity;
    }

    /// <summary>Symbols switched off: the first risk gate denies their new orders.</summary>
    public ISet<Symbol> DisabledSymbols { get; } = new HashSet<Symbol>();

    public long ParentsCreated => _nextParentId - 1;

    /// <summary>Best-effort remote mirror of health and intel; null = none. Offered every health period.</summary>
    public IExecutionMirror? Mirror { get; set; }

    /// <summary>Wall-clock time spent deciding each signal (risk, sizing, routing), for latency checks.</summary>
    public DecisionLatency DecisionLatency { get; } = new();

    public int WorkingParents => _working.Count;

    public void OnMarket(in MarketUpdate update)
    {
        var state = State(update.Symbol);
        state?.OnMarket(update);
        if (!_started)
        {
            Start();
        }
        if (state is not null && update.Kind == MarketUpdateKind.Bar && _strategy?.OnBar(update.Symbol, update.Bar) is { } side)
        {
            DecideTimed(new ParentSignal(_venue.NowNs, update.Symbol, side, null, null, BreakoutStrategy.Name), isTarget: false);
        }
    }

    public void OnTimer(long token)
    {
        var payload = token & PayloadMask;
        switch (token & ~PayloadMask)
        {
            case ArrivalTimer:
                NextArrival();
                break;
            case SignalTimer:
                DecideTimed(_signals[(int)payload], isTarget: true);
                break;
            case TimeoutTimer:
                MakerTimedOut(payload);
                break;
            case HealthTimer:
                RefreshIntel();
                // One health period = one telemetry batch (transaction), so a crash loses at most one period.
                PublishHealth();
                _telemetry.Flush();
                _venue.SetTimer(_venue.NowNs + _o.HealthEvery.Ticks * 100, HealthTimer);
                break;
        }
    }

    /// <summary>Health of every symbol seen so far, now.</summary>
    public IReadOnlyList<ExecutionHealth> Health() =>
        [.. _symbols.Values.OrderBy(s => s.Symbol.Value, StringComparer.Ordinal).Select(HealthOf)];

    /// <summary>Flushes telemetry and health at the end of a run.</summary>
    public void Finish()
    {
        PublishHealth();
        _telemetry.Flush();
    }

    private void Start()
    {
        _started = true;
        var now = _venue.NowNs;
        for (var i = 0; i < _signals.Count; i++)
        {
            _venue.SetTimer(_signals[i].TimeNs, SignalTimer | (long)(uint)i);
        }
        if (_arrivals is { } a)
        {
            _venue.SetTimer(now + a.Every.Ticks * 100, ArrivalTimer);
        }
        _venue.SetTimer(now + _o.HealthEvery.Ticks * 100, HealthTimer);
    }

    private void NextArrival()
    {
        var a = _arrivals!;
        var quoted = _symbols.Values.Where(s => s.HasFreshQuote(_venue.NowNs, _o.MaxQuoteAge)).OrderBy(s => s.Symbol.Value, StringComparer.Ordinal).ToList();
        // Two draws per arrival whatever the policy, so every policy sees the identical schedule.
        var pick = _arrivalRandom.NextLong(1_000_000);
        var side = _arrivalRandom.NextDouble() < 0.5 ? Side.Buy : Side.Sell;
        if (quoted.Count > 0)
        {
            var symbol = quoted[(int)(pick % quoted.Count)].Symbol;
            DecideTimed(new ParentSignal(_venue.NowNs, symbol, side, null, a.Notional, "arrivals"), isTarget: true);
        }
        _venue.SetTimer(_venue.NowNs + a.Every.Ticks * 100, ArrivalTimer);
    }

    /// <summary>Walk-forward refresh: the map is rebuilt only from trades and orders already completed, and only when there are new ones.</summary>
    private void RefreshIntel()
    {
        var records = _trades.Count + _slippage.Count;
        if (records == _recordsAtRefresh || _venue.NowNs - _lastRefreshNs < _o.IntelRefreshEvery.Ticks * 100)
        {
            return;
        }
        _expectancy = ExpectancyMap.Build(CollectionsMarshal.AsSpan(_trades), CollectionsMarshal.AsSpan(_slippage), _o.Expectancy);
        _lastRefreshNs = _venue.NowNs;
        _recordsAtRefresh = records;
    }

    private void DecideTimed(ParentSignal signal, bool isTarget)
    {
        var start = TimeProvider.System.GetTimestamp();
        Decide(signal, isTarget);
        DecisionLatency.Add(TimeProvider.System.GetElapsedTime(start));
    }

    private SymbolState? State(Symbol symbol)
    {
        if (_symbols.TryGetValue(symbol, out var state))
        {
            return state;
        }
        if (!_catalog.TryGet(symbol, out var filters))
        {
            return null;
        }
        state = new SymbolState(filters, _o);
        _symbols.Add(symbol, state);
        return state;
    }

    private double Drawdown()
    {
        var equity = Equity();
        _peakEquity = Math.Max(_peakEquity, equity);
        return _peakEquity <= 0 ? 1 : (double)((_peakEquity - equity) / _peakEquity);
    }

    private decimal Equity() => _cash + _symbols.Values.Where(s => s.HasQuote).Sum(s => s.Position * s.Mid);

    /// <summary>The hour's expectancy for the symbol from the last refresh; NaN before the first refresh.</summary>
    private double HourExpectancy(Symbol symbol, long nowMs) => _expectancy?.GetAt(symbol, nowMs).ExpectancyBps ?? double.NaN;

    private SymbolScoreInputs ScoreInputs(SymbolState s, Regime regime, RouterQuality quality) =>
        new(s.RollingSharpe(), regime, quality, s.MeanTradeBps + s.MeanFeesBps, s.MeanFeesBps, Drawdown());

    private decimal GrossNotional() => _symbols.Values.Where(s => s.HasQuote).Sum(s => Math.Abs(s.Position * s.Mid));
}
