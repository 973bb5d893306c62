using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;
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
/// The checks <c>fillwise data inspect</c> makes, applied before a replay or an evaluation starts, so unusable
/// input is refused with one sentence (<see cref="DataFormatException"/>, exit 2) instead of producing an empty or
/// silently wrong run: a file of the wrong kind (a kline CSV as a capture, random bytes, a zip, an empty file),
/// no market events at all, a symbol the catalog does not know, capture files out of time order (or one given
/// twice), the same kline symbol given twice. Problems inside usable data are counted in <see cref="DataQuality"/>.
/// </summary>
internal static class InputCheck
{
    /// <summary>When <paramref name="record"/> is given, the events are also kept in memory on the way (one stream per symbol, symbols sorted, as the tick market reads them), so a run that replays them many times parses them once.</summary>
    public static DataQuality Captures(IReadOnlyList<string> paths, SymbolCatalog catalog, List<RecordedEvents>? record = null)
    {
        foreach (var path in paths)
        {
            Exists(path);
            if (FileSniffer.Sniff(path) == DataFileKind.Klines)
            {
                throw new DataFormatException($"{path}: a kline CSV, not a stream capture: pass it with --klines.");
            }
        }
        InputFiles.EachOnce(paths);
        long events = 0, errors = 0, gaps = 0, start = long.MaxValue, end = long.MinValue;
        var issues = new List<DataIssue>();
        var symbols = new HashSet<Symbol>();
        var notSynced = new List<Symbol>();
        var markets = new SortedDictionary<Market, string>();
        var recorded = new List<(string Key, RecordedEvents Events)>();
        // The same grouping as ReplayVenues.FromCaptures: one stream per symbol named in the file name.
        foreach (var group in paths.GroupBy(p => InputFiles.SymbolFromFileName(p)?.Value ?? string.Empty, StringComparer.Ordinal))
        {
            using var reader = new CaptureReader([.. group]);
            using var ordered = new CaptureFileOrder(reader);
            using var oneMarket = new OneMarket(ordered);
            var recorder = record is null ? null : new RecordedEvents.Recorder(oneMarket);
            var books = CaptureInspection.Run((IMarketEventSource?)recorder ?? oneMarket);
            notSynced.AddRange(NotSynced(books));
            if (recorder is not null)
            {
                recorded.Add((group.Key, recorder.Recorded()));
            }
            events += reader.Stats.Events;
            errors += reader.Stats.ErrorCount;
            issues.AddRange(reader.Stats.Errors);
            gaps += books.Sum(b => b.Gaps);
            symbols.UnionWith(books.Select(b => b.Symbol));
            foreach (var book in books)
            {
                markets.TryAdd(book.Market, group.First());
            }
            if (reader.Stats.Events > 0)
            {
                start = Math.Min(start, ordered.MinNs);
                end = Math.Max(end, ordered.MaxNs);
            }
        }
        if (events == 0)
        {
            var first = issues.FirstOrDefault();
            throw new DataFormatException($"{string.Join(", ", paths)}: no market events{(first is null ? "" : $" ({errors:N0} bad line(s), first {first})")}; nothing to replay.");
        }
        if (markets.Count > 1)
        {
            throw MixedMarkets(markets.Select(m => (m.Key, m.Value)));
        }
        var market = markets.Count == 1 ? markets.Keys.First() : Market.UsdM;
        Known(symbols, catalog, market, paths[0]);
        record?.AddRange(recorded.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Events));
        return new DataQuality(events, errors, gaps, issues.Take(10).ToList(), symbols, start, end, market) { NotSynced = notSynced };
    }

    /// <summary>The same book checks over a catalog selection (the catalog refused overlapping or unclean writes when it was made).</summary>
    public static DataQuality Catalog(CatalogSelection selection, SymbolCatalog catalog, List<RecordedEvents>? record = null)
    {
        if (selection.Symbols.Count == 0)
        {
            throw new OptionsException("--catalog needs --symbols S,... (the catalog's symbols to replay).");
        }
        Known(selection.Symbols.ToHashSet(), catalog, selection.Market, selection.Directory);
        using var reader = selection.Open();
        var recorder = record is null ? null : new RecordedEvents.Recorder(reader);
        using var counted = new CountingSource((IMarketEventSource?)recorder ?? reader);
        var books = CaptureInspection.Run(counted);
        if (counted.Events == 0)
        {
            throw new DataFormatException($"{selection.Directory}: no {selection.Market.Name()} market events for {string.Join(", ", selection.Symbols.Select(s => s.Value))} in the requested time range; nothing to replay.");
        }
        if (recorder is not null)
        {
            record!.Add(recorder.Recorded());
        }
        return new DataQuality(counted.Events, 0, books.Sum(b => b.Gaps), [], books.Select(b => b.Symbol).ToHashSet(), counted.MinNs, counted.MaxNs, selection.Market)
        {
            NotSynced = [.. NotSynced(books)],
        };
    }

    public static (IReadOnlyList<KlineSeries> Series, DataQuality Quality) Klines(IReadOnlyList<string> pathsOrDirectories, SymbolCatalog catalog)
    {
        foreach (var path in pathsOrDirectories.Where(p => !Directory.Exists(p)))
        {
            Exists(path);
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

    private static IEnumerable<Symbol> NotSynced(IEnumerable<BookReport> books) => books.Where(b => !b.Synced).Select(b => b.Symbol);

    private static void Exists(string path)
    {
        if (Directory.Exists(path))
        {
            throw new DataFormatException($"{path}: a directory, not a capture file.");
        }
        if (!File.Exists(path))
        {
            throw new DataFormatException($"{path}: file not found.");
        }
    }

    /// <summary>One symbol name can mean two instruments (ETHUSDT spot and perpetual): a run trades one market.</summary>
    private static DataFormatException MixedMarkets(IEnumerable<(Market Market, string File)> seen) =>
        new($"a run reads one market, these captures hold {string.Join(" and ", seen.Select(m => $"{m.Market.Name()} ({m.File})"))}; replay them separately.");

    private static void Known(IEnumerable<Symbol> symbols, SymbolCatalog catalog, Market market, string where)
    {
        if (symbols.FirstOrDefault(s => !catalog.TryGet(market, s, out _)) is { Value: not null } unknown)
        {
            throw new DataFormatException($"{where}: symbol {unknown.Value} is not in the symbol catalog ({market.Name()} market); add it with --symbol-file FILE.");
        }
    }

    /// <summary>
    /// Passes a capture stream (already checked for file order) through and refuses a file of another market than
    /// the files before it: one symbol name can mean two instruments.
    /// </summary>
    private sealed class OneMarket(CaptureFileOrder ordered) : PassThroughEventSource(ordered)
    {
        private string _file = string.Empty;
        private Market _market;

        public override bool MoveNext()
        {
            if (!Inner.MoveNext())
            {
                return false;
            }
            if (!string.Equals(ordered.CurrentFile, _file, StringComparison.Ordinal))
            {
                if (_file.Length > 0 && Inner.Market != _market)
                {
                    throw MixedMarkets([(_market, _file), (Inner.Market, ordered.CurrentFile)]);
                }
                _market = Inner.Market;
                _file = ordered.CurrentFile;
            }
            return true;
        }
    }

    /// <summary>Counts the events of a source and their receive-time range as they pass.</summary>
    private sealed class CountingSource(IMarketEventSource source) : PassThroughEventSource(source)
    {
        public long Events { get; private set; }
        public long MinNs { get; private set; } = long.MaxValue;
        public long MaxNs { get; private set; } = long.MinValue;

        public override bool MoveNext()
        {
            if (!Inner.MoveNext())
            {
                return false;
            }
            Events++;
            MinNs = Math.Min(MinNs, Inner.ReceiveTimeNs);
            MaxNs = Math.Max(MaxNs, Inner.ReceiveTimeNs);
            return true;
        }


    }
}
