using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Capture;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>
/// Tick data as the streams a replay reads, with the input check made on the way: capture files grouped as the
/// replay venue groups them (one stream per symbol the file names name, streams sorted), each stream refusing files
/// out of time order and symbols the catalog does not know, and counted. What can be known without reading the data
/// (the files exist, are captures, are each given once, are of one market) is checked when the streams are opened.
/// The same streams serve the check before a run (<see cref="InputCheck"/> reads them with the book checks of
/// <c>data inspect</c>) and a run that checks its own read of the data (the replay venue reads them; its books give
/// the gaps): one set of rules whichever read makes them, so both give the same <see cref="DataQuality"/> (when each
/// symbol's files are named after it: the venue keeps one book per symbol, the check before one per stream).
/// </summary>
internal sealed class CheckedStreams : IDisposable
{
    private readonly IReadOnlyList<string> _paths;
    private readonly CaptureReader[] _readers;
    private readonly CheckedCapture[] _captures;
    private readonly CountingSource? _catalogSource;
    private readonly CatalogSelection? _selection;

    private CheckedStreams(IReadOnlyList<string> paths, SymbolCatalog catalog, Market market)
    {
        _paths = paths;
        Market = market;
        _readers = [.. ReplayVenues.CaptureGroups(paths).Select(g => new CaptureReader(g))];
        _captures = [.. _readers.Select(r => new CheckedCapture(r, catalog, market))];
        Sources = _captures;
    }

    private CheckedStreams(CatalogSelection selection)
    {
        _paths = [];
        _readers = [];
        _captures = [];
        _selection = selection;
        Market = selection.Market;
        _catalogSource = new CountingSource(selection.Open());
        Sources = [_catalogSource];
    }

    /// <summary>The market of every file (each file's head says; a run reads one market).</summary>
    public Market Market { get; }

    /// <summary>The streams, in the order the replay venue takes them. The readers under them are disposed with this object (disposing a stream itself releases nothing).</summary>
    public IReadOnlyList<IMarketEventSource> Sources { get; }

    /// <summary>Capture files, after the checks that need no reading of the data (made already when their <paramref name="market"/> is given).</summary>
    public static CheckedStreams Captures(IReadOnlyList<string> paths, SymbolCatalog catalog, Market? market = null) =>
        new(paths, catalog, market ?? Heads(paths).Market);

    /// <summary>A catalog selection (the catalog refused overlapping or unclean writes when it was made; its symbols are named up front).</summary>
    public static CheckedStreams Catalog(CatalogSelection selection, SymbolCatalog catalog)
    {
        CheckSelection(selection, catalog);
        return new CheckedStreams(selection);
    }

    /// <summary>A catalog selection names its symbols, and the catalog knows them.</summary>
    public static void CheckSelection(CatalogSelection selection, SymbolCatalog catalog)
    {
        if (selection.Symbols.Count == 0)
        {
            throw new OptionsException("--catalog needs --symbols S,... (the catalog's symbols to replay).");
        }
        Known(selection.Symbols, catalog, selection.Market, selection.Directory);
    }

    /// <summary>
    /// The files' market and the symbols of their first events, after refusing files that are not captures or are
    /// given twice: for a run that must know them before the data is read. A file without a single event (only bad
    /// lines, or only event types a replay skips) has no say in the market, as it has no book.
    /// </summary>
    public static (Market Market, IReadOnlySet<Symbol> FirstSymbols) Heads(IReadOnlyList<string> paths)
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
        var markets = new SortedDictionary<Market, string>();
        var symbols = new HashSet<Symbol>();
        foreach (var path in paths)
        {
            if (CaptureReader.Head(path) is (var market, { } first))
            {
                markets.TryAdd(market, path);
                symbols.Add(first);
            }
        }
        if (markets.Count > 1)
        {
            // One symbol name can mean two instruments (ETHUSDT spot and perpetual): a run trades one market.
            throw new DataFormatException($"a run reads one market, these captures hold {string.Join(" and ", markets.Select(m => $"{m.Key.Name()} ({m.Value})"))}; replay them separately.");
        }
        return (markets.Count == 1 ? markets.Keys.First() : Market.UsdM, symbols);
    }

    /// <summary>
    /// What the reading found, once the streams are read to their end, with the gaps and sync state of the books
    /// built from them. Refuses data without a single market event (nothing to replay).
    /// </summary>
    public DataQuality Finish(IEnumerable<(Symbol Symbol, long Gaps, bool Synced)> books)
    {
        var list = books.ToList();
        var gaps = list.Sum(b => b.Gaps);
        var notSynced = list.Where(b => !b.Synced).Select(b => b.Symbol).OrderBy(s => s.Value, StringComparer.Ordinal).ToList();
        var symbols = list.Select(b => b.Symbol).ToHashSet();
        if (_catalogSource is { } counted)
        {
            if (counted.Events == 0)
            {
                throw new DataFormatException($"{_selection!.Directory}: no {Market.Name()} market events for {string.Join(", ", _selection.Symbols.Select(s => s.Value))} in the requested time range; nothing to replay.");
            }
            return new DataQuality(counted.Events, 0, gaps, [], symbols, counted.MinNs, counted.MaxNs, Market) { NotSynced = notSynced };
        }
        var events = _readers.Sum(r => r.Stats.Events);
        var errors = _readers.Sum(r => r.Stats.ErrorCount);
        var issues = _readers.SelectMany(r => r.Stats.Errors).ToList();
        if (events == 0)
        {
            var first = issues.FirstOrDefault();
            throw new DataFormatException($"{string.Join(", ", _paths)}: no market events{(first is null ? "" : $" ({errors:N0} bad line(s), first {first})")}; nothing to replay.");
        }
        var read = _captures.Where(c => c.MaxNs >= c.MinNs).ToList();
        return new DataQuality(events, errors, gaps, issues.Take(10).ToList(), symbols, read.Min(c => c.MinNs), read.Max(c => c.MaxNs), Market) { NotSynced = notSynced };
    }

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
        _catalogSource?.Source.Dispose();
    }

    internal static void Exists(string path)
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

    private static void Known(IEnumerable<Symbol> symbols, SymbolCatalog catalog, Market market, string where)
    {
        if (symbols.FirstOrDefault(s => !catalog.TryGet(market, s, out _)) is { Value: not null } unknown)
        {
            throw new DataFormatException($"{where}: symbol {unknown.Value} is not in the symbol catalog ({market.Name()} market); add it with --symbol-file FILE.");
        }
    }

    /// <summary>One capture stream: files in time order (<see cref="CaptureFileOrder"/>), each symbol known to the catalog when it first appears.</summary>
    private sealed class CheckedCapture(CaptureReader reader, SymbolCatalog catalog, Market market) : PassThroughEventSource(new CaptureFileOrder(reader))
    {
        private readonly HashSet<Symbol> _known = [];
        private Symbol _last;

        public long MinNs => ((CaptureFileOrder)Inner).MinNs;
        public long MaxNs => ((CaptureFileOrder)Inner).MaxNs;

        public override bool MoveNext()
        {
            if (!Inner.MoveNext())
            {
                return false;
            }
            // Consecutive events are mostly of one symbol: one comparison per event.
            if (Inner.Symbol != _last)
            {
                _last = Inner.Symbol;
                if (_known.Add(_last))
                {
                    Known([_last], catalog, market, reader.CurrentFile);
                }
            }
            return true;
        }
    }

    /// <summary>Counts the events of a source and their receive-time range as they pass.</summary>
    private sealed class CountingSource(IMarketEventSource source) : PassThroughEventSource(source)
    {
        public IMarketEventSource Source => Inner;
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
