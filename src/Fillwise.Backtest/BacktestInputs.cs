using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Klines;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>Symbols of one market of a market-data catalog (<c>fillwise data convert</c>) in an optional receive-time window [From, To).</summary>
public sealed record CatalogSelection(string Directory, IReadOnlyList<Symbol> Symbols, DateTimeOffset? From = null, DateTimeOffset? To = null, Market Market = Market.UsdM)
{
    public string Manifest => Path.Combine(Directory, Fillwise.MarketData.Catalog.CatalogFormat.ManifestName);

    public override string ToString() =>
        $"catalog {Directory} {(Market == Market.UsdM ? "" : $"market={Market.Name()} ")}symbols={string.Join(",", Symbols.Select(s => s.Value))} from={From:O} to={To:O}";

    public Fillwise.MarketData.Catalog.CatalogReader Open() => new(Directory, Symbols, From, To, Market);
}

/// <summary>The market data of a run: captures or a catalog selection (tick mode) or kline series (bar mode, described by the check and streamed by the venue), checked up front.</summary>
public sealed record BacktestInputs(IReadOnlyList<string> Captures, IReadOnlyList<KlineSeries> Bars, SymbolCatalog Catalog)
{
    /// <summary>The catalog selection when the run reads a catalog instead of capture files.</summary>
    public CatalogSelection? FromCatalog { get; init; }

    public bool IsTickMode => Captures.Count > 0 || FromCatalog is not null;

    public string Mode => IsTickMode ? "tick" : "bar";

    /// <summary>The files the run reads (a catalog: its manifest, which names every source with its SHA-256).</summary>
    public IEnumerable<string> Files => FromCatalog is { } c ? [c.Manifest] : IsTickMode ? Captures : Bars.Select(b => b.File);

    /// <summary>What the input check found: events, symbols, time range, data errors and book gaps.</summary>
    public required DataQuality Quality { get; init; }

    /// <summary>
    /// Exactly one of captures and klines, checked like <c>data inspect</c> checks them (<see cref="InputCheck"/>):
    /// input that cannot be used is a <see cref="DataFormatException"/>; errors inside usable data are counted in
    /// <see cref="Quality"/> for the caller to report (replay) or refuse (eval, unless allowed).
    /// </summary>
    /// <param name="preload">Keep the tick events the check reads in memory (<see cref="Recorded"/>): for a command that replays them many times (eval).</param>
    /// <param name="checkInRun">
    /// Tick mode: check the data on the run's own read of it instead of a pass before (<see cref="CheckedInRun"/>), so a
    /// single run reads the data once. Only for a run that needs nothing from the data before it starts (seeded
    /// arrivals do; a signals file, checked against the data's time range and symbols, does not).
    /// </param>
    public static BacktestInputs Load(IReadOnlyList<string>? captures, IReadOnlyList<string>? klines, SymbolCatalog catalog, CatalogSelection? fromCatalog = null, bool preload = false, bool checkInRun = false)
    {
        var recorded = preload ? new List<RecordedEvents>() : null;
        var hasCaptures = captures is { Count: > 0 };
        var hasKlines = klines is { Count: > 0 };
        if ((hasCaptures ? 1 : 0) + (hasKlines ? 1 : 0) + (fromCatalog is null ? 0 : 1) != 1)
        {
            throw new OptionsException("give exactly one of --capture <files...>, --klines <files|dir> and --catalog DIR --symbols S,...");
        }
        if (checkInRun && !preload && (hasCaptures || fromCatalog is not null))
        {
            var before = InputCheck.BeforeReading(captures ?? [], fromCatalog, catalog);
            // The run's identity holds the filters a symbols file changes for the data's symbols: known before reading
            // only when no symbol beyond those seen so far has changed filters. Otherwise the data is checked first.
            if (!RunIdentity.OverriddenSymbols(catalog, before.Market).Except(before.Symbols).Any())
            {
                return new BacktestInputs(captures ?? [], [], catalog.Preferring(before.Market)) { FromCatalog = fromCatalog, Quality = before, CheckedInRun = true };
            }
        }
        if (fromCatalog is not null)
        {
            return new BacktestInputs([], [], catalog.Preferring(fromCatalog.Market)) { FromCatalog = fromCatalog, Quality = InputCheck.Catalog(fromCatalog, catalog, recorded), Recorded = recorded };
        }
        if (hasCaptures)
        {
            var quality = InputCheck.Captures(captures!, catalog, recorded);
            return new BacktestInputs([.. captures!], [], catalog.Preferring(quality.Market)) { Quality = quality, Recorded = recorded };
        }
        var (series, bars) = InputCheck.Klines(klines!, catalog);
        return new BacktestInputs([], series, catalog) { Quality = bars };
    }

