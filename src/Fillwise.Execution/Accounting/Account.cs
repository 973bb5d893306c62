using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.Accounting;

/// <summary>Marks for valuing positions: the latest mid of a symbol, when it has a quote.</summary>
internal interface IMarks
{
    bool TryGetMid(Symbol symbol, out decimal mid);
}

/// <summary>
/// Positions, realised P&amp;L, fees and round trips from fills; equity = starting equity - fees + realised +
/// open positions marked to the latest mids; drawdown from the equity peak. Money is decimal throughout, in
/// quote currency (COIN-M: USD at the fill or mark price).
/// </summary>
internal sealed class Account(decimal startingEquity)
{
    private readonly SortedDictionary<Symbol, TradeLedger> _ledgers = new(Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
    // The same ledgers in the same (symbol) order, for the sums every decision takes: walking a SortedDictionary
    // allocates an enumerator stack each time.
    private readonly List<TradeLedger> _ordered = [];
    private readonly decimal _startingEquity = startingEquity;
    private decimal _fees;
    private decimal _peakEquity = startingEquity;

    public decimal Position(Symbol symbol) => _ledgers.TryGetValue(symbol, out var ledger) ? ledger.Position : 0m;

    /// <summary>Books a fill (fees and position); returns the round trip it closed, if any.</summary>
    public TradeRecord? Fill(SymbolFilters filters, Side side, decimal price, decimal quantity, decimal fee, long timeNs)
    {
        if (!_ledgers.TryGetValue(filters.Symbol, out var ledger))
        {
            ledger = new TradeLedger(filters);
            _ledgers.Add(filters.Symbol, ledger);
            _ordered.Clear();
            _ordered.AddRange(_ledgers.Values);
        }
        _fees += fee;
        return ledger.Fill(side, price, quantity, fee, timeNs / 1_000_000);
    }

    public decimal Equity(IMarks marks)
    {
        var equity = _startingEquity - _fees;
        foreach (var ledger in _ordered)
        {
            equity += ledger.RealizedTotal;
            if (ledger.Position != 0 && marks.TryGetMid(ledger.Filters.Symbol, out var mid))
            {
                equity += ledger.Unrealized(mid);
            }
        }
        return equity;
    }

    /// <summary>Drawdown from the equity peak as a fraction (1 when equity is gone); updates the peak.</summary>
    public double Drawdown(IMarks marks)
    {
        var equity = Equity(marks);
        _peakEquity = Math.Max(_peakEquity, equity);
        return _peakEquity <= 0 ? 1 : (double)((_peakEquity - equity) / _peakEquity);
    }

    public decimal GrossNotional(IMarks marks)
    {
        var gross = 0m;
        foreach (var ledger in _ordered)
        {
            if (ledger.Position != 0 && marks.TryGetMid(ledger.Filters.Symbol, out var mid))
            {
                gross += Math.Abs(ledger.Filters.Notional(mid, ledger.Position));
            }
        }
        return gross;
    }
}
