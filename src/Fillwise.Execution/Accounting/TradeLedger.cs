using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.Accounting;

/// <summary>
/// Position and round trips of one symbol from its fills: a round trip runs from flat to flat (a flip closes
/// one and opens the next). Its net return is realised P&amp;L minus all fees over the notional opened, in bps.
/// The open position is kept as its notional and base amount at entry (<see cref="SymbolFilters.Notional"/>,
/// <see cref="SymbolFilters.BaseAmount"/>), so one rule values linear and inverse contracts: P&amp;L = side x
/// (base amount x price - entry notional), in quote currency (COIN-M: USD at that price).
/// </summary>
internal sealed class TradeLedger(SymbolFilters filters)
{
    private decimal _position;
    private decimal _entryNotional;
    private decimal _entryBase;
    private decimal _openedNotional;
    private decimal _realized;
    private decimal _fees;
    private long _entryMs;

    public SymbolFilters Filters { get; } = filters;

    public decimal Position => _position;

    /// <summary>Realised P&amp;L over the ledger's life, fees not deducted.</summary>
    public decimal RealizedTotal { get; private set; }

    /// <summary>P&amp;L of the open position marked at <paramref name="mid"/>.</summary>
    public decimal Unrealized(decimal mid) => _position == 0 ? 0 : Math.Sign(_position) * (_entryBase * mid - _entryNotional);

    /// <summary>Books a fill; returns the closed round trip, if this fill closed one.</summary>
    public TradeRecord? Fill(Side side, decimal price, decimal quantity, decimal fee, long timeMs)
    {
        var signed = side == Side.Buy ? quantity : -quantity;
        TradeRecord? closed = null;
        if (_position == 0)
        {
            _entryMs = timeMs;
        }
        if (_position != 0 && Math.Sign(signed) != Math.Sign(_position))
        {
            var closing = Math.Min(Math.Abs(signed), Math.Abs(_position));
            var closingFee = fee * closing / quantity;
            var share = closing / Math.Abs(_position);
            var baseClosed = _entryBase * share;
            var notionalClosed = _entryNotional * share;
            var pnl = Math.Sign(_position) * (baseClosed * price - notionalClosed);
            _realized += pnl;
            RealizedTotal += pnl;
            _entryBase -= baseClosed;
            _entryNotional -= notionalClosed;
            _fees += closingFee;
            fee -= closingFee;
            _position += Math.Sign(signed) * closing;
            signed -= Math.Sign(signed) * closing;
            if (_position == 0)
            {
                var bps = _openedNotional > 0 ? (double)((_realized - _fees) / _openedNotional) * 10_000 : double.NaN;
                closed = new TradeRecord(Filters.Symbol, _entryMs, bps);
                _realized = _fees = _openedNotional = _entryBase = _entryNotional = 0;
                _entryMs = timeMs;
            }
        }
        if (signed != 0)
        {
            var opened = Filters.Notional(price, Math.Abs(signed));
            _entryNotional += opened;
            _entryBase += Filters.BaseAmount(price, Math.Abs(signed));
            _position += signed;
            _openedNotional += opened;
            _fees += fee;
        }
        return closed;
    }
}
