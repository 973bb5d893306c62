using System.Collections.Immutable;

namespace Fillwise.Core;

/// <summary>One price level: price and total quantity resting there (zero = level removed).</summary>
public readonly record struct Level(Fixed8 Price, Fixed8 Quantity);

/// <summary>
/// Everything that comes off a market-data feed. Timestamps: <c>ReceiveTimeNs</c> is the local receive time
/// in Unix nanoseconds (what replays merge on); <c>EventTimeMs</c>/<c>TransactTimeMs</c> are the exchange's
/// clocks in Unix milliseconds.
/// </summary>
public abstract record MarketEvent(Symbol Symbol, long ReceiveTimeNs);

/// <summary>Binance diff-depth update: first id <c>U</c>, final id <c>u</c>, previous final id <c>pu</c>.</summary>
public sealed record DepthDiff(
    Symbol Symbol,
    long ReceiveTimeNs,
    long EventTimeMs,
    long TransactTimeMs,
    long FirstUpdateId,
    long FinalUpdateId,
    long PreviousFinalUpdateId,
    ImmutableArray<Level> Bids,
    ImmutableArray<Level> Asks) : MarketEvent(Symbol, ReceiveTimeNs);

/// <summary>REST depth snapshot (GET /fapi/v1/depth): the full book as of <c>LastUpdateId</c>.</summary>
public sealed record DepthSnapshot(
    Symbol Symbol,
    long ReceiveTimeNs,
    long LastUpdateId,
    long EventTimeMs,
    long TransactTimeMs,
    ImmutableArray<Level> Bids,
    ImmutableArray<Level> Asks) : MarketEvent(Symbol, ReceiveTimeNs);

/// <summary>Best bid/ask update; <c>UpdateId</c> is the order-book update id it reflects.</summary>
public sealed record BookTickerUpdate(
    Symbol Symbol,
    long ReceiveTimeNs,
    long UpdateId,
    long EventTimeMs,
    long TransactTimeMs,
    Fixed8 BidPrice,
    Fixed8 BidQuantity,
    Fixed8 AskPrice,
    Fixed8 AskQuantity) : MarketEvent(Symbol, ReceiveTimeNs);

/// <summary>A public trade. <c>BuyerIsMaker</c> true means the aggressor sold.</summary>
public sealed record TradePrint(
    Symbol Symbol,
    long ReceiveTimeNs,
    long TradeId,
    long EventTimeMs,
    long TradeTimeMs,
    Fixed8 Price,
    Fixed8 Quantity,
    bool BuyerIsMaker) : MarketEvent(Symbol, ReceiveTimeNs);

/// <summary>A candlestick bar. Bars are not hot-path data, so decimals are used throughout.</summary>
public sealed record Kline(
    Symbol Symbol,
    long OpenTimeMs,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    decimal Volume)
{
    public DateTimeOffset OpenTime => DateTimeOffset.FromUnixTimeMilliseconds(OpenTimeMs);
}
