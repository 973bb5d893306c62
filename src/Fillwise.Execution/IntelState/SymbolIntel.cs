using System.Runtime.InteropServices;
using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.IntelState;

/// <summary>
/// The per-symbol intelligence state, learned walk-forward from the feed and from the executor's own orders:
/// ATR regime (klines directly, or trades aggregated into 1-minute bars in tick mode), router KPIs, round-trip
/// returns (rolling Sharpe) and fee costs, and the last score.
/// </summary>
internal sealed class SymbolIntel
{
    private const long MinuteNs = 60_000_000_000;
    private const int SharpeWindow = 50;
    private readonly List<double> _tradeReturnsBps = [];
    private long _barStartNs = -1;
    private double _high, _low, _close;
    private double _feesBpsSum;
    private int _feesBpsCount;
    private double _finiteTradeSum;
    private long _finiteTrades;

    public SymbolIntel(Symbol symbol, AtrRegimeOptions regime, RouterKpiOptions kpis)
    {
        Symbol = symbol;
        Regime = new AtrRegimeTracker(regime);
        Kpis = new RouterKpiWindow(kpis);
    }

    public Symbol Symbol { get; }
    public AtrRegimeTracker Regime { get; }
    public RouterKpiWindow Kpis { get; }
    public SymbolScore LastScore { get; set; }
    public RouterQuality LastRouterQuality { get; set; }

    public void OnMarket(in MarketUpdate update)
    {
        if (update.Kind == MarketUpdateKind.Bar)
        {
            Regime.Add(update.Bar.High.ToDouble(), update.Bar.Low.ToDouble(), update.Bar.Close.ToDouble());
        }
        else if (update.Kind == MarketUpdateKind.Trade)
        {
            AddTrade(update.ExchangeTimeNs, update.TradePrice.ToDouble());
        }
    }

    public void AddRoundTrip(double netReturnBps)
    {
        _tradeReturnsBps.Add(netReturnBps);
        if (double.IsFinite(netReturnBps))
        {
            // Summed in arrival order from the first value, as a mean over the whole list would: the same bits, without reading the list per decision.
            _finiteTradeSum = _finiteTrades == 0 ? netReturnBps : _finiteTradeSum + netReturnBps;
            _finiteTrades++;
        }
    }

    public void AddFees(double feesBps)
    {
        _feesBpsSum += feesBps;
        _feesBpsCount++;
    }

    /// <summary>Per-trade Sharpe (mean / standard deviation) of the last 50 round trips; NaN below 5. Reads the list in place (a decision allocates nothing).</summary>
    public double RollingSharpe()
    {
        var recent = CollectionsMarshal.AsSpan(_tradeReturnsBps)[Math.Max(0, _tradeReturnsBps.Count - SharpeWindow)..];
        double sum = 0;
        var n = 0;
        foreach (var r in recent)
        {
            if (double.IsFinite(r))
            {
                sum += r;
                n++;
            }
        }
        if (n < 5)
        {
            return double.NaN;
        }
        var mean = sum / n;
        double squares = 0;
        foreach (var r in recent)
        {
            if (double.IsFinite(r))
            {
                squares += (r - mean) * (r - mean);
            }
        }
        var sd = Math.Sqrt(squares / (n - 1));
        return sd > 0 ? mean / sd : double.NaN;
    }

    public double MeanTradeBps => _finiteTrades > 0 ? _finiteTradeSum / _finiteTrades : double.NaN;

    public double MeanFeesBps => _feesBpsCount > 0 ? _feesBpsSum / _feesBpsCount : double.NaN;

    private void AddTrade(long timeNs, double price)
    {
        var start = timeNs - (timeNs % MinuteNs);
        if (start != _barStartNs)
        {
            if (_barStartNs >= 0)
            {
                Regime.Add(_high, _low, _close);
            }
            _barStartNs = start;
            _high = _low = price;
        }
        _high = Math.Max(_high, price);
        _low = Math.Min(_low, price);
        _close = price;
    }
}
