using System.Globalization;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;

namespace Fillwise.Backtest;

/// <summary>
/// Reads a signals CSV: header <c>timestamp,symbol,side,target_qty</c> or <c>...,target_notional</c>.
/// Timestamps are ISO-8601 (UTC) or Unix milliseconds. Every problem is an error naming file, line and field.
/// </summary>
public static class SignalsCsv
{
    public static IReadOnlyList<ParentSignal> Load(string path, SymbolCatalog catalog, long startNs, long endNs)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException($"{path}: file not found.");
        }
        var lines = File.ReadAllLines(path);
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
            if (long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                timeNs = ms * 1_000_000;
            }
            else if (DateTimeOffset.TryParse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                timeNs = (when.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            }
            else
            {
                throw new DataFormatException($"{Where("timestamp")}: '{f[0]}' is neither ISO-8601 nor Unix milliseconds.");
            }
            if (timeNs < startNs || timeNs > endNs)
            {
                throw new DataFormatException($"{Where("timestamp")}: {f[0]} is outside the data's time range {Iso(startNs)} .. {Iso(endNs)}.");
            }
            if (!Symbol.TryParse(f[1], out var symbol) || !catalog.TryGet(symbol, out _))
            {
                throw new DataFormatException($"{Where("symbol")}: unknown symbol '{f[1]}' (not in the symbol catalog).");
            }
            var side = f[2].ToUpperInvariant() switch
            {
                "BUY" => Side.Buy,
                "SELL" => Side.Sell,
                _ => throw new DataFormatException($"{Where("side")}: '{f[2]}' must be BUY or SELL."),
            };
            if (!decimal.TryParse(f[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var size) || size <= 0)
            {
                throw new DataFormatException($"{Where(header[3])}: '{f[3]}' must be a positive number.");
            }
            signals.Add(new ParentSignal(timeNs, symbol, side, notional ? null : size, notional ? size : null, $"{Path.GetFileName(path)}:{line}"));
        }
        return signals;
    }

    private static string Iso(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
