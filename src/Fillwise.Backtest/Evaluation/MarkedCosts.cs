using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Backtest;

/// <summary>
/// The cost of every routed parent order, including those still working when the data ended: their unfilled
/// remainder is charged as if taken at the last opposite touch with the taker fee (the opportunity cost a
/// desk would book). Without this, a patient setting's unfinished parents would simply drop out of its mean
/// and flatter it. Finished parents keep their reported cost; a parent that filled nothing at all is left out.
/// </summary>
public static class MarkedCosts
{
    public static IReadOnlyDictionary<long, double> Of(MemoryTelemetry t, IReadOnlyDictionary<Symbol, MarketUpdate> lastQuotes, SymbolCatalog catalog, ExecutorOptions options) =>
        RunTally.Of(t).Marked(lastQuotes, catalog, options);

    /// <summary>A parent still working at the end: its fills so far, plus the remainder at the last opposite touch with the taker fee.</summary>
    internal static double Unfinished(ParentRecord p, List<FillRecord> done, MarketUpdate quote, SymbolFilters filters, ExecutorOptions options)
    {
        var filled = done.Sum(f => f.Quantity);
        var notional = done.Sum(f => filters.Notional(f.Price, f.Quantity));
        var baseAmount = done.Sum(f => filters.BaseAmount(f.Price, f.Quantity));
        var fees = done.Sum(f => f.Fee);
        var remaining = p.Quantity - filled;
        var opposite = (p.Side == Side.Buy ? quote.AskPrice : quote.BidPrice).ToDecimal();
        var rest = filters.Notional(opposite, remaining);
        notional += rest;
        baseAmount += filters.BaseAmount(opposite, remaining);
        fees += rest * options.FeesFor(filters).Taker;
        // Notional over base amount: VWAP, or the harmonic mean on COIN-M (as the router reports it).
        var average = notional / baseAmount;
        return (double)(p.Side.Sign() * (average - p.ArrivalMid) / p.ArrivalMid + fees / notional) * 10_000;
    }
}
