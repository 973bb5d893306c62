using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Fillwise.Core;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData.Klines;

/// <summary>
/// Streams the bars of one Binance kline CSV (see <see cref="KlineFile"/> for the format) one at a time: only the
/// current line, the previous bar and bounded statistics are held, so memory does not grow with the file. Rows
/// are parsed as UTF-8 spans (no string per line or field; text is decoded only for an error message). Bad rows
/// are errors with file and line (the first <see cref="MaxListedErrors"/> listed, all counted) and are left out,
/// so every pass over a file yields the same bars.
/// </summary>
public sealed class KlineReader : IDisposable
{
    public const int MaxListedErrors = 100;

    /// <summary>Distinct bar-to-bar steps kept for interval and gap detection; a kline file has a handful.</summary>
    private const int MaxDistinctSteps = 4_096;

    private static readonly Symbol UnknownSymbol = new("UNKNOWN");
    private static readonly string[] ValueNames = ["open", "high", "low", "close", "volume"];

    private readonly LineReader _lines;
    private readonly Symbol? _symbol;
    private readonly List<DataIssue> _errors = [];
    private readonly List<DataIssue> _warnings = [];
    private readonly Dictionary<long, long> _steps = [];
    private bool _stepsOverflowed;
    private bool _done;

    public KlineReader(string path, Symbol? symbol = null)
    {
        File = path;
        _symbol = symbol ?? InputFiles.SymbolFromFileName(path);
        _lines = new LineReader(InputFiles.OpenMaybeGzip(path, out _), initialBufferSize: 1 << 16);
    }

    public string File { get; }

    public Symbol? Symbol => _symbol;

    /// <summary>The bar <see cref="MoveNext"/> last returned.</summary>
    public Kline Current { get; private set; } = null!;

    /// <summary>Lines read so far, blank lines and a header included (line numbers of errors count the same way).</summary>
    public long Lines { get; private set; }

    public long Bars { get; private set; }

    public long ErrorCount { get; private set; }

    public long FirstOpenTimeMs { get; private set; }

    public IReadOnlyList<DataIssue> Errors => _errors;

    public IReadOnlyList<DataIssue> Warnings => _warnings;

    /// <summary>Reads to the next good bar; false at the end of the file.</summary>
    public bool MoveNext()
    {
        while (!_done)
        {
            if (!_lines.TryReadLine(out var line, out _))
            {
                Finish();
                return false;
            }
            Lines++;
            if (Lines == 1 && line.StartsWith("\uFEFF"u8))
            {
                line = line[3..]; // a UTF-8 byte order mark, as some spreadsheet exports write
            }
            var content = line.TrimStart(" \t\r\f\v"u8);
            if (content.IsEmpty)
            {
                continue;
            }
            if (Lines == 1 && !char.IsAsciiDigit((char)content[0]))
            {
                continue; // header
            }
            var problem = TryParseRow(line, Bars > 0 ? Current : null, out var bar);
            if (problem is not null)
            {
                if (++ErrorCount <= MaxListedErrors)
                {
                    _errors.Add(new DataIssue(File, Lines, problem));
                }
                continue;
            }
            if (Bars == 0)
            {
                FirstOpenTimeMs = bar!.OpenTimeMs;
            }
            else
            {
                CountStep(bar!.OpenTimeMs - Current.OpenTimeMs);
            }
            Bars++;
            Current = bar!;
            return true;
        }
        return false;
    }

    /// <summary>Reads the rest of the file and describes it (the reader is at its end afterwards).</summary>
    public KlineSeries Summary()
    {
        while (MoveNext())
        {
        }
        var interval = DetectInterval();
        var (gaps, missing) = CountGaps(interval);
        return new KlineSeries(File, _symbol, interval, Bars, FirstOpenTimeMs, Bars > 0 ? Current.OpenTimeMs : 0, gaps, missing, ErrorCount, [.. _errors], [.. _warnings]);
    }

    public void Dispose() => _lines.Dispose();

