using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

public enum CaptureEventKind
{
    None = 0,
    DepthUpdate,
    BookTicker,
    Trade,
    Snapshot,
}

public enum TimestampUnit
{
    Unknown = 0,
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

public static class TimestampUnits
{
    /// <summary>
    /// Guesses the unit of a Unix timestamp from its magnitude. Any date between 1973 and 2286 is
    /// unambiguous: 1e9..1e11 is seconds, 1e11..1e14 ms, 1e14..1e17 µs, above that ns.
    /// </summary>
    public static TimestampUnit Detect(long value) => value switch
    {
        >= 100_000_000_000_000_000 => TimestampUnit.Nanoseconds,
        >= 100_000_000_000_000 => TimestampUnit.Microseconds,
        >= 100_000_000_000 => TimestampUnit.Milliseconds,
        >= 100_000_000 => TimestampUnit.Seconds,
        _ => TimestampUnit.Unknown,
    };

    public static long ToNanoseconds(long value, TimestampUnit unit) => unit switch
    {
        TimestampUnit.Seconds => value * 1_000_000_000,
        TimestampUnit.Milliseconds => value * 1_000_000,
        TimestampUnit.Microseconds => value * 1_000,
        _ => value,
    };

    public static string Name(TimestampUnit unit) => unit switch
    {
        TimestampUnit.Seconds => "s",
        TimestampUnit.Milliseconds => "ms",
        TimestampUnit.Microseconds => "us",
        TimestampUnit.Nanoseconds => "ns",
        _ => "unknown",
    };
}

/// <summary>Binance's three update ids of a diff (U, u, pu); for a snapshot only <c>Final</c> (lastUpdateId) is set.</summary>
public readonly record struct UpdateIds(long First, long Final, long PreviousFinal);

/// <summary>A bookTicker's best bid and ask.</summary>
public readonly record struct TopOfBook(long UpdateId, Fixed8 BidPrice, Fixed8 BidQuantity, Fixed8 AskPrice, Fixed8 AskQuantity);

/// <summary>A trade's fields.</summary>
public readonly record struct TradeTick(long TradeId, Fixed8 Price, Fixed8 Quantity, bool BuyerIsMaker);

public sealed record CaptureReaderOptions
{
    /// <summary>How many errors and warnings are kept with their text; all are counted regardless.</summary>
    public int MaxIssuesKept { get; init; } = 100;

    /// <summary>The market of every file; null = recognise each file's market from its first lines.</summary>
    public Fillwise.Core.Market? Market { get; init; }

    /// <summary>Parse every line with the validating reader only (tests and benchmarks compare the two paths).</summary>
    internal bool ValidatingOnly { get; init; }
}
