using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Klines;

namespace Fillwise.Venues.Replay;

/// <summary>Builds replay venues over recorded data.</summary>
public static class ReplayVenues
{
    /// <summary>
    /// Tick mode over Binance capture files. Files are grouped by the symbol in their name (one reader per
    /// symbol, read in the order given) and the groups are merged by receive time.
    /// </summary>
    public static ReplayVenue FromCaptures(IReadOnlyList<string> paths, SymbolCatalog? catalog = null, ReplayVenueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("At least one capture file is needed.", nameof(paths));
        }
        return FromSources([.. CaptureStreams(paths)], catalog, options);
    }

    /// <summary>The capture files as the tick market reads them: one reader per symbol named in the file names (files in the order given), symbols sorted.</summary>
    public static IEnumerable<IMarketEventSource> CaptureStreams(IReadOnlyList<string> paths) =>
        CaptureGroups(paths).Select(g => new CaptureReader(g));

    /// <summary>The capture files grouped as the tick market reads them: one group per symbol named in the file names (files in the order given), groups sorted.</summary>
    public static IEnumerable<IReadOnlyList<string>> CaptureGroups(IReadOnlyList<string> paths) => paths
        .GroupBy(p => InputFiles.SymbolFromFileName(p)?.Value ?? string.Empty, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => (IReadOnlyList<string>)[.. g]);

    /// <summary>Tick mode over event sources merged by receive time (captures, a catalog, or events recorded once in memory).</summary>
    public static ReplayVenue FromSources(IReadOnlyList<IMarketEventSource> sources, SymbolCatalog? catalog = null, ReplayVenueOptions? options = null)
    {
        options ??= new ReplayVenueOptions();
        return new ReplayVenue(new TickMarket(new TickFeed(sources), drivesFeed: true, options.QueueModel, options.Seed), catalog ?? SymbolCatalog.Default, options);
    }

    /// <summary>
    /// One venue per options over the same event sources, stepped in lockstep by the group, which reads the data and
    /// builds the book once for all of them (<see cref="ReplayVenueGroup"/>).
    /// </summary>
    public static ReplayVenueGroup Lockstep(IReadOnlyList<IMarketEventSource> sources, IReadOnlyList<ReplayVenueOptions> options, SymbolCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var o in options)
        {
            o.Validate();
        }
        var feed = new TickFeed(sources);
        return new ReplayVenueGroup(feed, [.. options.Select(o => new ReplayVenue(new TickMarket(feed, drivesFeed: false, o.QueueModel, o.Seed), catalog ?? SymbolCatalog.Default, o))]);
    }

    /// <summary>Bar mode over loaded kline series (coarser: a bar is known at its close; see <c>BarMarket</c>).</summary>
    public static ReplayVenue FromBars(IReadOnlyList<KlineSeries> series, SymbolCatalog? catalog = null, ReplayVenueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
        {
            throw new ArgumentException("At least one kline series is needed.", nameof(series));
        }
        options ??= new ReplayVenueOptions();
        catalog ??= SymbolCatalog.Default;
        foreach (var s in series)
        {
            if (s.Symbol is not { } symbol || !catalog.TryGet(symbol, out _))
            {
                throw new ArgumentException($"{s.File}: symbol {s.Symbol?.Value ?? "(none)"} is not in the symbol catalog; add it with a symbols file.");
            }
        }
        return new ReplayVenue(new BarMarket(series, catalog, options.Bars), catalog, options);
    }
}