    /// <summary>
    /// The data is checked by the run that reads it (<see cref="BacktestEngine.Run"/>), not before: <see cref="Quality"/>
    /// holds only what is known before reading (the market, the symbols of the files' first events or the selection's); the run's result carries the
    /// check (<see cref="BacktestResult.Quality"/>), and unusable data is refused by the run, which stores nothing.
    /// </summary>
    public bool CheckedInRun { get; init; }

    /// <summary>First and last timestamp of the data, Unix ns (found by the input check).</summary>
    public (long StartNs, long EndNs) TimeRange() => CheckedInRun
        ? throw new InvalidOperationException("The data's time range is known after the run that checks it.")
        : (Quality.StartNs, Quality.EndNs);

    /// <summary>A run's streams with the input check on the way (<see cref="CheckedInRun"/>).</summary>
    internal CheckedStreams OpenChecked() => FromCatalog is { } c ? CheckedStreams.Catalog(c, Catalog) : CheckedStreams.Captures(Captures, Catalog, Quality.Market);

    /// <summary>Tick-mode events parsed once and kept in memory (<see cref="Preloaded"/>); every run reads its own cursor.</summary>
    public IReadOnlyList<RecordedEvents>? Recorded { get; init; }

    /// <summary>The same inputs with their tick-mode events parsed once into memory, for many runs (evaluation); bars are streamed from their files by every run.</summary>
    public BacktestInputs Preloaded() => !IsTickMode || Recorded is not null ? this : this with
    {
        Recorded = [.. (FromCatalog is { } c
            ? [c.Open()]
            : ReplayVenues.CaptureStreams(Captures)).Select(RecordedEvents.Record)],
    };

    public ReplayVenue Venue(ReplayVenueOptions options) =>
        IsTickMode ? ReplayVenues.FromSources(TickSources(), Catalog, options) : ReplayVenues.FromBars(Bars, Catalog, options);

    /// <summary>Tick mode: one venue per options over one read of the events, stepped in lockstep (<see cref="ReplayVenueGroup"/>).</summary>
    public ReplayVenueGroup VenueGroup(IReadOnlyList<ReplayVenueOptions> options) => ReplayVenues.Lockstep(TickSources(), options, Catalog);

    /// <summary>
    /// The tick-mode event sources as the replay venue reads them, opened anew (the recorded events, the catalog
    /// selection, or one capture reader per symbol), for a caller that wraps them before building the venue.
    /// </summary>
    public IReadOnlyList<IMarketEventSource> TickSources() =>
        Recorded is { } recorded ? [.. recorded.Select(r => r.Open())]
        : FromCatalog is { } c ? [c.Open()]
        : IsTickMode ? [.. ReplayVenues.CaptureStreams(Captures)]
        : throw new InvalidOperationException("Bar-mode inputs have no tick events.");

    /// <summary>
    /// Options adapted to the data's granularity, with one line per change (printed and stored with the run;
    /// <c>adapt: false</c> keeps the options as given). Tick mode: regimes from 1-minute bars built from trades
    /// over a 2-hour lookback (a capture covers hours, not days). Bar mode: maker timeouts in whole bars (a 10 s
    /// timeout cannot be observed on 1-minute bars): static 2 bars, rules never below 1 bar; health every 15 min.
    /// </summary>
    public (ExecutorOptions Options, IReadOnlyList<string> Changes) Adapt(ExecutorOptions options, bool adapt = true)
    {
        if (!adapt)
        {
            return (options, []);
        }
        if (IsTickMode)
        {
            return (options with { Regime = options.Regime with { LookbackBars = 120 } }, [$"Regime.LookbackBars {options.Regime.LookbackBars} -> 120 (tick mode: captures cover hours)"]);
        }
        var two = TimeSpan.FromMinutes(2);
        var router = options.Router with { StaticMakerTimeout = two, MakerTimeout = options.Router.MakerTimeout > two ? options.Router.MakerTimeout : two, MinMakerTimeout = TimeSpan.FromMinutes(1) };
        return (options with { Router = router, HealthEvery = TimeSpan.FromMinutes(15) },
        [
            $"Router.StaticMakerTimeout {options.Router.StaticMakerTimeout} -> {router.StaticMakerTimeout} (bar mode: whole bars)",
            $"Router.MakerTimeout {options.Router.MakerTimeout} -> {router.MakerTimeout}, MinMakerTimeout {options.Router.MinMakerTimeout} -> {router.MinMakerTimeout}",
            $"HealthEvery {options.HealthEvery} -> {TimeSpan.FromMinutes(15)}",
        ]);
    }
}
