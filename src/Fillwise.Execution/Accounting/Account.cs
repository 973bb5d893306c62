using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.Accounting;

/// <summary>Marks for valuing positions: the latest mid of a symbol, when it has a quote.</summary>
internal interface IMarks
{
    bool TryGetMid(Symbol symbol, out decimal mid);
}

/// <summary>
/// Cash, positions and round trips from fills; equity marked to the latest mids; drawdown from the equity
/// peak. Money is decimal throughout.
/// </summary>
internal sealed class Account(decimal startingEquity)
{
    private readonly SortedDictionary<Symbol, TradeLedger> _ledgers = new(Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
    private decimal _cash = startingEquity;
    private decimal _peakEquity = startingEquity;

    public decimal Position(Symbol symbol) => _ledgers.TryGetValue(symbol, out var ledger) ? ledger.Position : 0m;

    /// <summary>Books a fill (cash and position); returns the round trip it closed, if any.</summary>
    public TradeRecord? Fill(Symbol symbol, Side side, decimal price, decimal quantity, decimal fee, long timeNs)
    {
        if (!_ledgers.TryGetValue(symbol, out var ledger))
        {
            ledger = new TradeLedger();
            _ledgers.Add(symbol, ledger);
        }
        var signed = side == Side.Buy ? quantity : -quantity;
        _cash -= signed * price + fee;
        return ledger.Fill(symbol, side, price, quantity, fee, timeNs / 1_000_000);
    }

    public decimal Equity(IMarks marks)
    {
        var equity = _cash;
        foreach (var (symbol, ledger) in _ledgers)
        {
            if (ledger.Position != 0 && marks.TryGetMid(symbol, out var mid))
            {
                equity += ledger.Position * mid;
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
        foreach (var (symbol, ledger) in _ledgers)
        {
            if (ledger.Position != 0 && marks.TryGetMid(symbol, out var mid))
            {
                gross += Math.Abs(ledger.Position * mid);
            }
        }
        return gross;
    }
}
