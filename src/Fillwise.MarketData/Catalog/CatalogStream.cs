using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Fillwise.Core;
using Fillwise.MarketData.Capture;
using Parquet;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// One market/symbol's events read back from its Parquet files in order, rebuilt into the same typed form the
/// capture reader exposes. Row groups are decoded on their own thread (<see cref="Depth"/> decoded groups
/// ahead, into reused <see cref="RowGroupBatch"/>es), so decoding the next group overlaps consuming this one,
/// as <see cref="PipelinedStream"/> does for gzip. Memory: Depth + 1 row groups, whatever the catalog's size.
/// </summary>
internal sealed class CatalogStream : IDisposable
{
    private const int Depth = 1;

    private readonly IReadOnlyList<CatalogPartition> _files;
    private readonly string _directory;
    private readonly long _fromNs;
    private readonly long _toNs;
    private readonly BlockingCollection<Item> _full = new(Depth);
    private readonly BlockingCollection<RowGroupBatch> _free = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _producer;
    private RowGroupBatch? _batch;
    private int _row;
    private bool _ended;
    private bool _disposed;
    private ExceptionDispatchInfo? _error;

    public CatalogStream(string directory, Market market, Symbol symbol, IReadOnlyList<CatalogPartition> files, long fromNs, long toNs)
    {
        _directory = directory;
        _files = files;
        _fromNs = fromNs;
        _toNs = toNs;
        Market = market;
        Symbol = symbol;
        for (var i = 0; i <= Depth; i++)
        {
            _free.Add(RowGroupBatch.Rent());
        }
        _producer = new Thread(Produce) { IsBackground = true, Name = "fillwise-catalog-" + symbol.Value };
        _producer.Start();
    }

    /// <summary>
    /// A decoded group, the end of the stream (both null), or the failure that stopped the producer. A class: the
    /// queue's code over a reference type is precompiled with the framework, over a struct it was compiled on every start.
    /// </summary>
    private sealed record Item(RowGroupBatch? Batch, ExceptionDispatchInfo? Error);

    private static readonly Item End = new(null, null);

