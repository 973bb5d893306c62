using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

[Flags]
internal enum Field
{
    None = 0,
    EventTime = 1 << 0,
    TransactTime = 1 << 1,
    Symbol = 1 << 2,
    FirstId = 1 << 3,
    FinalId = 1 << 4,
    PrevFinalId = 1 << 5,
    BidLevels = 1 << 6,
    AskLevels = 1 << 7,
    BidPrice = 1 << 8,
    BidQty = 1 << 9,
    AskPrice = 1 << 10,
    AskQty = 1 << 11,
    TradeId = 1 << 12,
    Price = 1 << 13,
    Quantity = 1 << 14,
    BuyerIsMaker = 1 << 15,
    LastUpdateId = 1 << 16,
    Bids = 1 << 17,
    Asks = 1 << 18,

    /// <summary>Spot trades' buyer/seller order ids (<c>b</c>/<c>a</c> as numbers): accepted, not used.</summary>
    BuyerOrderId = 1 << 19,
    SellerOrderId = 1 << 20,
}

/// <summary>
/// The fields of one message, gathered in any order before the message type is known (Binance does not
/// promise that "e" comes first). Reset per line; holds no references, so it never allocates.
/// </summary>
internal sealed class EventFields
{
    private readonly byte[] _eventType = new byte[64];
    private readonly byte[] _symbol = new byte[32];
    private Field _present;

    public int EventTypeLength { get; private set; }
    public int SymbolLength { get; private set; }
    public ReadOnlySpan<byte> EventType => _eventType.AsSpan(0, EventTypeLength);
    public ReadOnlySpan<byte> SymbolBytes => _symbol.AsSpan(0, SymbolLength);
    public long EventTimeMs { get; private set; }
    public long TransactTimeMs { get; private set; }
    public long FirstId { get; private set; }
    public long FinalId { get; private set; }
    public long PrevFinalId { get; private set; }
    public long TradeId { get; private set; }
    public long LastUpdateId { get; private set; }
    public Fixed8 BidPrice { get; private set; }
    public Fixed8 BidQty { get; private set; }
    public Fixed8 AskPrice { get; private set; }
    public Fixed8 AskQty { get; private set; }
    public Fixed8 Price { get; private set; }
    public Fixed8 Quantity { get; private set; }
    public bool BuyerIsMaker { get; private set; }

    public void Reset()
    {
        _present = Field.None;
        EventTypeLength = 0;
        SymbolLength = 0;
        EventTimeMs = 0;
        TransactTimeMs = 0;
    }

    public bool Has(Field field) => (_present & field) == field;

    public void Mark(Field field) => _present |= field;

    /// <summary>Names the first required field that is missing, or null when all are there.</summary>
    public string? Missing(Field required)
    {
        var missing = required & ~_present;
        if (missing == Field.None)
        {
            return null;
        }
        var first = (Field)((int)missing & -(int)missing);
        return first switch
        {
            Field.Symbol => "\"s\" (symbol)",
            Field.FirstId => "\"U\" (first update id)",
            Field.FinalId => "\"u\" (final update id)",
            Field.PrevFinalId => "\"pu\" (previous final update id)",
            Field.BidLevels => "\"b\" (bid levels)",
            Field.AskLevels => "\"a\" (ask levels)",
            Field.BidPrice => "\"b\" (best bid price)",
            Field.BidQty => "\"B\" (best bid quantity)",
            Field.AskPrice => "\"a\" (best ask price)",
            Field.AskQty => "\"A\" (best ask quantity)",
            Field.TradeId => "\"t\" (trade id)",
            Field.Price => "\"p\" (price)",
            Field.Quantity => "\"q\" (quantity)",
            Field.BuyerIsMaker => "\"m\" (buyer is maker)",
            _ => first.ToString(),
        };
    }

    public string? SetEventType(ReadOnlySpan<byte> value)
    {
        if (value.Length > _eventType.Length)
        {
            return "\"e\" is too long to be an event type";
        }
        value.CopyTo(_eventType);
        EventTypeLength = value.Length;
        return null;
    }

    public string? SetSymbol(ReadOnlySpan<byte> value)
    {
        if (value.Length is < 2 or > 32 || value.IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"u8) >= 0
            || value[0] == (byte)'_' || value[^1] == (byte)'_')
        {
            return "\"s\" must be a symbol of 2-32 upper-case letters or digits (inner '_' allowed)";
        }
        value.CopyTo(_symbol);
        SymbolLength = value.Length;
        _present |= Field.Symbol;
        return null;
    }

    public void SetLong(Field field, long value)
    {
        _present |= field;
        switch (field)
        {
            case Field.EventTime: EventTimeMs = value; break;
            case Field.TransactTime: TransactTimeMs = value; break;
            case Field.FirstId: FirstId = value; break;
            case Field.FinalId: FinalId = value; break;
            case Field.PrevFinalId: PrevFinalId = value; break;
            case Field.TradeId: TradeId = value; break;
            case Field.LastUpdateId: LastUpdateId = value; break;
        }
    }

    public void SetDecimal(Field field, Fixed8 value)
    {
        _present |= field;
        switch (field)
        {
            case Field.BidPrice: BidPrice = value; break;
            case Field.BidQty: BidQty = value; break;
            case Field.AskPrice: AskPrice = value; break;
            case Field.AskQty: AskQty = value; break;
            case Field.Price: Price = value; break;
            case Field.Quantity: Quantity = value; break;
        }
    }

    public void SetBool(Field field, bool value)
    {
        _present |= field;
        BuyerIsMaker = value;
    }
}

/// <summary>A growable list of levels that keeps its array between messages.</summary>
internal sealed class LevelBuffer
{
    private Level[] _items = new Level[256];

    public int Count { get; private set; }

    public ReadOnlySpan<Level> Span => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Add(Level level)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        _items[Count++] = level;
    }
}

/// <summary>Maps symbol bytes to <see cref="Symbol"/> values, allocating a string once per distinct symbol.</summary>
internal sealed class SymbolCache
{
    private readonly List<(byte[] Bytes, Symbol Symbol)> _known = [];

    public Symbol Get(ReadOnlySpan<byte> bytes)
    {
        foreach (var (known, symbol) in _known)
        {
            if (bytes.SequenceEqual(known))
            {
                return symbol;
            }
        }
        // Validated by EventFields.SetSymbol, so the constructor cannot throw here.
        var parsed = new Symbol(System.Text.Encoding.ASCII.GetString(bytes));
        _known.Add((bytes.ToArray(), parsed));
        return parsed;
    }
}
