using System.Collections.Concurrent;
using Fillwise.Core;
using Parquet;
using Parquet.Schema;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// One decoded row group of a catalog file: the scalar columns as arrays and both sides' levels already turned
/// into <see cref="Level"/> values, with each row's start in them, so an event's bids and asks are slices of one
/// array (no per-event copy). Reused from group to group: its arrays only grow.
/// </summary>
internal sealed class RowGroupBatch
{
    // Readers come and go (eval opens one per run, benchmarks one per operation) and a batch's arrays are
    // large-object-heap sized: keeping a few finished batches saves their re-allocation and the gen-2 collections.
    private const int PoolLimit = 8;
    private static readonly ConcurrentBag<RowGroupBatch> Pool = [];

    private long[] _scratchValues = [];
    private int[] _definitions = [];
    private int[] _repetitions = [];

    public long[][] Longs { get; } = new long[CatalogFormat.LongColumns.Length][];
    public int[] Kinds { get; private set; } = [];
    public int[] Flags { get; private set; } = [];
    public LevelSide Bids { get; } = new();
    public LevelSide Asks { get; } = new();
    public int Rows { get; private set; }
    public long PriceRaw { get; private set; } = 1;
    public long SizeRaw { get; private set; } = 1;

    public Fixed8 PriceOf(long ticks) => new(ticks * PriceRaw);

    public Fixed8 SizeOf(long lots) => new(lots * SizeRaw);

    /// <summary>Where the batch came from, for error messages.</summary>
    public string File { get; private set; } = string.Empty;
    public int Group { get; private set; }

    public static RowGroupBatch Rent() => Pool.TryTake(out var batch) ? batch : new RowGroupBatch();

    public static void Return(RowGroupBatch batch)
    {
        if (Pool.Count < PoolLimit)
        {
            Pool.Add(batch);
        }
    }

    /// <summary>Decodes row group <paramref name="index"/> of <paramref name="reader"/>.</summary>
    public void Load(ParquetReader reader, int index, string file, long priceRaw, long sizeRaw)
    {
        File = file;
        Group = index;
        PriceRaw = priceRaw;
        SizeRaw = sizeRaw;
        using var group = reader.OpenRowGroupReader(index);
        var rows = checked((int)group.RowCount);
        if (Kinds.Length < rows)
        {
            for (var i = 0; i < Longs.Length; i++)
            {
                Longs[i] = new long[rows];
            }
            Kinds = new int[rows];
            Flags = new int[rows];
        }
        for (var i = 0; i < Longs.Length; i++)
        {
            Wait(group.ReadAsync(CatalogFormat.LongColumns[i], new Memory<long>(Longs[i], 0, rows)));
        }
        Wait(group.ReadAsync(CatalogFormat.Kind, new Memory<int>(Kinds, 0, rows)));
        Wait(group.ReadAsync(CatalogFormat.Flags, new Memory<int>(Flags, 0, rows)));
        Rows = rows;
        LoadSide(group, Bids, CatalogFormat.LevelColumns[0], CatalogFormat.LevelColumns[1], priceRaw, sizeRaw);
        LoadSide(group, Asks, CatalogFormat.LevelColumns[2], CatalogFormat.LevelColumns[3], priceRaw, sizeRaw);
    }

    private void LoadSide(ParquetRowGroupReader group, LevelSide side, DataField pricesField, DataField sizesField, long priceRaw, long sizeRaw)
    {
        var entries = checked((int)(group.GetMetadata(pricesField)?.MetaData?.NumValues ?? 0));
        if (_definitions.Length < entries)
        {
            _definitions = new int[entries];
            _repetitions = new int[entries];
            _scratchValues = new long[entries];
        }
        var prices = side.Prepare(Rows, entries);
        Wait(group.ReadRawAsync(pricesField, new Memory<long>(prices, 0, entries), new Memory<int>(_definitions, 0, entries), new Memory<int>(_repetitions, 0, entries)));
        // Row starts from the prices' levels: a repetition level of 0 opens the next row, a definition level of 2 is a value.
        var starts = side.Starts;
        int row = -1, values = 0;
        for (var i = 0; i < entries; i++)
        {
            if (_repetitions[i] == 0)
            {
                if (++row >= Rows)
                {
                    break;
                }
                starts[row] = values;
            }
            if (_definitions[i] == 2)
            {
                values++;
            }
        }
        if (row != Rows - 1)
        {
            throw new DataFormatException($"{File}: row group {Group} has {Rows} rows but its {pricesField.Path} list has {row + 1}: the file is damaged.");
        }
        starts[Rows] = values;
        // The sizes list has the same shape by construction; its levels land in scratch.
        Wait(group.ReadRawAsync(sizesField, new Memory<long>(_scratchValues, 0, entries), new Memory<int>(_definitions, 0, entries), new Memory<int>(_repetitions, 0, entries)));
        side.Fill(prices, _scratchValues, values, priceRaw, sizeRaw);
    }

    private static void Wait(ValueTask task) => task.AsTask().GetAwaiter().GetResult();

    /// <summary>One side's levels of the batch: row r's levels are <c>Levels[Starts[r]..Starts[r + 1]]</c>.</summary>
    internal sealed class LevelSide
    {
        private long[] _prices = [];

        public int[] Starts { get; private set; } = [];
        public Level[] Levels { get; private set; } = [];

        public ReadOnlySpan<Level> Of(int row) => Levels.AsSpan(Starts[row], Starts[row + 1] - Starts[row]);

        public long[] Prepare(int rows, int entries)
        {
            if (Starts.Length < rows + 1)
            {
                Starts = new int[rows + 1];
            }
            if (_prices.Length < entries)
            {
                _prices = new long[entries];
                Levels = new Level[entries];
            }
            return _prices;
        }

        public void Fill(long[] prices, long[] sizes, int count, long priceRaw, long sizeRaw)
        {
            var levels = Levels;
            for (var i = 0; i < count; i++)
            {
                levels[i] = new Level(new Fixed8(prices[i] * priceRaw), new Fixed8(sizes[i] * sizeRaw));
            }
        }
    }
}
