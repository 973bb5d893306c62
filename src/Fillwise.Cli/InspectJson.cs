using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fillwise.Core;
using Fillwise.MarketData.Inspection;
using Fillwise.MarketData.Klines;

namespace Fillwise.Cli;

/// <summary>The JSON contract of `fillwise data inspect --json` (documented in the README).</summary>
internal static class InspectJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteCapture(TextWriter output, CaptureInspection inspection)
    {
        Write(output, w =>
        {
            var stats = inspection.Stats;
            w.WriteStartObject();
            w.WriteString("symbol", string.Join(",", inspection.Symbols));
            w.WriteString("timestamp_unit", Fillwise.MarketData.Capture.TimestampUnits.Name(stats.TimestampUnit));
            WriteTime(w, "first_ts", stats.FirstReceiveTimeNs);
            WriteTime(w, "last_ts", stats.LastReceiveTimeNs);
            w.WriteStartObject("events");
            w.WriteNumber("depthUpdate", stats.DepthUpdates);
            w.WriteNumber("bookTicker", stats.BookTickers);
            w.WriteNumber("trade", stats.Trades);
            w.WriteNumber("snapshot", stats.Snapshots);
            w.WriteEndObject();
            w.WriteStartObject("skipped");
            foreach (var (type, count) in stats.Skipped)
            {
                w.WriteNumber(type, count);
            }
            w.WriteEndObject();
            w.WriteStartObject("book");
            w.WriteBoolean("synced", inspection.Books.Count > 0 && inspection.Books.All(b => b.Synced));
            w.WriteNumber("gaps", inspection.Books.Sum(b => b.Gaps));
            w.WriteEndObject();
            w.WriteStartArray("books");
            foreach (var book in inspection.Books)
            {
                w.WriteStartObject();
                w.WriteString("market", book.Market.Name());
                w.WriteString("symbol", book.Symbol.Value);
                w.WriteBoolean("synced", book.Synced);
                w.WriteNumber("gaps", book.Gaps);
                w.WriteNumber("applied_diffs", book.AppliedDiffs);
                w.WriteNumber("stale_diffs", book.StaleDiffs);
                w.WriteNumber("snapshots", book.Snapshots);
                w.WriteNumber("ticker_checks", book.TickerChecks);
                w.WriteNumber("ticker_mismatches", book.TickerMismatches);
                WriteLevel(w, "best_bid", book.BestBid);
                WriteLevel(w, "best_ask", book.BestAsk);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("lines", stats.Lines);
            WriteIssues(w, "errors", stats.Errors.Select(e => e.ToString()), stats.ErrorCount);
            WriteIssues(w, "warnings", stats.Warnings.Select(e => e.ToString()), stats.WarningCount);
            w.WriteEndObject();
        });
    }

    public static void WriteKlines(TextWriter output, IReadOnlyList<KlineSeries> all)
    {
        Write(output, w =>
        {
            if (all.Count > 1)
            {
                w.WriteStartArray();
            }
            foreach (var series in all)
            {
                w.WriteStartObject();
                w.WriteString("file", series.File);
                w.WriteString("symbol", series.Symbol?.Value);
                w.WriteString("interval", series.IntervalName);
                w.WriteNumber("bars", series.BarCount);
                WriteTime(w, "first_ts", series.BarCount > 0 ? series.FirstOpenTimeMs * 1_000_000 : 0);
                WriteTime(w, "last_ts", series.BarCount > 0 ? series.LastOpenTimeMs * 1_000_000 : 0);
                w.WriteNumber("gaps", series.Gaps);
                w.WriteNumber("missing_bars", series.MissingBars);
                WriteIssues(w, "errors", series.Errors.Select(e => e.ToString()), series.Errors.Count);
                WriteIssues(w, "warnings", series.Warnings.Select(e => e.ToString()), series.Warnings.Count);
                w.WriteEndObject();
            }
            if (all.Count > 1)
            {
                w.WriteEndArray();
            }
        });
    }

    /// <summary>Unix nanoseconds as ISO-8601 UTC with all the precision the source has; null when unknown.</summary>
    public static string? FormatTime(long unixNs)
    {
        if (unixNs <= 0)
        {
            return null;
        }
        var time = DateTime.UnixEpoch.AddTicks(unixNs / 100);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    private static void WriteTime(Utf8JsonWriter w, string name, long unixNs) => w.WriteString(name, FormatTime(unixNs));

    private static void WriteLevel(Utf8JsonWriter w, string name, Core.Level? level)
    {
        if (level is not { } l)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("price", l.Price.ToString());
        w.WriteString("quantity", l.Quantity.ToString());
        w.WriteEndObject();
    }

    private static void WriteIssues(Utf8JsonWriter w, string name, IEnumerable<string> listed, long total)
    {
        w.WriteStartArray(name);
        var count = 0;
        foreach (var issue in listed)
        {
            w.WriteStringValue(issue);
            count++;
        }
        if (total > count)
        {
            w.WriteStringValue($"... and {total - count} more");
        }
        w.WriteEndArray();
    }

    private static void Write(TextWriter output, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            body(writer);
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
