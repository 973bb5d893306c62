using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Streams Binance USDⓈ-M capture files (<c>&lt;receive-ts&gt; &lt;json&gt;</c> per line, gzip or plain) as one
/// event stream, files in the order given. Each <see cref="MoveNext"/> exposes one recognised event through
/// the properties below; level lists are spans into reused buffers, valid until the next call. Unknown event
/// types are counted and skipped; a malformed line is recorded as an error (file, line, what was expected)
/// and reading goes on. Use <see cref="ToRecord"/> for an immutable copy.
/// </summary>
public sealed class CaptureReader : IDisposable
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

    public CaptureReader(IReadOnlyList<string> paths, CaptureReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("At least one capture file is needed.", nameof(paths));
        }
        _paths = paths;
        Stats = new CaptureStats((options ?? new CaptureReaderOptions()).MaxIssuesKept);
    }

    public CaptureStats Stats { get; }

    public CaptureEventKind Kind { get; private set; }
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

    /// <summary>Decompressed bytes consumed from the current file.</summary>
    public long BytesConsumedInFile => _lines?.BytesConsumed ?? 0;

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
        _lines = new LineReader(InputFiles.OpenMaybeGzip(path, out _));
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

        _fields.Reset();
        _bids.Clear();
        _asks.Clear();
        string? problem;
        try
        {
            var reader = new Utf8JsonReader(line[(space + 1)..], new JsonReaderOptions { MaxDepth = 8 });
            problem = ParseMessage(ref reader);
        }
        catch (JsonException e)
        {
            problem = $"invalid JSON ({e.Message})";
        }
        if (problem is not null)
        {
            return Fail(path, terminated, problem);
        }
        if (Kind == CaptureEventKind.None)
        {
            return false; // a skipped event type, already counted
        }

        ReceiveTimeNs = TimestampUnits.ToNanoseconds(rawTimestamp, unit);
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

    /// <summary>Reads the whole message into <see cref="_fields"/>, then decides what it is. Returns an error text or null.</summary>
    private string? ParseMessage(ref Utf8JsonReader reader)
    {
        Kind = CaptureEventKind.None;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "expected a JSON object after the timestamp";
        }
        if (ParseObject(ref reader, depth: 0) is { } error)
        {
            return error;
        }
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
        if (f.EventTypeLength == 0)
        {
            return "expected a combined-stream message {\"stream\",\"data\":{\"e\":...}} or a depth snapshot {\"lastUpdateId\",...}";
        }
        var type = f.EventType;
        if (type.SequenceEqual("depthUpdate"u8))
        {
            if (f.Missing(Field.Symbol | Field.FirstId | Field.FinalId | Field.PrevFinalId | Field.BidLevels | Field.AskLevels) is { } missing)
            {
                return $"depthUpdate without {missing}";
            }
            Set(CaptureEventKind.DepthUpdate, _symbols.Get(f.SymbolBytes));
            UpdateIds = new UpdateIds(f.FirstId, f.FinalId, f.PrevFinalId);
        }
        else if (type.SequenceEqual("bookTicker"u8))
        {
            if (f.Missing(Field.Symbol | Field.FinalId | Field.BidPrice | Field.BidQty | Field.AskPrice | Field.AskQty) is { } missing)
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

    private string? ParseObject(ref Utf8JsonReader reader, int depth)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            if (!reader.Read())
            {
                return "unexpected end of JSON";
            }
            var token = reader.TokenType;
            string? error = null;
            switch (name.Length)
            {
                case 1:
                    error = ParseShortField(ref reader, name[0], token);
                    break;
                case 2 when name.SequenceEqual("pu"u8):
                    error = ReadLong(ref reader, Field.PrevFinalId, "pu");
                    break;
                case 4 when name.SequenceEqual("data"u8) && token == JsonTokenType.StartObject && depth == 0:
                    error = ParseObject(ref reader, depth + 1);
                    break;
                case 4 when name.SequenceEqual("bids"u8):
                    error = ReadLevels(ref reader, _bids, Field.Bids, "bids");
                    break;
                case 4 when name.SequenceEqual("asks"u8):
                    error = ReadLevels(ref reader, _asks, Field.Asks, "asks");
                    break;
                case 12 when name.SequenceEqual("lastUpdateId"u8):
                    error = ReadLong(ref reader, Field.LastUpdateId, "lastUpdateId");
                    break;
                default:
                    reader.Skip();
                    break;
            }
            if (error is not null)
            {
                return error;
            }
        }
        return reader.TokenType == JsonTokenType.EndObject ? null : "malformed JSON object";
    }

    private string? ReadLong(ref Utf8JsonReader reader, Field field, string label)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            return $"\"{label}\" must be an integer";
        }
        _fields.SetLong(field, value);
        return null;
    }

    private string? ParseShortField(ref Utf8JsonReader reader, byte name, JsonTokenType token)
    {
        var f = _fields;
        switch (name)
        {
            case (byte)'e':
                return token == JsonTokenType.String ? f.SetEventType(reader.ValueSpan) : "\"e\" must be a string";
            case (byte)'s':
                return token == JsonTokenType.String ? f.SetSymbol(reader.ValueSpan) : "\"s\" must be a string";
            case (byte)'E': return ReadLong(ref reader, Field.EventTime, "E");
            case (byte)'T': return ReadLong(ref reader, Field.TransactTime, "T");
            case (byte)'U': return ReadLong(ref reader, Field.FirstId, "U");
            case (byte)'u': return ReadLong(ref reader, Field.FinalId, "u");
            case (byte)'t': return ReadLong(ref reader, Field.TradeId, "t");
            case (byte)'b':
                return token == JsonTokenType.StartArray ? ReadLevels(ref reader, _bids, Field.BidLevels, "b") : Decimal(ref reader, Field.BidPrice, "b");
            case (byte)'a':
                return token == JsonTokenType.StartArray ? ReadLevels(ref reader, _asks, Field.AskLevels, "a") : Decimal(ref reader, Field.AskPrice, "a");
            case (byte)'B': return Decimal(ref reader, Field.BidQty, "B");
            case (byte)'A': return Decimal(ref reader, Field.AskQty, "A");
            case (byte)'p': return Decimal(ref reader, Field.Price, "p");
            case (byte)'q': return Decimal(ref reader, Field.Quantity, "q");
            case (byte)'m':
                if (token is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return "\"m\" must be true or false";
                }
                f.SetBool(Field.BuyerIsMaker, token == JsonTokenType.True);
                return null;
            default:
                reader.Skip();
                return null;
        }

        string? Decimal(ref Utf8JsonReader r, Field field, string label)
        {
            if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !Fixed8.TryParse(r.ValueSpan, out var value))
            {
                return $"\"{label}\" must be a decimal string such as \"63943.90\"";
            }
            f.SetDecimal(field, value);
            return null;
        }
    }

    private string? ReadLevels(ref Utf8JsonReader reader, LevelBuffer levels, Field field, string label)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"\"{label}\" must be an array of [price, quantity] pairs";
        }
        levels.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.String || !Fixed8.TryParse(reader.ValueSpan, out var price)
                || !reader.Read() || reader.TokenType != JsonTokenType.String || !Fixed8.TryParse(reader.ValueSpan, out var quantity))
            {
                return $"\"{label}\" level {levels.Count + 1}: expected [\"price\", \"quantity\"] as decimal strings";
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }
            levels.Add(new Level(price, quantity));
        }
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            return $"\"{label}\" must be an array of [price, quantity] pairs";
        }
        _fields.Mark(field);
        return null;
    }

    public void Dispose()
    {
        _lines?.Dispose();
        _lines = null;
    }
}
