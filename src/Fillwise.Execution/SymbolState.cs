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

    /// <summary>
    /// What is wrong with the book as the latest update showed it (<see cref="Risk.RiskReason.None"/> when it is usable):
    /// out of sync (a gap, no snapshot yet), one side empty, or crossed. The last good quote stays in <see cref="Quote"/>,
    /// but no new parent order is routed on it while the book is in this state.
    /// </summary>
    public Risk.RiskReason BookProblem { get; private set; }

    public void OnMarket(in MarketUpdate update)
    {
        BookProblem = !update.BookValid ? Risk.RiskReason.BookNotInSync
            : update.BidPrice.Raw <= 0 || update.AskPrice.Raw <= 0 ? Risk.RiskReason.OneSidedBook
            : !update.HasUsableQuote ? Risk.RiskReason.CrossedBook
            : Risk.RiskReason.None;
        if (update.HasUsableQuote)
        {
            Quote = update;
            HasQuote = true;
            QuoteTimeNs = update.ExchangeTimeNs;
        }
        Intel.OnMarket(update);
    }
}
