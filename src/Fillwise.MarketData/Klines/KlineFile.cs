using System.Globalization;
using Fillwise.Core;

namespace Fillwise.MarketData.Klines;

/// <summary>A loaded bar series with what was wrong with its file.</summary>
public sealed record KlineSeries(
    string File,
    Symbol? Symbol,
    long IntervalMs,
    IReadOnlyList<Kline> Bars,
    int Gaps,
    long MissingBars,
    IReadOnlyList<DataIssue> Errors,
    IReadOnlyList<DataIssue> Warnings)
{
    /// <summary>Binance's name for the interval ("1m", "1h", "1d"), or the milliseconds when it has none.</summary>
    public string IntervalName => KlineFile.IntervalName(IntervalMs);
}

/// <summary>
/// Reads Binance kline CSV: the full 12-column export (open_time, open, high, low, close, volume, close_time,
/// quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore) or its 6-column prefix, with or
/// without a header, gzip or plain. Bars must be in ascending open time; a jump larger than the interval is a
/// gap (counted, with the bars it misses). Bad rows are errors with file and line, and are left out.
/// </summary>
public static class KlineFile
{
    private const int MaxIssues = 100;
    private static readonly Symbol UnknownSymbol = new("UNKNOWN");

    public static KlineSeries Load(string path, Symbol? symbol = null)
    {
        var resolvedSymbol = symbol ?? InputFiles.SymbolFromFileName(path);
        var bars = new List<Kline>();
        var errors = new List<DataIssue>();
        var warnings = new List<DataIssue>();
        long errorCount = 0;
        using (var reader = new StreamReader(InputFiles.OpenMaybeGzip(path, out _)))
        {
            long lineNumber = 0;
            string? line;
            while ((line = ReadLine(reader, path, warnings)) is not null)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                if (lineNumber == 1 && !char.IsAsciiDigit(line.TrimStart()[0]))
                {
                    continue; // header
                }
                var problem = TryParseRow(line, resolvedSymbol, bars.Count > 0 ? bars[^1] : null, out var bar);
                if (problem is null)
                {
                    bars.Add(bar!);
                }
                else if (++errorCount <= MaxIssues)
                {
                    errors.Add(new DataIssue(path, lineNumber, problem));
                }
            }
            if (lineNumber == 0)
            {
                throw new DataFormatException($"{path}: the file is empty.");
            }
        }
        if (bars.Count == 0 && errorCount > 0)
        {
            throw new DataFormatException($"{path}: no line is a kline row ({errors[0].Message}); expected CSV 'open_time,open,high,low,close,volume[,...]'.");
        }
        if (errorCount > errors.Count)
        {
            warnings.Add(new DataIssue(path, 0, $"{errorCount - errors.Count} more errors not listed"));
        }
        var interval = DetectInterval(bars);
        var (gaps, missing) = CountGaps(bars, interval);
        return new KlineSeries(path, resolvedSymbol, interval, bars, gaps, missing, errors, warnings);
    }

    /// <summary>Loads every *.csv / *.csv.gz in a directory (sorted by name) or the given files.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> pathsOrDirectories)
    {
        var result = new List<string>();
        foreach (var path in pathsOrDirectories)
        {
            if (Directory.Exists(path))
            {
                result.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                result.Add(path);
            }
        }
        return result;
    }

    public static string IntervalName(long intervalMs) => intervalMs switch
    {
        <= 0 => "unknown",
        _ when intervalMs % 86_400_000 == 0 => $"{intervalMs / 86_400_000}d",
        _ when intervalMs % 3_600_000 == 0 => $"{intervalMs / 3_600_000}h",
        _ when intervalMs % 60_000 == 0 => $"{intervalMs / 60_000}m",
        _ when intervalMs % 1_000 == 0 => $"{intervalMs / 1_000}s",
        _ => $"{intervalMs}ms",
    };

    private static string? ReadLine(StreamReader reader, string path, List<DataIssue> warnings)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (InvalidDataException e)
        {
            warnings.Add(new DataIssue(path, 0, $"compressed stream ends abruptly ({e.Message}); the rows before it were read"));
            return null;
        }
    }


    private static string? TryParseRow(string line, Symbol? symbol, Kline? previous, out Kline? bar)
    {
        bar = null;
        var columns = line.Split(',');
        if (columns.Length is not (6 or 12))
        {
            return $"expected 6 or 12 comma-separated columns (open_time,open,high,low,close,volume[,...]), found {columns.Length}";
        }
        if (!long.TryParse(columns[0], NumberStyles.None, CultureInfo.InvariantCulture, out var openTime))
        {
            return $"open_time '{columns[0]}' is not an integer (Unix milliseconds)";
        }
        // Some exporters write open_time in microseconds (Binance spot since 2025): normalise to ms.
        if (TimestampUnitOf(openTime) is { } divisor)
        {
            openTime /= divisor;
        }
        else
        {
            return $"open_time {openTime} is not a plausible Unix time";
        }
        Span<decimal> values = stackalloc decimal[5];
        string[] names = ["open", "high", "low", "close", "volume"];
        for (var i = 0; i < 5; i++)
        {
            if (!decimal.TryParse(columns[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0)
            {
                return $"{names[i]} '{columns[i + 1]}' is not a non-negative number";
            }
        }
        var (open, high, low, close, volume) = (values[0], values[1], values[2], values[3], values[4]);
        if (high < Math.Max(open, close) || low > Math.Min(open, close) || low > high)
        {
            return $"inconsistent bar: high {high} and low {low} must bound open {open} and close {close}";
        }
        if (previous is not null && openTime <= previous.OpenTimeMs)
        {
            return openTime == previous.OpenTimeMs
                ? $"duplicate bar for open_time {openTime}"
                : $"open_time {openTime} goes back in time (previous bar {previous.OpenTimeMs}); bars must be in ascending order";
        }
        bar = new Kline(symbol ?? UnknownSymbol, openTime, open, high, low, close, volume);
        return null;
    }

    private static long? TimestampUnitOf(long value) => value switch
    {
        >= 100_000_000_000_000 and < 100_000_000_000_000_000 => 1_000, // µs
        >= 100_000_000_000 and < 100_000_000_000_000 => 1, // ms
        _ => null,
    };

    /// <summary>The most common step between consecutive bars: robust to the gaps it is used to find.</summary>
    private static long DetectInterval(List<Kline> bars)
    {
        var counts = new Dictionary<long, int>();
        for (var i = 1; i < bars.Count; i++)
        {
            var step = bars[i].OpenTimeMs - bars[i - 1].OpenTimeMs;
            counts[step] = counts.GetValueOrDefault(step) + 1;
        }
        return counts.Count == 0 ? 0 : counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
    }

    private static (int Gaps, long Missing) CountGaps(List<Kline> bars, long interval)
    {
        if (interval <= 0)
        {
            return (0, 0);
        }
        var gaps = 0;
        long missing = 0;
        for (var i = 1; i < bars.Count; i++)
        {
            var step = bars[i].OpenTimeMs - bars[i - 1].OpenTimeMs;
            if (step > interval)
            {
                gaps++;
                missing += (step / interval) - 1;
            }
        }
        return (gaps, missing);
    }
}
