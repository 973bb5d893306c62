namespace Fillwise.Venues.Replay;

/// <summary>
/// What our own taker orders took from displayed levels, so two orders in a row cannot both take the same
/// recorded liquidity. An entry lives only while the recorded level still shows the size it had when we took
/// from it: once the feed updates the level, the exchange's number is authoritative again. Small and
/// allocation-free: a few slots, oldest overwritten.
/// </summary>
internal sealed class ConsumedLiquidity
{
    private const int Slots = 16;
    private readonly long[] _price = new long[Slots];
    private readonly long[] _levelSize = new long[Slots];
    private readonly long[] _consumed = new long[Slots];
    private int _next;

    /// <summary>Displayed size at a level minus what we already took from it.</summary>
    public long Available(long priceRaw, long levelSizeRaw)
    {
        for (var i = 0; i < Slots; i++)
        {
            if (_consumed[i] > 0 && _price[i] == priceRaw)
            {
                if (_levelSize[i] != levelSizeRaw)
                {
                    _consumed[i] = 0;
                    return levelSizeRaw;
                }
                return Math.Max(0, levelSizeRaw - _consumed[i]);
            }
        }
        return levelSizeRaw;
    }

    public void Take(long priceRaw, long levelSizeRaw, long quantityRaw)
    {
        for (var i = 0; i < Slots; i++)
        {
            if (_consumed[i] > 0 && _price[i] == priceRaw && _levelSize[i] == levelSizeRaw)
            {
                _consumed[i] += quantityRaw;
                return;
            }
        }
        _price[_next] = priceRaw;
        _levelSize[_next] = levelSizeRaw;
        _consumed[_next] = quantityRaw;
        _next = (_next + 1) % Slots;
    }
}
