using System.Globalization;
using Fillwise.Core;
using Fillwise.MarketData.Capture;
using Parquet;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// Writes one market/symbol's events into day-partitioned Parquet files under a staging directory, a row group
/// at a time: memory holds one row group (~64k rows), whatever the input's length. An event never straddles
/// two row groups or files, so a reader can rebuild each one from a single group. The day is the UTC day of the
/// latest receive time seen so far, so a stream that steps back in time never splits across partitions.
/// </summary>
internal sealed class PartitionWriter : IDisposable
{
    private const int RowGroupRows = 1 << 16;

    private readonly string _staging;
    private readonly Market _market;
    private readonly Symbol _symbol;
    private readonly long _priceRaw;
    private readonly long _sizeRaw;
    private readonly decimal _contractSize;
    private readonly List<CatalogPartition> _done = [];
    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);
    private readonly long[][] _longs = new long[10][];
    private readonly int[][] _ints = new int[2][];
    private int _rows;
    private ParquetWriter? _writer;
    private Stream? _stream;
    private DateOnly _day;
    private long _maxReceiveNs;
    private long _firstNs;
    private long _fileRows;
    private long _fileEvents;

    public PartitionWriter(string staging, Market market, Symbol symbol, SymbolCatalog symbols)
    {
        _staging = staging;
        _market = market;
        _symbol = symbol;
        (_priceRaw, _sizeRaw, _contractSize) = CatalogFormat.Increments(symbols, market, symbol);
        for (var i = 0; i < _longs.Length; i++)
        {
            _longs[i] = new long[RowGroupRows + 4096];
        }
        for (var i = 0; i < _ints.Length; i++)
        {
            _ints[i] = new int[RowGroupRows + 4096];
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
                var total = e.Bids.Length + e.Asks.Length;
                if (total == 0)
                {
                    Row(e, kind, 0, 0, 0, 0, CatalogFormat.FlagEmpty | CatalogFormat.FlagLast);
                    break;
                }
                var n = 0;
                foreach (var level in e.Bids)
                {
                    Row(e, kind, Ticks(e, level.Price), Lots(e, level.Quantity), 0, 0, ++n == total ? CatalogFormat.FlagLast : 0);
                }
                foreach (var level in e.Asks)
                {
                    Row(e, kind, Ticks(e, level.Price), Lots(e, level.Quantity), 0, 0, CatalogFormat.FlagAsk | (++n == total ? CatalogFormat.FlagLast : 0));
                }
                break;
            case CaptureEventKind.BookTicker:
                var t = e.TopOfBook;
                Row(e, kind, Ticks(e, t.BidPrice), Lots(e, t.BidQuantity), Ticks(e, t.AskPrice), Lots(e, t.AskQuantity), CatalogFormat.FlagLast);
                break;
            case CaptureEventKind.Trade:
                Row(e, kind, Ticks(e, e.Trade.Price), Lots(e, e.Trade.Quantity), 0, 0, CatalogFormat.FlagLast | (e.Trade.BuyerIsMaker ? CatalogFormat.FlagBuyerMaker : 0));
                break;
        }
        _fileEvents++;
        if (_rows >= RowGroupRows)
        {
            FlushRowGroup();
        }
    }

    private void Row(CaptureReader e, int kind, long price, long size, long askPrice, long askSize, int flags)
    {
        if (_rows == _longs[0].Length)
        {
            for (var i = 0; i < _longs.Length; i++)
            {
                Array.Resize(ref _longs[i], _rows * 2);
            }
            for (var i = 0; i < _ints.Length; i++)
            {
                Array.Resize(ref _ints[i], _rows * 2);
            }
        }
        var r = _rows++;
        var ids = e.Kind == CaptureEventKind.Trade ? new UpdateIds(0, e.Trade.TradeId, 0)
            : e.Kind == CaptureEventKind.BookTicker ? new UpdateIds(0, e.TopOfBook.UpdateId, 0) : e.UpdateIds;
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
        _ints[0][r] = kind;
        _ints[1][r] = flags;
        _fileRows++;
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
        _fileRows = 0;
        _fileEvents = 0;
        _sources.Clear();
        var path = Path.Combine(_staging, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        _writer = ParquetWriter.CreateAsync(CatalogFormat.Schema, _stream).GetAwaiter().GetResult();
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
            Write(group, CatalogFormat.ReceiveNs, _longs[0]);
            Write(group, CatalogFormat.ExchangeMs, _longs[1]);
            Write(group, CatalogFormat.TransactMs, _longs[2]);
            group.WriteAsync(CatalogFormat.Kind, new ReadOnlyMemory<int>(_ints[0], 0, _rows)).GetAwaiter().GetResult();
            Write(group, CatalogFormat.FirstId, _longs[3]);
            Write(group, CatalogFormat.FinalId, _longs[4]);
            Write(group, CatalogFormat.PrevId, _longs[5]);
            Write(group, CatalogFormat.Price, _longs[6]);
            Write(group, CatalogFormat.Size, _longs[7]);
            Write(group, CatalogFormat.AskPrice, _longs[8]);
            Write(group, CatalogFormat.AskSize, _longs[9]);
            group.WriteAsync(CatalogFormat.Flags, new ReadOnlyMemory<int>(_ints[1], 0, _rows)).GetAwaiter().GetResult();
        }
        _rows = 0;
    }

    private void Write(ParquetRowGroupWriter group, Parquet.Schema.DataField<long> field, long[] values) =>
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
            _firstNs, _maxReceiveNs, _fileRows, _fileEvents, [.. _sources.Order(StringComparer.Ordinal)]));
    }

    /// <summary>Finishes the current file.</summary>
    public void Complete() => CloseFile();

    public void Dispose()
    {
        _writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream?.Dispose();
    }
}
