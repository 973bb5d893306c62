using Fillwise.Core;

namespace Fillwise.MarketData.Klines;

/// <summary>
/// What one kline file holds, found by streaming it once (<see cref="KlineFile.Scan"/>): the bars themselves are
/// not kept; <see cref="OpenBars"/> streams them again, skipping the same bad rows.
/// </summary>
public sealed record KlineSeries(
    string File,
    Symbol? Symbol,
    long IntervalMs,
    long BarCount,
    long FirstOpenTimeMs,
    long LastOpenTimeMs,
    int Gaps,
    long MissingBars,
    long ErrorCount,
    IReadOnlyList<DataIssue> Errors,
    IReadOnlyList<DataIssue> Warnings)
{
    /// <summary>Binance's name for the interval ("1m", "1h", "1d"), or the milliseconds when it has none.</summary>
    public string IntervalName => KlineFile.IntervalName(IntervalMs);

    /// <summary>A new streaming reader over the good bars of the file, in order.</summary>
    public KlineReader OpenBars() => new(File, Symbol);

    /// <summary>The good bars of the file, streamed (a small file's, or a test's, way to enumerate them).</summary>
    public IEnumerable<Kline> ReadBars()
    {
        using var reader = OpenBars();
        while (reader.MoveNext())
        {
            yield return reader.Current;
        }
    }
}

/// <summary>
/// Reads Binance kline CSV: the full 12-column export (open_time, open, high, low, close, volume, close_time,
/// quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore) or its 6-column prefix, with or
/// without a header, gzip or plain. Bars must be in ascending open time; a jump larger than the interval is a
/// gap (counted, with the bars it misses). Bad rows are errors with file and line, and are left out.
/// Files are streamed (<see cref="KlineReader"/>), never loaded whole.
/// </summary>
public static class KlineFile
{
    /// <summary>Streams a file once to check it and describe it; an empty file or one without a single kline row is a <see cref="DataFormatException"/>.</summary>
    public static KlineSeries Scan(string path, Symbol? symbol = null)
    {
        using var reader = new KlineReader(path, symbol);
        var series = reader.Summary();
        if (reader.Lines == 0)
        {
            throw new DataFormatException($"{path}: the file is empty.");
        }
        if (series.BarCount == 0 && series.ErrorCount > 0)
        {
            throw new DataFormatException($"{path}: no line is a kline row ({series.Errors[0].Message}); expected CSV 'open_time,open,high,low,close,volume[,...]'.");
        }
        return series;
    }

    /// <summary>Lists every *.csv / *.csv.gz in a directory (sorted by name) or the given files.</summary>
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
}