    public Market Market { get; }
    public Symbol Symbol { get; }
    public CaptureEventKind Kind { get; private set; }
    public long ReceiveTimeNs { get; private set; }
    public long EventTimeMs { get; private set; }
    public long TransactTimeMs { get; private set; }
    public UpdateIds UpdateIds { get; private set; }
    public TopOfBook TopOfBook { get; private set; }
    public TradeTick Trade { get; private set; }
    public ReadOnlySpan<Level> Bids => Kind is CaptureEventKind.DepthUpdate or CaptureEventKind.Snapshot ? _batch!.Bids.Of(_row - 1) : default;
    public ReadOnlySpan<Level> Asks => Kind is CaptureEventKind.DepthUpdate or CaptureEventKind.Snapshot ? _batch!.Asks.Of(_row - 1) : default;

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
        _error?.Throw(); // a damaged stream stays failed: asking again must fail again, not skip the damage or wait for ever
        while (_batch is null || _row >= _batch.Rows)
        {
            if (!NextBatch())
            {
                Kind = CaptureEventKind.None;
                return false;
            }
        }
        var b = _batch;
        var r = _row++;
        var longs = b.Longs;
        Kind = CatalogFormat.FromKind(b.Kinds[r]);
        ReceiveTimeNs = longs[0][r];
        EventTimeMs = longs[1][r];
        TransactTimeMs = longs[2][r];
        UpdateIds = new UpdateIds(longs[3][r], longs[4][r], longs[5][r]);
        switch (Kind)
        {
            case CaptureEventKind.DepthUpdate:
            case CaptureEventKind.Snapshot:
                break;
            case CaptureEventKind.BookTicker:
                TopOfBook = new TopOfBook(longs[4][r], b.PriceOf(longs[6][r]), b.SizeOf(longs[7][r]), b.PriceOf(longs[8][r]), b.SizeOf(longs[9][r]));
                break;
            case CaptureEventKind.Trade:
                Trade = new TradeTick(longs[4][r], b.PriceOf(longs[6][r]), b.SizeOf(longs[7][r]), (b.Flags[r] & CatalogFormat.FlagBuyerMaker) != 0);
                break;
            default:
                _error = ExceptionDispatchInfo.Capture(new DataFormatException($"{b.File}: row {r} of row group {b.Group} has unknown kind {b.Kinds[r]}: the file is damaged; convert its captures again."));
                _error.Throw();
                break;
        }
        return true;
    }

    private bool NextBatch()
    {
        if (_ended)
        {
            return false;
        }
        if (_batch is not null)
        {
            _free.Add(_batch);
            _batch = null;
        }
        var item = _full.Take();
        if (item.Error is not null)
        {
            _error = item.Error;
            _error.Throw();
        }
        if (item.Batch is null)
        {
            _ended = true;
            return false;
        }
        _batch = item.Batch;
        _row = 0;
        return true;
    }

    private void Produce()
    {
        try
        {
            foreach (var file in _files)
            {
                var path = Path.Combine(_directory, file.File);
                using var stream = Open(path);
                var reader = OpenReader(stream, path);
                try
                {
                    ReadGroups(reader, path);
                }
                finally
                {
                    reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            _full.Add(End, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposed mid-stream: the reader no longer wants the rest.
        }
        catch (Exception e)
        {
            // Handed to the reader, which re-throws it where it asks for the next event (never lost on this thread).
            try
            {
                _full.Add(new Item(null, ExceptionDispatchInfo.Capture(e)), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Disposed before it asked.
            }
        }
    }

    private void ReadGroups(ParquetReader reader, string path)
    {
        var priceRaw = Increment(reader, path, CatalogFormat.MetaPriceIncrement);
        var sizeRaw = Increment(reader, path, CatalogFormat.MetaSizeIncrement);
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            var batch = _free.Take(_stop.Token);
            try
            {
                batch.Load(reader, group, path, priceRaw, sizeRaw);
            }
            catch (Exception e) when (e is not DataFormatException and not OperationCanceledException)
            {
                throw new DataFormatException($"{path}: row group {group} cannot be read ({e.Message}): the file is damaged; convert its captures again.", e);
            }
            _full.Add(new Item(batch, null), _stop.Token);
        }
    }

    private static FileStream Open(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot read this catalog file ({e.Message}).", e);
        }
    }

    private static ParquetReader OpenReader(Stream stream, string path)
    {
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DataFormatException($"{path}: not a readable Parquet file ({e.Message}).", e);
        }
        var version = reader.CustomMetadata.TryGetValue(CatalogFormat.MetaSchemaVersion, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        if (version != CatalogFormat.SchemaVersion || !CatalogFormat.Schema.Equals(reader.Schema))
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new DataFormatException($"{path}: not a catalog file of format version {CatalogFormat.SchemaVersion} (its metadata says {version} and its columns {(CatalogFormat.Schema.Equals(reader.Schema) ? "match" : "differ")}): re-run `fillwise data convert` into a new directory.");
        }
        return reader;
    }

    private static long Increment(ParquetReader reader, string path, string key) =>
        reader.CustomMetadata.TryGetValue(key, out var text) && Fixed8.TryParse(text, out var value) && value.Raw > 0
            ? value.Raw
            : throw new DataFormatException($"{path}: the file metadata has no valid \"{key}\".");

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stop.Cancel();
        _producer.Join();
        // Every batch is now in one of three places: ours, decoded and waiting, or free.
        if (_batch is not null)
        {
            RowGroupBatch.Return(_batch);
            _batch = null;
        }
        while (_full.TryTake(out var item))
        {
            if (item.Batch is not null)
            {
                RowGroupBatch.Return(item.Batch);
            }
        }
        while (_free.TryTake(out var free))
        {
            RowGroupBatch.Return(free);
        }
        _stop.Dispose();
        _full.Dispose();
        _free.Dispose();
    }
}