    private void Finish()
    {
        _done = true;
        if (_lines.StreamError is { } streamError)
        {
            _warnings.Add(new DataIssue(File, 0, $"compressed stream ends abruptly ({streamError}); the rows before it were read"));
        }
        if (ErrorCount > _errors.Count)
        {
            _warnings.Add(new DataIssue(File, 0, $"{ErrorCount - _errors.Count} more errors not listed"));
        }
        if (_stepsOverflowed)
        {
            _warnings.Add(new DataIssue(File, 0, $"more than {MaxDistinctSteps} different steps between bars; interval and gaps are counted over the first {MaxDistinctSteps}"));
        }
    }

    private void CountStep(long step)
    {
        if (_steps.Count < MaxDistinctSteps || _steps.ContainsKey(step))
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_steps, step, out _)++;
        }
        else
        {
            _stepsOverflowed = true;
        }
    }

    private string? TryParseRow(ReadOnlySpan<byte> line, Kline? previous, out Kline? bar)
    {
        bar = null;
        Span<Range> columns = stackalloc Range[12];
        var count = SplitColumns(line, columns);
        if (count is not (6 or 12))
        {
            return $"expected 6 or 12 comma-separated columns (open_time,open,high,low,close,volume[,...]), found {count}";
        }
        var first = line[columns[0]];
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var openTime))
        {
            return $"open_time '{Text(first)}' is not an integer (Unix milliseconds)";
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
        for (var i = 0; i < 5; i++)
        {
            var text = line[columns[i + 1]];
            if (!TryParseDecimal(text, out values[i]) || values[i] < 0)
            {
                return $"{ValueNames[i]} '{Text(text)}' is not a non-negative number";
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
        bar = new Kline(_symbol ?? UnknownSymbol, openTime, open, high, low, close, volume);
        return null;
    }

    /// <summary>Column ranges of a CSV row (no quoting in kline files); returns the number of columns, also past the ranges it has room for.</summary>
    private static int SplitColumns(ReadOnlySpan<byte> line, Span<Range> columns)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf((byte)',');
            var end = comma < 0 ? line.Length : start + comma;
            if (count < columns.Length)
            {
                columns[count] = new Range(start, end);
            }
            count++;
            if (comma < 0)
            {
                return count;
            }
            start = end + 1;
        }
    }

    /// <summary>
    /// Plain decimals as Binance writes them ("95505.4", "16.536", "0") go straight into a decimal with the scale
    /// decimal.Parse gives (trailing zeros kept, so the values are identical); anything else (a sign, an exponent,
    /// more than 18 digits) goes to decimal.TryParse.
    /// </summary>
    private static bool TryParseDecimal(ReadOnlySpan<byte> text, out decimal value)
    {
        if (text.Length is > 0 and <= 19)
        {
            ulong mantissa = 0;
            var digits = 0;
            var scale = -1;
            foreach (var b in text)
            {
                if (char.IsAsciiDigit((char)b))
                {
                    mantissa = (mantissa * 10) + (ulong)(b - '0');
                    digits++;
                    if (scale >= 0)
                    {
                        scale++;
                    }
                }
                else if (b == '.' && scale < 0)
                {
                    scale = 0;
                }
                else
                {
                    digits = -1;
                    break;
                }
            }
            if (digits is > 0 and <= 18)
            {
                value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, isNegative: false, (byte)Math.Max(scale, 0));
                return true;
            }
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    private static long? TimestampUnitOf(long value) => value switch
    {
        >= 100_000_000_000_000 and < 100_000_000_000_000_000 => 1_000, // µs
        >= 100_000_000_000 and < 100_000_000_000_000 => 1, // ms
        _ => null,
    };

    /// <summary>The most common step between consecutive bars: robust to the gaps it is used to find.</summary>
    private long DetectInterval() =>
        _steps.Count == 0 ? 0 : _steps.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;

    private (int Gaps, long Missing) CountGaps(long interval)
    {
        if (interval <= 0)
        {
            return (0, 0);
        }
        var gaps = 0;
        long missing = 0;
        foreach (var (step, count) in _steps)
        {
            if (step > interval)
            {
                gaps += (int)count;
                missing += ((step / interval) - 1) * count;
            }
        }
        return (gaps, missing);
    }
}
