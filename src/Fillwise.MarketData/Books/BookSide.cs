using Fillwise.Core;

namespace Fillwise.MarketData.Books;

/// <summary>
/// One side of an L2 book as a sorted list of small chunks (a one-level B-tree), ordered by a key in which
/// the best level is always last: bids keyed by price, asks by minus price. Why chunks: Binance diffs also
/// touch levels thousands of ticks from the touch (bids at 1000.00 next to 61,800), and in one flat sorted
/// array every such insert or delete moved most of the array. Here an update moves at most one chunk
/// (<see cref="ChunkCapacity"/> levels); the chunk is found by a binary search over the chunks' last keys.
/// Emptied chunks are kept for reuse, so after warm-up updates allocate nothing.
/// </summary>
public sealed class BookSide
{
    private const int ChunkCapacity = 128;

    private readonly bool _isBid;
    private readonly Stack<Chunk> _free = new();
    private Chunk[] _chunks = new Chunk[16];
    private int _chunkCount;
    private int _finger;

    internal BookSide(bool isBid) => _isBid = isBid;

    private sealed class Chunk
    {
        public readonly long[] Keys = new long[ChunkCapacity];
        public readonly long[] Quantities = new long[ChunkCapacity];
        public int Count;
    }

    public int Count { get; private set; }

    /// <summary>The level <paramref name="depth"/> steps from the best (0 = best).</summary>
    public Level this[int depth]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(depth);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(depth, Count);
            // Callers walk from the best level, which lives in the last chunk: start there.
            for (var c = _chunkCount - 1; ; c--)
            {
                var chunk = _chunks[c];
                if (depth < chunk.Count)
                {
                    var i = chunk.Count - 1 - depth;
                    return new Level(new Fixed8(ToPrice(chunk.Keys[i])), new Fixed8(chunk.Quantities[i]));
                }
                depth -= chunk.Count;
            }
        }
    }

    public bool TryGetBest(out Level level)
    {
        if (Count == 0)
        {
            level = default;
            return false;
        }
        var chunk = _chunks[_chunkCount - 1];
        level = new Level(new Fixed8(ToPrice(chunk.Keys[chunk.Count - 1])), new Fixed8(chunk.Quantities[chunk.Count - 1]));
        return true;
    }

    /// <summary>Quantity resting at <paramref name="price"/>, zero when there is no such level.</summary>
    public Fixed8 QuantityAt(Fixed8 price)
    {
        var key = ToKey(price.Raw);
        var c = FindChunk(key);
        if (c < 0)
        {
            return Fixed8.Zero;
        }
        var chunk = _chunks[c];
        var i = Search(chunk.Keys, chunk.Count, key);
        return i >= 0 ? new Fixed8(chunk.Quantities[i]) : Fixed8.Zero;
    }

    /// <summary>Sets the quantity at a price; zero removes the level (removing a missing level is a no-op, as on Binance).</summary>
    public void Set(Fixed8 price, Fixed8 quantity)
    {
        var key = ToKey(price.Raw);
        var c = FindChunk(key);
        if (c < 0)
        {
            if (quantity.IsZero)
            {
                return;
            }
            c = AddChunk(0);
        }
        var chunk = _chunks[c];
        var i = Search(chunk.Keys, chunk.Count, key);
        if (quantity.IsZero)
        {
            if (i >= 0)
            {
                Array.Copy(chunk.Keys, i + 1, chunk.Keys, i, chunk.Count - i - 1);
                Array.Copy(chunk.Quantities, i + 1, chunk.Quantities, i, chunk.Count - i - 1);
                chunk.Count--;
                Count--;
                if (chunk.Count == 0)
                {
                    RemoveChunk(c);
                }
            }
            return;
        }
        if (i >= 0)
        {
            chunk.Quantities[i] = quantity.Raw;
            return;
        }
        i = ~i;
        if (chunk.Count == ChunkCapacity)
        {
            Split(c);
            if (i > ChunkCapacity / 2)
            {
                i -= ChunkCapacity / 2;
                chunk = _chunks[c + 1];
            }
        }
        Array.Copy(chunk.Keys, i, chunk.Keys, i + 1, chunk.Count - i);
        Array.Copy(chunk.Quantities, i, chunk.Quantities, i + 1, chunk.Count - i);
        chunk.Keys[i] = key;
        chunk.Quantities[i] = quantity.Raw;
        chunk.Count++;
        Count++;
    }

    /// <summary>Replaces the whole side (a snapshot). Later duplicates of a price win; zero quantities are dropped.</summary>
    internal void Load(ReadOnlySpan<Level> levels)
    {
        Clear();
        foreach (var level in levels)
        {
            Set(level.Price, level.Quantity);
        }
    }

    internal void Clear()
    {
        for (var c = 0; c < _chunkCount; c++)
        {
            _chunks[c].Count = 0;
            _free.Push(_chunks[c]);
        }
        _chunkCount = 0;
        Count = 0;
    }

    /// <summary>
    /// The chunk that holds or should hold <paramref name="key"/>: the first whose last key is >= key, else the
    /// last; -1 when empty. A diff lists its levels in price order, so the chunk of the previous call is tried
    /// first (one comparison or two instead of a search that chases a pointer per step).
    /// </summary>
    private int FindChunk(long key)
    {
        var hi = _chunkCount - 1;
        if (hi < 0)
        {
            return -1;
        }
        var f = _finger;
        if (f <= hi && key <= _chunks[f].Keys[_chunks[f].Count - 1] && (f == 0 || key > _chunks[f - 1].Keys[_chunks[f - 1].Count - 1]))
        {
            return f;
        }
        var lo = 0;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var chunk = _chunks[mid];
            if (chunk.Keys[chunk.Count - 1] >= key)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return _finger = lo;
    }

    /// <summary>Array.BinarySearch's contract (index, or the complement of the insertion point) without its comparer.</summary>
    private static int Search(long[] keys, int count, long key)
    {
        int lo = 0, hi = count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var k = keys[mid];
            if (k == key)
            {
                return mid;
            }
            if (k < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }

    private int AddChunk(int at)
    {
        if (_chunkCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }
        Array.Copy(_chunks, at, _chunks, at + 1, _chunkCount - at);
        _chunks[at] = _free.Count > 0 ? _free.Pop() : new Chunk();
        _chunkCount++;
        return at;
    }

    private void RemoveChunk(int at)
    {
        _free.Push(_chunks[at]);
        Array.Copy(_chunks, at + 1, _chunks, at, _chunkCount - at - 1);
        _chunkCount--;
        _chunks[_chunkCount] = null!;
    }

    /// <summary>Moves the upper half of a full chunk into a new chunk right after it.</summary>
    private void Split(int c)
    {
        AddChunk(c + 1);
        var full = _chunks[c];
        var upper = _chunks[c + 1];
        const int half = ChunkCapacity / 2;
        Array.Copy(full.Keys, half, upper.Keys, 0, ChunkCapacity - half);
        Array.Copy(full.Quantities, half, upper.Quantities, 0, ChunkCapacity - half);
        upper.Count = ChunkCapacity - half;
        full.Count = half;
    }

    private long ToKey(long price) => _isBid ? price : -price;

    private long ToPrice(long key) => _isBid ? key : -key;
}
