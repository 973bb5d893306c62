using Fillwise.Core;

namespace Fillwise.MarketData.Books;

/// <summary>
/// One side of an L2 book as two parallel arrays sorted by a key in which the best level is always last:
/// bids keyed by price, asks by minus price. Most updates touch levels near the top, so inserts and removes
/// shift only a few elements; after warm-up the arrays stop growing and updates allocate nothing.
/// </summary>
public sealed class BookSide
{
    private readonly bool _isBid;
    private long[] _keys = new long[1024];
    private long[] _quantities = new long[1024];

    internal BookSide(bool isBid) => _isBid = isBid;

    public int Count { get; private set; }

    /// <summary>The level <paramref name="depth"/> steps from the best (0 = best).</summary>
    public Level this[int depth]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(depth);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(depth, Count);
            var i = Count - 1 - depth;
            return new Level(new Fixed8(ToPrice(_keys[i])), new Fixed8(_quantities[i]));
        }
    }

    public bool TryGetBest(out Level level)
    {
        if (Count == 0)
        {
            level = default;
            return false;
        }
        level = this[0];
        return true;
    }

    /// <summary>Quantity resting at <paramref name="price"/>, zero when there is no such level.</summary>
    public Fixed8 QuantityAt(Fixed8 price)
    {
        var i = Array.BinarySearch(_keys, 0, Count, ToKey(price.Raw));
        return i >= 0 ? new Fixed8(_quantities[i]) : Fixed8.Zero;
    }

    /// <summary>Sets the quantity at a price; zero removes the level (removing a missing level is a no-op, as on Binance).</summary>
    public void Set(Fixed8 price, Fixed8 quantity)
    {
        var key = ToKey(price.Raw);
        var i = Array.BinarySearch(_keys, 0, Count, key);
        if (quantity.IsZero)
        {
            if (i >= 0)
            {
                Array.Copy(_keys, i + 1, _keys, i, Count - i - 1);
                Array.Copy(_quantities, i + 1, _quantities, i, Count - i - 1);
                Count--;
            }
            return;
        }
        if (i >= 0)
        {
            _quantities[i] = quantity.Raw;
            return;
        }
        i = ~i;
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _quantities, _quantities.Length * 2);
        }
        Array.Copy(_keys, i, _keys, i + 1, Count - i);
        Array.Copy(_quantities, i, _quantities, i + 1, Count - i);
        _keys[i] = key;
        _quantities[i] = quantity.Raw;
        Count++;
    }

    /// <summary>Replaces the whole side (a snapshot). Later duplicates of a price win; zero quantities are dropped.</summary>
    internal void Load(ReadOnlySpan<Level> levels)
    {
        Count = 0;
        foreach (var level in levels)
        {
            Set(level.Price, level.Quantity);
        }
    }

    internal void Clear() => Count = 0;

    private long ToKey(long price) => _isBid ? price : -price;

    private long ToPrice(long key) => _isBid ? key : -key;
}
