using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Inspection;
using Fillwise.MarketData.Klines;

namespace Fillwise.Backtest;

/// <summary>
/// What the input check found in a run's market data: the events it holds, its symbols and time range, and the
/// problems that do not make it unusable (malformed lines left out, breaks in a book's update-id chain). These
/// go with the run into its summary, its JSON and the store, so a result says what it was computed from.
/// </summary>
public sealed record DataQuality(
    long MarketEvents,
    long DataErrors,
    long BookGaps,
    IReadOnlyList<DataIssue> FirstErrors,
    IReadOnlySet<Symbol> Symbols,
    long StartNs,
    long EndNs,
    Market Market = Market.UsdM)
{
    public bool IsClean => DataErrors == 0;

    /// <summary>Symbols whose book was not in sync at the end of the data (no depth snapshot, or a gap after the last one).</summary>
    public IReadOnlyList<Symbol> NotSynced { get; init; } = [];

    /// <summary>Why no order could be placed on some symbols (null when every book was in sync at the end of the data).</summary>
    public string? NotSyncedSentence() => NotSynced.Count == 0 ? null
        : $"The book of {string.Join(", ", NotSynced.Select(s => s.Value))} was not in sync at the end of the data: orders need a depth snapshot first (a catalog's --from/--to window must contain one).";

    /// <summary>One sentence for a strict command (eval): how many errors and the first, located.</summary>
    public string ErrorSentence(string what) =>
        $"{what}: {DataErrors:N0} data error(s) in the input (first: {FirstErrors.FirstOrDefault()?.ToString() ?? "(not kept)"}); fix the data (see fillwise data inspect) or pass --allow-data-errors.";
}

/// <summary>
/// The checks <c>fillwise data inspect</c> makes, applied before a replay or an evaluation starts (or, for a replay
/// that checks its own read, on the way: <see cref="CheckedStreams"/>), so unusable input is refused with one sentence (<see cref="DataFormatException"/>, exit 2) instead of producing an empty or
/// silently wrong run: a file of the wrong kind (a kline CSV as a capture, random bytes, a zip, an empty file),
/// no market events at all, a symbol the catalog does not know, capture files out of time order (or one given
/// twice), the same kline symbol given twice. Problems inside usable data are counted in <see cref="DataQuality"/>.
/// </summary>
internal static class InputCheck
{
    /// <summary>When <paramref name="record"/> is given, the events are also kept in memory on the way (one stream per symbol, symbols sorted, as the tick market reads them), so a run that replays them many times parses them once.</summary>
    public static DataQuality Captures(IReadOnlyList<string> paths, SymbolCatalog catalog, List<RecordedEvents>? record = null)
    {
        using var streams = CheckedStreams.Captures(paths, catalog);
        return Read(streams, record);
    }

    /// <summary>The same book checks over a catalog selection.</summary>
    public static DataQuality Catalog(CatalogSelection selection, SymbolCatalog catalog, List<RecordedEvents>? record = null)
    {
        using var streams = CheckedStreams.Catalog(selection, catalog);
        return Read(streams, record);
    }

    /// <summary>
    /// What a run that checks its own read of the data knows before reading it: the market and the symbols of the
    /// files' first events (or the selection's market and symbols). Counts and the time range come with the
    /// run's result (<see cref="BacktestResult.Quality"/>).
    /// </summary>
    public static DataQuality BeforeReading(IReadOnlyList<string> captures, CatalogSelection? selection, SymbolCatalog catalog)
    {
        if (selection is not null)
        {
            CheckedStreams.CheckSelection(selection, catalog);
            // Opening reads the manifest: not a catalog, another schema, or no data for the symbols in the window are refused here.
            using var reader = selection.Open();
            return new DataQuality(0, 0, 0, [], reader.Symbols.ToHashSet(), 0, 0, selection.Market);
        }
        var (market, first) = CheckedStreams.Heads(captures);
        return new DataQuality(0, 0, 0, [], first, 0, 0, market);
    }

    private static DataQuality Read(CheckedStreams streams, List<RecordedEvents>? record)
    {
        var books = new List<BookReport>();
        foreach (var source in streams.Sources)
        {
            var recorder = record is null ? null : new RecordedEvents.Recorder(source);
            books.AddRange(CaptureInspection.Run((IMarketEventSource?)recorder ?? source));
            if (recorder is not null)
            {
                record!.Add(recorder.Recorded());
            }
        }
        return streams.Finish(books.Select(b => (b.Symbol, b.Gaps, b.Synced)));
    }

    public static (IReadOnlyList<KlineSeries> Series, DataQuality Quality) Klines(IReadOnlyList<string> pathsOrDirectories, SymbolCatalog catalog)
    {
        foreach (var path in pathsOrDirectories.Where(p => !Directory.Exists(p)))
        {
            CheckedStreams.Exists(path);
        }
        var files = KlineFile.Expand(pathsOrDirectories);
        if (files.Count == 0)
        {
            throw new DataFormatException($"{string.Join(", ", pathsOrDirectories)}: no .csv or .csv.gz kline files found.");
        }
        InputFiles.EachOnce(files);
        foreach (var file in files)
        {
            if (FileSniffer.Sniff(file) == DataFileKind.Capture)
            {
                throw new DataFormatException($"{file}: a stream capture, not a kline CSV: pass it with --capture.");
            }
        }
        // One streaming pass per file: counts, interval, gaps and the bad lines; the bars are streamed again by the replay.
        var series = files.Select(f => KlineFile.Scan(f)).ToList();
        foreach (var s in series)
        {
            if (s.Symbol is not { } symbol || !catalog.TryGet(symbol, out _))
            {
                throw new DataFormatException($"{s.File}: symbol {s.Symbol?.Value ?? "(unknown)"} is not in the symbol catalog; add it with --symbol-file FILE.");
            }
            if (s.BarCount == 0)
            {
                throw new DataFormatException($"{s.File}: no usable bars{(s.Errors.Count > 0 ? $" (first error {s.Errors[0]})" : "")}; nothing to replay.");
            }
        }
        foreach (var same in series.GroupBy(s => s.Symbol!.Value.Value).Where(g => g.Count() > 1))
        {
            // Two series of one symbol would be replayed side by side: every bar twice, or two overlapping histories.
            var pair = same.Take(2).ToList();
            throw new DataFormatException($"{pair[0].File} and {pair[1].File} are both {same.Key} bars (the same series given twice?); give one file per symbol.");
        }
        var errors = series.Sum(s => s.ErrorCount);
        var quality = new DataQuality(
            series.Sum(s => s.BarCount), errors, 0, series.SelectMany(s => s.Errors).Take(10).ToList(),
            series.Select(s => s.Symbol!.Value).ToHashSet(),
            series.Min(s => s.FirstOpenTimeMs) * 1_000_000, series.Max(s => s.LastOpenTimeMs + s.IntervalMs) * 1_000_000);
        return (series, quality);
    }
}
