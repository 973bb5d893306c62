using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution;

/// <summary>What the executor knows about one symbol: quote, bars, regime, router KPIs, position, toggles.</summary>
internal sealed class SymbolState
{
    private const long MinuteNs = 60_000_000_000;
    private long _barStartNs = -1;
    private double _high, _low, _close;

    public SymbolState(SymbolFilters filters, ExecutorOptions options)
    {
        Filters = filters;
        Regime = new AtrRegimeTracker(options.Regime);
        Kpis = new RouterKpiWindow(options.Kpis);
    }

    public SymbolFilters Filters { get; }
    public Symbol Symbol => Filters.Symbol;
    public AtrRegimeTracker Regime { get; }
    public RouterKpiWindow Kpis { get; }
    public MarketUpdate Quote { get; private set; }
    public bool HasQuote { get; private set; }
    public long QuoteTimeNs { get; private set; }

    public bool HasFreshQuote(long nowNs, TimeSpan maxAge) => HasQuote && nowNs - QuoteTimeNs <= maxAge.Ticks * 100;
    public bool Enabled { get; set; } = true;
    public TradeLedger Ledger { get; } = new();
    public decimal Position => Ledger.Position;
    public List<double> TradeReturnsBps { get; } = [];
    public double FeesBpsSum { get; set; }
    public int FeesBpsCount { get; set; }

    /// <summary>Per-trade Sharpe (mean / standard deviation) of the last 50 round trips; NaN below 5.</summary>
    public double RollingSharpe()
    {
        var recent = TradeReturnsBps.Skip(Math.Max(0, TradeReturnsBps.Count - 50)).Where(double.IsFinite).ToArray();
        if (recent.Length < 5)
        {
            return double.NaN;
        }
        var mean = recent.Average();
        var sd = Math.Sqrt(recent.Sum(r => (r - mean) * (r - mean)) / (recent.Length - 1));
        return sd > 0 ? mean / sd : double.NaN;
    }

    public double MeanTradeBps => TradeReturnsBps.Count > 0 ? TradeReturnsBps.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average() : double.NaN;

    public double MeanFeesBps => FeesBpsCount > 0 ? FeesBpsSum / FeesBpsCount : double.NaN;
    public long Parents { get; set; }
    public long Denied { get; set; }
    public RouterPolicy LastPolicy { get; set; }
    public MakerOffset LastOffset { get; set; }
    public double LastIntelSizeFactor { get; set; } = 1.0;
    public double LastFinalSizeFactor { get; set; } = 1.0;
    public SymbolScore LastScore { get; set; }

    public decimal Mid => Quote.Mid.ToDecimal();

    /// <summary>Bars feed the ATR regime: klines directly, trades aggregated into 1-minute bars in tick mode.</summary>
    public void OnMarket(in MarketUpdate update)
    {
        if (update.HasTwoSidedQuote)
        {
            Quote = update;
            HasQuote = true;
            QuoteTimeNs = update.ExchangeTimeNs;
        }
        if (update.Kind == MarketUpdateKind.Bar)
        {
            Regime.Add(update.Bar.High.ToDouble(), update.Bar.Low.ToDouble(), update.Bar.Close.ToDouble());
        }
        else if (update.Kind == MarketUpdateKind.Trade)
        {
            AddTrade(update.ExchangeTimeNs, update.TradePrice.ToDouble());
        }
    }

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
