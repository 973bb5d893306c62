using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Streams Binance capture files (<c>&lt;receive-ts&gt; &lt;json&gt;</c> per line, gzip or plain) of USDⓈ-M,
/// spot or COIN-M as one event stream, files in the order given; each file's market is recognised from its
/// content (<see cref="MarketSniffer"/>) unless <see cref="CaptureReaderOptions.Market"/> says. Each
/// <see cref="MoveNext"/> exposes one recognised event through the properties below; level lists are spans into
/// reused buffers, valid until the next call. Unknown event types are counted and skipped; a malformed line is
/// recorded as an error (file, line, what was expected) and reading goes on. Use <see cref="ToRecord"/> for an
/// immutable copy. Lines go through <see cref="FastScanner"/> first and through the validating
/// <c>Utf8JsonReader</c> path only when the scanner declines, so every error comes from the validating path.
/// </summary>
public sealed partial class CaptureReader : IMarketEventSource
{
    private readonly IReadOnlyList<string> _paths;
    private readonly LevelBuffer _bids = new();
    private readonly LevelBuffer _asks = new();
    private readonly SymbolCache _symbols = new();
    private readonly EventFields _fields = new();
    private int _fileIndex = -1;
    private LineReader? _lines;
    private long _lineNumber;
    private TimestampUnit _fileUnit;
    private Symbol? _fileSymbol;
    private Symbol? _lastStreamSymbol;
    private readonly Market? _forcedMarket;
    private readonly bool _validatingOnly;

