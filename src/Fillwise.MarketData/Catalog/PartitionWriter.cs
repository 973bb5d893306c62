using System.Globalization;
using Fillwise.Core;
using Fillwise.MarketData.Capture;
using System.IO.Compression;
using Parquet;
using Parquet.Schema;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// Writes one market/symbol's events into day-partitioned Parquet files under a staging directory, a row group
/// at a time: memory holds one row group (16k events and their levels), whatever the input's length. The day is
/// the UTC day of the latest receive time seen so far, so a stream that steps back in time never splits across
/// partitions.
/// </summary>
internal sealed class PartitionWriter : IDisposable
{
    private const int RowGroupRows = 1 << 14;

    private readonly string _staging;
    private readonly Market _market;
    private readonly Symbol _symbol;
    private readonly long _priceRaw;
    private readonly long _sizeRaw;
    private readonly decimal _contractSize;
    private readonly List<CatalogPartition> _done = [];
    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);
    private readonly long[][] _longs = new long[CatalogFormat.LongColumns.Length][];
    private readonly int[] _kinds = new int[RowGroupRows];
    private readonly int[] _flags = new int[RowGroupRows];
    private readonly LevelColumn _bids = new();
    private readonly LevelColumn _asks = new();
    private int _rows;
    private ParquetWriter? _writer;
    private Stream? _stream;
    private DateOnly _day;
    private long _maxReceiveNs;
    private long _firstNs;
    private long _fileEvents;

    private readonly CatalogCompression _compression;

    public PartitionWriter(string staging, Market market, Symbol symbol, SymbolCatalog symbols, CatalogCompression compression)
    {
        _compression = compression;
        _staging = staging;
        _market = market;
        _symbol = symbol;
        (_priceRaw, _sizeRaw, _contractSize) = CatalogFormat.Increments(symbols, market, symbol);
        for (var i = 0; i < _longs.Length; i++)
        {
            _longs[i] = new long[RowGroupRows];
        }
    }

    public IReadOnlyList<CatalogPartition> Partitions => _done;

    public void Add(CaptureReader e)
    {
        var latest = Math.Max(_maxReceiveNs, e.ReceiveTimeNs);
        var day = CatalogFormat.DayOf(latest);
        if (_writer is null || day != _day)
        {
            CloseFile();
            OpenFile(day, e.ReceiveTimeNs);
        }
        _maxReceiveNs = latest;
        _sources.Add(Path.GetFileName(e.CurrentFile));
        var kind = CatalogFormat.ToKind(e.Kind);
        switch (e.Kind)
        {
            case CaptureEventKind.DepthUpdate:
            case CaptureEventKind.Snapshot:
                Row(e, kind, e.UpdateIds, 0, 0, 0, 0, 0);
                _bids.Add(this, e, e.Bids);
                _asks.Add(this, e, e.Asks);
                break;
            case CaptureEventKind.BookTicker:
                var t = e.TopOfBook;
                Row(e, kind, new UpdateIds(0, t.UpdateId, 0), Ticks(e, t.BidPrice), Lots(e, t.BidQuantity), Ticks(e, t.AskPrice), Lots(e, t.AskQuantity), 0);
                _bids.AddEmpty();
                _asks.AddEmpty();
                break;
            case CaptureEventKind.Trade:
                Row(e, kind, new UpdateIds(0, e.Trade.TradeId, 0), Ticks(e, e.Trade.Price), Lots(e, e.Trade.Quantity), 0, 0, e.Trade.BuyerIsMaker ? CatalogFormat.FlagBuyerMaker : 0);
                _bids.AddEmpty();
                _asks.AddEmpty();
                break;
        }
        _fileEvents++;
        if (_rows >= RowGroupRows)
        {
            FlushRowGroup();
        }
    }

    private void Row(CaptureReader e, int kind, UpdateIds ids, long price, long size, long askPrice, long askSize, int flags)
    {
        var r = _rows++;
        _longs[0][r] = e.ReceiveTimeNs;
        _longs[1][r] = e.EventTimeMs;
        _longs[2][r] = e.TransactTimeMs;
        _longs[3][r] = ids.First;
        _longs[4][r] = ids.Final;
        _longs[5][r] = ids.PreviousFinal;
        _longs[6][r] = price;
        _longs[7][r] = size;
        _longs[8][r] = askPrice;
        _longs[9][r] = askSize;
        _kinds[r] = kind;
        _flags[r] = flags;
    }

    private long Ticks(CaptureReader e, Fixed8 price) => price.Raw % _priceRaw == 0 ? price.Raw / _priceRaw
        : throw new DataFormatException($"{e.CurrentFile}:{e.CurrentLine}: price {price} of {_market.Name()} {_symbol} is not a multiple of its tick size {new Fixed8(_priceRaw)} in the symbol catalog: correct the tick size with a symbols file.");

    private long Lots(CaptureReader e, Fixed8 quantity) => quantity.Raw % _sizeRaw == 0 ? quantity.Raw / _sizeRaw
        : throw new DataFormatException($"{e.CurrentFile}:{e.CurrentLine}: quantity {quantity} of {_market.Name()} {_symbol} is not a multiple of its step size {new Fixed8(_sizeRaw)} in the symbol catalog: correct the step size with a symbols file.");

    private string RelativePath => Path.Combine(CatalogFormat.PartitionDirectory(_market, _symbol, _day), $"part-{_firstNs}.parquet");

    private void OpenFile(DateOnly day, long firstNs)
    {
        _day = day;
        _firstNs = firstNs;
        _fileEvents = 0;
        _sources.Clear();
        var path = Path.Combine(_staging, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var options = new ParquetOptions
        {
            CompressionMethod = _compression == CatalogCompression.Lz4 ? CompressionMethod.Lz4Raw : CompressionMethod.None,
            CompressionLevel = CompressionLevel.Fastest, // LZ4's optimal level is LZ4-HC: ~10x slower to write, files ~30% smaller
        };
        _writer = ParquetWriter.CreateAsync(CatalogFormat.Schema, _stream, options).GetAwaiter().GetResult();
        _writer.CustomMetadata = new Dictionary<string, string>
        {
            [CatalogFormat.MetaPriceIncrement] = new Fixed8(_priceRaw).ToString(),
            [CatalogFormat.MetaSizeIncrement] = new Fixed8(_sizeRaw).ToString(),
            [CatalogFormat.MetaMarket] = _market.Name(),
            [CatalogFormat.MetaSymbol] = _symbol.Value,
            [CatalogFormat.MetaContractSize] = _contractSize.ToString(CultureInfo.InvariantCulture),
            [CatalogFormat.MetaSchemaVersion] = CatalogFormat.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        };
    }

    private void FlushRowGroup()
    {
        if (_rows == 0 || _writer is null)
        {
            return;
        }
        using (var group = _writer.CreateRowGroup())
        {
            // Columns go in schema order: receive_ns, exchange_ms, transact_ms, kind, the ids, the prices, flags, the level lists.
            for (var i = 0; i < 3; i++)
            {
                Write(group, CatalogFormat.LongColumns[i], _longs[i]);
            }
            group.WriteAsync(CatalogFormat.Kind, new ReadOnlyMemory<int>(_kinds, 0, _rows)).GetAwaiter().GetResult();
            for (var i = 3; i < _longs.Length; i++)
            {
                Write(group, CatalogFormat.LongColumns[i], _longs[i]);
            }
            group.WriteAsync(CatalogFormat.Flags, new ReadOnlyMemory<int>(_flags, 0, _rows)).GetAwaiter().GetResult();
            _bids.Write(group, CatalogFormat.LevelColumns[0], CatalogFormat.LevelColumns[1]);
            _asks.Write(group, CatalogFormat.LevelColumns[2], CatalogFormat.LevelColumns[3]);
        }
        _rows = 0;
        _bids.Clear();
        _asks.Clear();
    }

    private void Write(ParquetRowGroupWriter group, DataField<long> field, long[] values) =>
        group.WriteAsync(field, new ReadOnlyMemory<long>(values, 0, _rows)).GetAwaiter().GetResult();

    private void CloseFile()
    {
        if (_writer is null)
        {
            return;
        }
        FlushRowGroup();
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream!.Dispose();
        _writer = null;
        _stream = null;
        _done.Add(new CatalogPartition(RelativePath.Replace('\\', '/'), _market.Name(), _symbol.Value, _day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _firstNs, _maxReceiveNs, _fileEvents, _fileEvents, [.. _sources.Order(StringComparer.Ordinal)]));
    }

    /// <summary>Finishes the current file.</summary>
    public void Complete() => CloseFile();

    public void Dispose()
    {
        _writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream?.Dispose();
    }

    /// <summary>
    /// One side's levels of a row group as two Parquet lists (prices, sizes) sharing their repetition and
    /// definition levels: an entry per level (definition 2; repetition 0 on the event's first level, 1 after),
    /// and one entry with definition 1 for an event without levels (an empty list, not a null one).
    /// </summary>
    private sealed class LevelColumn
    {
        private long[] _prices = new long[1 << 16];
        private long[] _sizes = new long[1 << 16];
        private int[] _definitions = new int[1 << 17];
        private int[] _repetitions = new int[1 << 17];
        private int _values;
        private int _entries;

        public void Add(PartitionWriter owner, CaptureReader e, ReadOnlySpan<Level> levels)
        {
            if (levels.IsEmpty)
            {
                AddEmpty();
                return;
            }
            Reserve(levels.Length);
            for (var i = 0; i < levels.Length; i++)
            {
                _prices[_values] = owner.Ticks(e, levels[i].Price);
                _sizes[_values++] = owner.Lots(e, levels[i].Quantity);
                _definitions[_entries] = 2;
                _repetitions[_entries++] = i == 0 ? 0 : 1;
            }
        }

        public void AddEmpty()
        {
            Reserve(1);
            _definitions[_entries] = 1;
            _repetitions[_entries++] = 0;
        }

        public void Write(ParquetRowGroupWriter group, DataField prices, DataField sizes)
        {
            Write(group, prices, _prices);
            Write(group, sizes, _sizes);
        }

        private void Write(ParquetRowGroupWriter group, DataField field, long[] values) =>
            group.WriteAllPartsAsync<long>(field, new ReadOnlyMemory<long>(values, 0, _values), new ReadOnlyMemory<int>(_definitions, 0, _entries),
                new ReadOnlyMemory<int>(_repetitions, 0, _entries), CancellationToken.None).GetAwaiter().GetResult();

        public void Clear() => _values = _entries = 0;

        private void Reserve(int count)
        {
            if (_values + count > _prices.Length)
            {
                var size = Math.Max(_prices.Length * 2, _values + count);
                Array.Resize(ref _prices, size);
                Array.Resize(ref _sizes, size);
            }
            if (_entries + count > _definitions.Length)
            {
                var size = Math.Max(_definitions.Length * 2, _entries + count);
                Array.Resize(ref _definitions, size);
                Array.Resize(ref _repetitions, size);
            }
        }
    }
}
