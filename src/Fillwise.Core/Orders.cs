namespace Fillwise.Core;

/// <summary>Order types a venue understands. <c>PostOnly</c> is Binance's GTX: rejected (-5022) rather than taking.</summary>
public enum OrderType : byte
{
    Limit = 0,
    PostOnly,
    Ioc,
    Market,
}

public enum Liquidity : byte
{
    Maker = 0,
    Taker,
}

/// <summary>
/// A new order. Price and quantity are exact decimals as the user sent them; the venue checks them against the
/// symbol's tick and step (an off-grid price is a reject, as on the exchange, not a silent rounding).
/// <c>Price</c> is ignored for market orders.
/// </summary>
public readonly record struct OrderRequest(long ClientOrderId, Symbol Symbol, Side Side, OrderType Type, Fixed8 Quantity, Fixed8 Price);

public enum OrderEventKind : byte
{
    Accepted = 0,
    Rejected,
    Filled,
    Canceled,
    /// <summary>IOC/market remainder that found no more liquidity; <see cref="OrderEvent.BookExhausted"/> says whether the visible book ran out.</summary>
    Expired,
    CancelRejected,
}

/// <summary>An exchange-style rejection: Binance's numeric code and its message.</summary>
public readonly record struct VenueReject(int Code, string Message)
{
    public override string ToString() => $"{Code} {Message}";
}

/// <summary>Binance USDⓈ-M error codes the venues produce (messages as the exchange words them).</summary>
public static class RejectCodes
{
    public static readonly VenueReject UnknownSymbol = new(-1121, "Invalid symbol.");
    public static readonly VenueReject PriceNotPositive = new(-4001, "Price less than 0.");
    public static readonly VenueReject QuantityNotPositive = new(-4003, "Quantity less than zero.");
    public static readonly VenueReject PriceNotOnTick = new(-4014, "Price not increased by tick size.");
    public static readonly VenueReject QuantityNotOnStep = new(-4023, "Qty not increased by step size.");
    public static readonly VenueReject DuplicateClientOrderId = new(-4116, "clientOrderId is duplicated.");
    public static readonly VenueReject MinNotional = new(-4164, "Order's notional must be no smaller than the symbol's minimum notional.");
    public static readonly VenueReject PostOnlyWouldTake = new(-5022, "Due to the order could not be executed as maker, the Post Only order will be rejected.");
    public static readonly VenueReject CancelUnknownOrder = new(-2011, "Unknown order sent.");
    /// <summary>Not an exchange code: the replay's book is not synchronised (before the first snapshot or after a gap).</summary>
    public static readonly VenueReject NoMarketData = new(-1013, "No synchronised market data for the symbol at this time.");
}

/// <summary>
/// One execution. <c>Fee</c> is in quote currency (USDT), positive = paid; <c>LeavesQuantity</c> is what stays open
/// on the order after this fill. <c>FeeInQuote</c> false: the venue charged the fee in another asset (Binance's BNB fee
/// discount) and could not value it, so <c>Fee</c> and <c>FeeRate</c> are 0 and the client charges its own rate.
/// </summary>
public readonly record struct Fill(
    long FillId,
    Fixed8 Price,
    Fixed8 Quantity,
    Liquidity Liquidity,
    decimal FeeRate,
    decimal Fee,
    Fixed8 LeavesQuantity,
    bool FeeInQuote = true)
{
    public decimal Notional => Price.ToDecimal() * Quantity.ToDecimal();
}

/// <summary>
/// Everything a venue tells its client about an order. <c>TimeNs</c> is when it happened at the venue;
/// the client receives it after the response latency. Only the fields of the <c>Kind</c> are meaningful:
/// <c>Fill</c> for Filled, <c>Reject</c> for Rejected/CancelRejected, <c>Quantity</c> for Canceled/Expired
/// (the quantity that left the book).
/// </summary>
public readonly record struct OrderEvent(
    OrderEventKind Kind,
    long ClientOrderId,
    Symbol Symbol,
    Side Side,
    long TimeNs,
    Fill Fill,
    VenueReject Reject,
    Fixed8 Quantity,
    bool BookExhausted);

public enum MarketUpdateKind : byte
{
    Book = 0,
    Trade,
    Bar,
}

/// <summary>
/// What a venue client sees of the market after the market-data latency: the top of book as of the event
/// (not as of delivery), plus the trade or the bar that caused it. Prices are zero when that side is unknown.
/// </summary>
public readonly record struct MarketUpdate(
    Symbol Symbol,
    MarketUpdateKind Kind,
    long ExchangeTimeNs,
    bool BookValid,
    Fixed8 BidPrice,
    Fixed8 BidQuantity,
    Fixed8 AskPrice,
    Fixed8 AskQuantity,
    Fixed8 TradePrice,
    Fixed8 TradeQuantity,
    Side TradeAggressor,
    BarPrices Bar)
{
    public bool HasTwoSidedQuote => BookValid && BidPrice.Raw > 0 && AskPrice.Raw > 0;

    /// <summary>Two-sided and not crossed (bid below ask): a quote an order can be priced on.</summary>
    public bool HasUsableQuote => HasTwoSidedQuote && BidPrice.Raw < AskPrice.Raw;

    /// <summary>Mid price in Fixed8 raw units halved exactly (may end in half a unit: rounded down).</summary>
    public Fixed8 Mid => new((BidPrice.Raw + AskPrice.Raw) / 2);
}

/// <summary>A closed bar as seen by a venue client (bar mode). <c>OpenTimeNs</c> is the bar's start.</summary>
public readonly record struct BarPrices(long OpenTimeNs, long IntervalNs, Fixed8 Open, Fixed8 High, Fixed8 Low, Fixed8 Close, Fixed8 Volume);