    public CaptureReader(IReadOnlyList<string> paths, CaptureReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("At least one capture file is needed.", nameof(paths));
        }
        _paths = paths;
        options ??= new CaptureReaderOptions();
        Stats = new CaptureStats(options.MaxIssuesKept);
        _forcedMarket = options.Market;
        _validatingOnly = options.ValidatingOnly;
    }

    public CaptureStats Stats { get; }

    /// <summary>The files, in the order they are read.</summary>
    public IReadOnlyList<string> Files => _paths;

    public CaptureEventKind Kind { get; private set; }

    /// <summary>The market of the current file (recognised from its head, or as forced by the options).</summary>
    public Market Market { get; private set; }
    public Symbol Symbol { get; private set; }
    public long ReceiveTimeNs { get; private set; }
    public long EventTimeMs { get; private set; }
    public long TransactTimeMs { get; private set; }

    /// <summary>For depth updates U/u/pu; for snapshots <c>Final</c> = lastUpdateId.</summary>
    public UpdateIds UpdateIds { get; private set; }
    public TopOfBook TopOfBook { get; private set; }
    public TradeTick Trade { get; private set; }
    public ReadOnlySpan<Level> Bids => _bids.Span;
    public ReadOnlySpan<Level> Asks => _asks.Span;

    /// <summary>The file the current event came from and its 1-based line number.</summary>
    public string CurrentFile => _fileIndex >= 0 && _fileIndex < _paths.Count ? _paths[_fileIndex] : string.Empty;
    public long CurrentLine => _lineNumber;

    /// <summary>Advances to the next recognised event. Throws <see cref="DataFormatException"/> only when a file cannot be opened at all.</summary>
    public bool MoveNext()
    {
        while (true)
        {
            if (_lines is null && !OpenNextFile())
            {
                Kind = CaptureEventKind.None;
                return false;
            }
            if (!_lines!.TryReadLine(out var line, out var terminated))
            {
                FinishFile();
                continue;
            }
            _lineNumber++;
            Stats.Lines++;
            if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
            {
                continue;
            }
            if (TryParseLine(line, terminated))
            {
                return true;
            }
        }
    }

    /// <summary>
    /// A capture file's market and the symbol of its first event (null when it has none), read as a reader of the
    /// file reads them, without reading the rest: for a run that must know them before the data is read.
    /// </summary>
    public static (Market Market, Symbol? FirstSymbol) Head(string path)
    {
        using var reader = new CaptureReader([path]);
        var any = reader.MoveNext();
        return (reader.Market, any ? reader.Symbol : null);
    }

    public MarketEvent ToRecord() => Kind switch
    {
        CaptureEventKind.DepthUpdate => new DepthDiff(Symbol, ReceiveTimeNs, EventTimeMs, TransactTimeMs, UpdateIds.First, UpdateIds.Final, UpdateIds.PreviousFinal, Bids.ToImmutableArray(), Asks.ToImmutableArray()),
        CaptureEventKind.Snapshot => new DepthSnapshot(Symbol, ReceiveTimeNs, UpdateIds.Final, EventTimeMs, TransactTimeMs, Bids.ToImmutableArray(), Asks.ToImmutableArray()),
        CaptureEventKind.BookTicker => new BookTickerUpdate(Symbol, ReceiveTimeNs, TopOfBook.UpdateId, EventTimeMs, TransactTimeMs, TopOfBook.BidPrice, TopOfBook.BidQuantity, TopOfBook.AskPrice, TopOfBook.AskQuantity),
        CaptureEventKind.Trade => new TradePrint(Symbol, ReceiveTimeNs, Trade.TradeId, EventTimeMs, TransactTimeMs, Trade.Price, Trade.Quantity, Trade.BuyerIsMaker),
        _ => throw new InvalidOperationException("No current event: call MoveNext first."),
    };

    private bool OpenNextFile()
    {
        _fileIndex++;
        if (_fileIndex >= _paths.Count)
        {
            return false;
        }
        var path = _paths[_fileIndex];
        _lines = new LineReader(InputFiles.OpenForStreaming(path));
        Market = _forcedMarket ?? MarketSniffer.Detect(_lines.Peek());
        _lineNumber = 0;
        _fileUnit = TimestampUnit.Unknown;
        _lastStreamSymbol = null;
        _fileSymbol = InputFiles.SymbolFromFileName(path);
        return true;
    }

    private void FinishFile()
    {
        var path = _paths[_fileIndex];
        if (_lines!.StreamError is { } streamError)
        {
            // A recorder that died leaves a gzip without its trailer: everything before it is still good data.
            Stats.AddWarning(new DataIssue(path, _lineNumber, $"compressed stream ends abruptly after line {_lineNumber} ({streamError}); the lines before it were read"));
        }
        if (_lineNumber == 0)
        {
            Stats.AddError(new DataIssue(path, 0, "the file is empty"));
        }
        _lines.Dispose();
        _lines = null;
    }


    private bool TryParseLine(ReadOnlySpan<byte> line, bool terminated)
    {
        var path = _paths[_fileIndex];
        var space = line.IndexOf((byte)' ');
        if (space <= 0 || !Utf8Parser.TryParse(line[..space], out long rawTimestamp, out var consumed) || consumed != space || rawTimestamp <= 0)
        {
            return Fail(path, terminated, "expected '<receive-timestamp> <json>' (an integer Unix timestamp, one space, a JSON object)");
        }
        var unit = TimestampUnits.Detect(rawTimestamp);
        if (unit == TimestampUnit.Unknown)
        {
            return Fail(path, terminated, $"receive timestamp {rawTimestamp} is too small to be a Unix time in s, ms, us or ns");
        }
        if (_fileUnit == TimestampUnit.Unknown)
        {
            _fileUnit = unit;
            if (Stats.TimestampUnit == TimestampUnit.Unknown)
            {
                Stats.TimestampUnit = unit;
            }
        }
        else if (unit != _fileUnit)
        {
            return Fail(path, terminated, $"receive timestamp {rawTimestamp} looks like {TimestampUnits.Name(unit)} but this file's timestamps are in {TimestampUnits.Name(_fileUnit)}");
        }

        return TryParseJson(path, line[(space + 1)..], terminated, TimestampUnits.ToNanoseconds(rawTimestamp, unit));
    }

    /// <summary>Parses one JSON message received at <paramref name="receiveTimeNs"/>: the fast scanner first, the validating reader when it declines.</summary>
    private bool TryParseJson(string path, ReadOnlySpan<byte> json, bool terminated, long receiveTimeNs)
    {
        _fields.Reset();
        _bids.Clear();
        _asks.Clear();
        string? problem;
        if (_validatingOnly || !FastScanner.TryScan(json, _fields, _bids, _asks) || (problem = Classify()) is not null)
        {
            // Declined or not a valid event: the validating reader decides, and words the error.
            _fields.Reset();
            _bids.Clear();
            _asks.Clear();
            try
            {
                var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
                problem = ParseMessage(ref reader);
            }
            catch (JsonException e)
            {
                problem = $"invalid JSON ({e.Message})";
            }
        }
        if (problem is not null)
        {
            return Fail(path, terminated, problem);
        }
        if (Kind == CaptureEventKind.None)
        {
            return false; // a skipped event type, already counted
        }

        ReceiveTimeNs = receiveTimeNs;
        if (Stats.FirstReceiveTimeNs == 0)
        {
            Stats.FirstReceiveTimeNs = ReceiveTimeNs;
        }
        Stats.LastReceiveTimeNs = Math.Max(Stats.LastReceiveTimeNs, ReceiveTimeNs);
        switch (Kind)
        {
            case CaptureEventKind.DepthUpdate: Stats.DepthUpdates++; break;
            case CaptureEventKind.BookTicker: Stats.BookTickers++; break;
            case CaptureEventKind.Trade: Stats.Trades++; break;
            case CaptureEventKind.Snapshot: Stats.Snapshots++; break;
        }
        return true;
    }

    private bool Fail(string path, bool terminated, string message)
    {
        Kind = CaptureEventKind.None;
        if (!terminated)
        {
            Stats.AddWarning(new DataIssue(path, _lineNumber, $"truncated final line ignored ({message})"));
        }
        else
        {
            Stats.AddError(new DataIssue(path, _lineNumber, message));
        }
        return false;
    }

    /// <summary>Reads the whole message into <see cref="_fields"/> with the validating reader, then decides what it is. Returns an error text or null.</summary>
    private string? ParseMessage(ref Utf8JsonReader reader)
    {
        Kind = CaptureEventKind.None;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "expected a JSON object after the timestamp";
        }
        return ParseObject(ref reader, depth: 0) ?? Classify();
    }

    /// <summary>Decides what the gathered fields are and checks that the type's required fields are there. Returns an error text or null.</summary>
    private string? Classify()
    {
        Kind = CaptureEventKind.None;
        var f = _fields;
        if (f.Has(Field.LastUpdateId))
        {
            if (!f.Has(Field.Bids) || !f.Has(Field.Asks))
            {
                return "depth snapshot without \"bids\" and \"asks\" arrays";
            }
            var symbol = _lastStreamSymbol ?? _fileSymbol;
            if (symbol is null)
            {
                return "depth snapshot before any stream event, and the file name does not start with a symbol: cannot tell which book it belongs to";
            }
            Set(CaptureEventKind.Snapshot, symbol.Value);
            UpdateIds = new UpdateIds(0, f.LastUpdateId, 0);
            return null;
        }
        const Field tickerFields = Field.Symbol | Field.FinalId | Field.BidPrice | Field.BidQty | Field.AskPrice | Field.AskQty;
        if (f.EventTypeLength == 0)
        {
            // Spot's bookTicker stream sends no "e": its fields alone identify it.
            if (f.Has(tickerFields) && !f.Has(Field.FirstId))
            {
                Set(CaptureEventKind.BookTicker, _symbols.Get(f.SymbolBytes));
                TopOfBook = new TopOfBook(f.FinalId, f.BidPrice, f.BidQty, f.AskPrice, f.AskQty);
                return null;
            }
            return "expected a combined-stream message {\"stream\",\"data\":{\"e\":...}} or a depth snapshot {\"lastUpdateId\",...}";
        }
        var type = f.EventType;
        if (type.SequenceEqual("depthUpdate"u8))
        {
            // Spot diffs have no "pu": their chain is U == previous u + 1 (see OrderBook).
            var chain = Market == Market.Spot ? Field.None : Field.PrevFinalId;
            if (f.Missing(Field.Symbol | Field.FirstId | Field.FinalId | chain | Field.BidLevels | Field.AskLevels) is { } missing)
            {
                return $"depthUpdate without {missing}";
            }
            Set(CaptureEventKind.DepthUpdate, _symbols.Get(f.SymbolBytes));
            UpdateIds = new UpdateIds(f.FirstId, f.FinalId, f.Has(Field.PrevFinalId) ? f.PrevFinalId : 0);
        }
        else if (type.SequenceEqual("bookTicker"u8))
        {
            if (f.Missing(tickerFields) is { } missing)
            {
                return $"bookTicker without {missing}";
            }
            Set(CaptureEventKind.BookTicker, _symbols.Get(f.SymbolBytes));
            TopOfBook = new TopOfBook(f.FinalId, f.BidPrice, f.BidQty, f.AskPrice, f.AskQty);
        }
        else if (type.SequenceEqual("trade"u8))
        {
            if (f.Missing(Field.Symbol | Field.TradeId | Field.Price | Field.Quantity | Field.BuyerIsMaker) is { } missing)
            {
                return $"trade without {missing}";
            }
            Set(CaptureEventKind.Trade, _symbols.Get(f.SymbolBytes));
            Trade = new TradeTick(f.TradeId, f.Price, f.Quantity, f.BuyerIsMaker);
        }
        else
        {
            Stats.AddSkipped(Encoding.UTF8.GetString(type));
        }
        return null;
    }

    private void Set(CaptureEventKind kind, Symbol symbol)
    {
        Kind = kind;
        Symbol = symbol;
        EventTimeMs = _fields.EventTimeMs;
        TransactTimeMs = _fields.TransactTimeMs;
        if (kind != CaptureEventKind.Snapshot)
        {
            _lastStreamSymbol = symbol;
        }
    }

    public void Dispose()
    {
        _lines?.Dispose();
        _lines = null;
    }
}
