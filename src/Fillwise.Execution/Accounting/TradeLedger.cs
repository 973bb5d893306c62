using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.Accounting;

/// <summary>
/// Position and round trips of one symbol from its fills: a round trip runs from flat to flat (a flip closes
/// one and opens the next). Its net return is realised P&L minus all fees over the notional opened, in bps.
/// </summary>
internal sealed class TradeLedger
{
    private decimal _position;
    private decimal _averagePrice;
    private decimal _openedNotional;
    private decimal _realized;
    private decimal _fees;
    private long _entryMs;

    public decimal Position => _position;

    /// <summary>Books a fill; returns the closed round trip, if this fill closed one.</summary>
    public TradeRecord? Fill(Symbol symbol, Side side, decimal price, decimal quantity, decimal fee, long timeMs)
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
            _realized += closing * (price - _averagePrice) * Math.Sign(_position);
            _fees += closingFee;
            fee -= closingFee;
            _position += Math.Sign(signed) * closing;
            signed -= Math.Sign(signed) * closing;
            if (_position == 0)
            {
                var bps = _openedNotional > 0 ? (double)((_realized - _fees) / _openedNotional) * 10_000 : double.NaN;
                closed = new TradeRecord(symbol, _entryMs, bps);
                _realized = _fees = _openedNotional = 0;
                _entryMs = timeMs;
            }
        }
        if (signed != 0)
        {
            _averagePrice = (_averagePrice * Math.Abs(_position) + price * Math.Abs(signed)) / (Math.Abs(_position) + Math.Abs(signed));
            _position += signed;
            _openedNotional += price * Math.Abs(signed);
            _fees += fee;
        }
        return closed;
    }
}
