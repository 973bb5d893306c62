using System.Globalization;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;

namespace Fillwise.Backtest;

/// <summary>
/// Reads a signals CSV: header <c>timestamp,symbol,side,target_qty</c> or <c>...,target_notional</c>.
/// Timestamps are ISO-8601 with a 'T' and a zone (Z or an offset) or integer Unix milliseconds, nothing that a
/// reader could take two ways (no "07/08/2024", no zone-less local time). Sizes are positive and bounded (a
/// target notional at most <see cref="MaxNotional"/>, a quantity at most <see cref="MaxQuantity"/>), so no later
/// arithmetic can overflow. Every problem is an error naming file, line and field; a file without a signal is one.
/// </summary>
public static class SignalsCsv
{
    /// <summary>The same bound as <c>--notional</c>.</summary>
    public const decimal MaxNotional = 1e12m;

    /// <summary>Base units; far above any exchange's maximum order size, far below what overflows 8-decimal fixed point.</summary>
    public const decimal MaxQuantity = 1e9m;

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm'Z'",
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmzzz",
    ];

    /// <summary>Unix ms of 9999-12-31T23:59:59.999Z: beyond it a timestamp in ns would overflow.</summary>
    private const long MaxUnixMs = 253_402_300_799_999;

    /// <summary><paramref name="dataSymbols"/>: the symbols the market data holds; a signal for any other is an error.</summary>
    public static IReadOnlyList<ParentSignal> Load(string path, SymbolCatalog catalog, long startNs, long endNs, IReadOnlySet<Symbol>? dataSymbols = null)
    {
        var lines = InputFiles.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new DataFormatException($"{path}:1: empty file; expected a header timestamp,symbol,side,target_qty|target_notional.");
        }
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        if (header.Length != 4 || header[0] != "timestamp" || header[1] != "symbol" || header[2] != "side" || header[3] is not ("target_qty" or "target_notional"))
        {
            throw new DataFormatException($"{path}:1: expected the header timestamp,symbol,side,target_qty (or target_notional), found '{lines[0]}'.");
        }
        var notional = header[3] == "target_notional";
        var signals = new List<ParentSignal>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = i + 1;
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }
            var f = lines[i].Split(',').Select(x => x.Trim()).ToArray();
            string Where(string field) => $"{path}:{line}: field '{field}'";
            if (f.Length != 4)
            {
                throw new DataFormatException($"{path}:{line}: expected 4 fields, found {f.Length}.");
            }
            long timeNs;
            if (f[0].Length > 0 && f[0].All(char.IsAsciiDigit))
            {
                if (!long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > MaxUnixMs)
                {
                    throw new DataFormatException($"{Where("timestamp")}: '{f[0]}' is out of range for Unix milliseconds (at most {MaxUnixMs}).");
                }
                timeNs = ms * 1_000_000;
            }
            else if (DateTimeOffset.TryParseExact(f[0], IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                timeNs = (when.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            }
            else
            {
                throw new DataFormatException($"{Where("timestamp")}: '{f[0]}' is neither ISO-8601 with a zone (2024-07-19T00:01:00Z, 2024-07-19T02:01:00+02:00) nor Unix milliseconds.");
            }
            if (timeNs < startNs || timeNs > endNs)
            {
                throw new DataFormatException($"{Where("timestamp")}: {f[0]} is outside the data's time range {Iso(startNs)} .. {Iso(endNs)}.");
            }
            if (!Symbol.TryParse(f[1], out var symbol) || !catalog.TryGet(symbol, out _))
            {
                throw new DataFormatException($"{Where("symbol")}: unknown symbol '{f[1]}' (not in the symbol catalog).");
            }
            if (dataSymbols is not null && !dataSymbols.Contains(symbol))
            {
                throw new DataFormatException($"{Where("symbol")}: {symbol.Value} is not in the market data (it has {string.Join(", ", dataSymbols.Select(d => d.Value).Order(StringComparer.Ordinal))}).");
            }
            var side = f[2].ToUpperInvariant() switch
            {
                "BUY" => Side.Buy,
                "SELL" => Side.Sell,
                _ => throw new DataFormatException($"{Where("side")}: '{f[2]}' must be BUY or SELL."),
            };
            var max = notional ? MaxNotional : MaxQuantity;
            if (!decimal.TryParse(f[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var size) || size <= 0 || size > max)
            {
                throw new DataFormatException($"{Where(header[3])}: '{f[3]}' must be a positive decimal number at most {max:0} (no sign, exponent, NaN or infinity).");
            }
            signals.Add(new ParentSignal(timeNs, symbol, side, notional ? null : size, notional ? size : null, $"{Path.GetFileName(path)}:{line}"));
        }
        if (signals.Count == 0)
        {
            throw new DataFormatException($"{path}: no signals after the header; a run needs at least one.");
        }
        return signals;
    }

    private static string Iso(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
