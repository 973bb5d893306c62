using Fillwise.Core;
using Fillwise.MarketData.Capture;
using Parquet;
using Parquet.Schema;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// One market/symbol's events read back from its Parquet files in order, a row group at a time (columns
/// decoded into reused arrays), rebuilt into the same typed form the capture reader exposes.
/// </summary>
internal sealed class CatalogStream : IDisposable
{
    private readonly IReadOnlyList<CatalogPartition> _files;
    private readonly string _directory;
    private readonly long _fromNs;
    private readonly long _toNs;
    private readonly long[][] _longs = new long[10][];
    private readonly int[][] _ints = new int[2][];
    private readonly DataField[] _fields = CatalogFormat.Schema.DataFields;
    private int _fileIndex = -1;
    private ParquetReader? _reader;
    private Stream? _stream;
    private int _group;
    private int _rows;
    private int _row;
    private long _priceRaw = 1;
    private long _sizeRaw = 1;

    public CatalogStream(string directory, Market market, Symbol symbol, IReadOnlyList<CatalogPartition> files, long fromNs, long toNs)
    {
        _directory = directory;
        _files = files;
        _fromNs = fromNs;
        _toNs = toNs;
        Market = market;
        Symbol = symbol;
        for (var i = 0; i < _longs.Length; i++)
        {
            _longs[i] = [];
        }
        for (var i = 0; i < _ints.Length; i++)
        {
            _ints[i] = [];
        }
    }

    public Market Market { get; }
    public Symbol Symbol { get; }
    public CaptureEventKind Kind { get; private set; }
    public long ReceiveTimeNs { get; private set; }
    public long EventTimeMs { get; private set; }
    public long TransactTimeMs { get; private set; }
    public UpdateIds UpdateIds { get; private set; }
    public TopOfBook TopOfBook { get; private set; }
    public TradeTick Trade { get; private set; }
    public LevelBuffer Bids { get; } = new();
    public LevelBuffer Asks { get; } = new();

    /// <summary>Decodes the next event inside [from, to); false at the end of the stream.</summary>
    public bool Next()
    {
        while (NextRaw())
        {
            if (ReceiveTimeNs >= _fromNs && ReceiveTimeNs < _toNs)
            {
                return true;
            }
        }
        return false;
    }

    private bool NextRaw()
    {
        if (_row >= _rows && !LoadGroup())
        {
            Kind = CaptureEventKind.None;
            return false;
        }
        var r = _row;
        var kind = _ints[0][r];
        var flags = _ints[1][r];
        Kind = CatalogFormat.FromKind(kind);
        ReceiveTimeNs = _longs[0][r];
        EventTimeMs = _longs[1][r];
        TransactTimeMs = _longs[2][r];
        var ids = new UpdateIds(_longs[3][r], _longs[4][r], _longs[5][r]);
        switch (Kind)
        {
            case CaptureEventKind.DepthUpdate:
            case CaptureEventKind.Snapshot:
                UpdateIds = ids;
                Bids.Clear();
                Asks.Clear();
                // The writer keeps an event's rows in one row group, ending with FlagLast.
                while (true)
                {
                    flags = _ints[1][_row];
                    if ((flags & CatalogFormat.FlagEmpty) == 0)
                    {
                        var level = new Level(new Fixed8(_longs[6][_row] * _priceRaw), new Fixed8(_longs[7][_row] * _sizeRaw));
                        ((flags & CatalogFormat.FlagAsk) != 0 ? Asks : Bids).Add(level);
                    }
                    _row++;
                    if ((flags & CatalogFormat.FlagLast) != 0 || _row >= _rows)
                    {
                        break;
                    }
                }
                return true;
            case CaptureEventKind.BookTicker:
                UpdateIds = ids;
                TopOfBook = new TopOfBook(ids.Final, Price(_longs[6][r]), Size(_longs[7][r]), Price(_longs[8][r]), Size(_longs[9][r]));
                break;
            case CaptureEventKind.Trade:
                UpdateIds = ids;
                Trade = new TradeTick(ids.Final, Price(_longs[6][r]), Size(_longs[7][r]), (flags & CatalogFormat.FlagBuyerMaker) != 0);
                break;
            default:
                throw new DataFormatException($"{_files[_fileIndex].File}: row {r} of row group {_group - 1} has unknown kind {kind}.");
        }
        _row++;
        return true;
    }

    private Fixed8 Price(long ticks) => new(ticks * _priceRaw);

    private Fixed8 Size(long lots) => new(lots * _sizeRaw);

    private bool LoadGroup()
    {
        while (_reader is null || _group >= _reader.RowGroupCount)
        {
            if (!OpenNextFile())
            {
                return false;
            }
        }
        using var group = _reader.OpenRowGroupReader(_group++);
        var rows = checked((int)group.RowCount);
        if (_longs[0].Length < rows)
        {
            for (var i = 0; i < _longs.Length; i++)
            {
                _longs[i] = new long[rows];
            }
            for (var i = 0; i < _ints.Length; i++)
            {
                _ints[i] = new int[rows];
            }
        }
        int l = 0, n = 0;
        foreach (var field in _fields)
        {
            if (field.ClrType == typeof(int))
            {
                group.ReadAsync(field, new Memory<int>(_ints[n++], 0, rows)).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                group.ReadAsync(field, new Memory<long>(_longs[l++], 0, rows)).AsTask().GetAwaiter().GetResult();
            }
        }
        _rows = rows;
        _row = 0;
        return true;
    }

    private bool OpenNextFile()
    {
        CloseFile();
        if (++_fileIndex >= _files.Count)
        {
            return false;
        }
        var path = Path.Combine(_directory, _files[_fileIndex].File);
        try
        {
            _stream = File.OpenRead(path);
            _reader = ParquetReader.CreateAsync(_stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot read this catalog file ({e.Message}).", e);
        }
        if (!CatalogFormat.Schema.Equals(_reader.Schema))
        {
            throw new DataFormatException($"{path}: not a catalog file of schema version {CatalogFormat.SchemaVersion} (its columns differ).");
        }
        _priceRaw = Increment(path, CatalogFormat.MetaPriceIncrement);
        _sizeRaw = Increment(path, CatalogFormat.MetaSizeIncrement);
        _group = 0;
        return true;
    }

    private long Increment(string path, string key) =>
        _reader!.CustomMetadata.TryGetValue(key, out var text) && Fixed8.TryParse(text, out var value) && value.Raw > 0
            ? value.Raw
            : throw new DataFormatException($"{path}: the file metadata has no valid \"{key}\".");

    private void CloseFile()
    {
        _reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream?.Dispose();
        _reader = null;
        _stream = null;
    }

    public void Dispose() => CloseFile();
}
