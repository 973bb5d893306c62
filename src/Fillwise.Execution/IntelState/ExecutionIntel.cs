using System.Runtime.InteropServices;
using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.IntelState;

/// <summary>One symbol's intelligence as of now: what every policy, the score and health read.</summary>
public readonly record struct IntelReading(RouterKpis Kpis, RegimeReading Regime, RouterPolicy Router, SymbolScore Score, double IntelSizeFactor, double HourExpectancyBps);

/// <summary>
/// The intelligence state of every symbol (seed v5.10): router KPIs, ATR regimes, the hourly expectancy map
/// and symbol scores. Walk-forward by construction: it only learns from feed events and own orders that
/// already happened, and the expectancy map is rebuilt at most every <c>IntelRefreshEvery</c>, only when
/// there are new records.
/// </summary>
internal sealed class ExecutionIntel(ExecutorOptions options)
{
    private readonly RouterPolicyEngine _router = new(options.RouterPolicy);
    private readonly SymbolScorer _scorer = new(options.Score);
    private readonly List<TradeRecord> _trades = [];
    private readonly List<SlippageSample> _slippage = [];
    private ExpectancyMap? _expectancy;
    private long _lastRefreshNs = long.MinValue;
    private int _recordsAtRefresh;

    public SymbolIntel Create(Symbol symbol) => new(symbol, options.Regime, options.Kpis);

    public int RoundTrips => _trades.Count;

    public void AddRoundTrip(SymbolIntel symbol, in TradeRecord trade)
    {
        _trades.Add(trade);
        symbol.AddRoundTrip(trade.NetReturnBps);
    }

    public void AddCost(SymbolIntel symbol, long timeMs, double costBps, double feesBps)
    {
        _slippage.Add(new SlippageSample(symbol.Symbol, timeMs, costBps));
        symbol.AddFees(feesBps);
    }

    /// <summary>Rebuilds the expectancy map from records already completed, at most every IntelRefreshEvery and only when there are new ones.</summary>
    public void Refresh(long nowNs)
    {
        var records = _trades.Count + _slippage.Count;
        if (records == _recordsAtRefresh || nowNs - _lastRefreshNs < options.IntelRefreshEvery.Ticks * 100)
        {
            return;
        }
        _expectancy = ExpectancyMap.Build(CollectionsMarshal.AsSpan(_trades), CollectionsMarshal.AsSpan(_slippage), options.Expectancy);
        _lastRefreshNs = nowNs;
        _recordsAtRefresh = records;
    }

    /// <summary>The symbol's intelligence now; <paramref name="drawdown"/> is the account's, for the score.</summary>
    public IntelReading Read(SymbolIntel symbol, long nowNs, double drawdown)
    {
        var nowMs = nowNs / 1_000_000;
        var regime = symbol.Regime.Current;
        var kpis = symbol.Kpis.Compute(nowMs);
        var router = _router.Decide(kpis, regime.Regime);
        var score = _scorer.Score(new SymbolScoreInputs(symbol.RollingSharpe(), regime.Regime, router.Quality, symbol.MeanTradeBps + symbol.MeanFeesBps, symbol.MeanFeesBps, drawdown));
        var hour = _expectancy?.GetAt(symbol.Symbol, nowMs).ExpectancyBps ?? double.NaN;
        return new IntelReading(kpis, regime, router, score, _scorer.ScoreToSizeFactor(score.Score), hour);
    }

    /// <summary>The 24 UTC hours' expectancy (bps) of the last refresh; zeros before the first.</summary>
    public double[] HourlyExpectancy(Symbol symbol)
    {
        var hours = new double[24];
        for (var h = 0; h < 24 && _expectancy is not null; h++)
        {
            hours[h] = _expectancy.Get(symbol, h).ExpectancyBps;
        }
        return hours;
    }
}
