using Fillwise.Core;

namespace Fillwise.Execution;

/// <summary>What the executor knows about one symbol's market: filters, the latest two-sided quote, the operator toggle and its order counters.</summary>
internal sealed class SymbolState(SymbolFilters filters, IntelState.SymbolIntel intel)
{
    public SymbolFilters Filters { get; } = filters;
    public Symbol Symbol => Filters.Symbol;
    public IntelState.SymbolIntel Intel { get; } = intel;
    public MarketUpdate Quote { get; private set; }
    public bool HasQuote { get; private set; }
    public long QuoteTimeNs { get; private set; }
    public bool Enabled { get; set; } = true;
    public long Parents { get; set; }
    public long Denied { get; set; }
    public double LastIntelSizeFactor { get; set; } = 1.0;
    public double LastFinalSizeFactor { get; set; } = 1.0;

    public decimal Mid => Quote.Mid.ToDecimal();

    public bool HasFreshQuote(long nowNs, TimeSpan maxAge) => HasQuote && nowNs - QuoteTimeNs <= maxAge.Ticks * 100;

    public void OnMarket(in MarketUpdate update)
    {
        if (update.HasTwoSidedQuote)
        {
            Quote = update;
            HasQuote = true;
            QuoteTimeNs = update.ExchangeTimeNs;
        }
        Intel.OnMarket(update);
    }
}
