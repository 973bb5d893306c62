using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Klines;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>The market data of a run: captures (tick mode) or kline series (bar mode), checked up front.</summary>
public sealed record BacktestInputs(IReadOnlyList<string> Captures, IReadOnlyList<KlineSeries> Bars, SymbolCatalog Catalog)
{
    public bool IsTickMode => Captures.Count > 0;

    public string Mode => IsTickMode ? "tick" : "bar";

    public IEnumerable<string> Files => IsTickMode ? Captures : Bars.Select(b => b.File);

    /// <summary>What the input check found: events, symbols, time range, data errors and book gaps.</summary>
    public required DataQuality Quality { get; init; }

    /// <summary>
    /// Exactly one of captures and klines, checked like <c>data inspect</c> checks them (<see cref="InputCheck"/>):
    /// input that cannot be used is a <see cref="DataFormatException"/>; errors inside usable data are counted in
    /// <see cref="Quality"/> for the caller to report (replay) or refuse (eval, unless allowed).
    /// </summary>
    public static BacktestInputs Load(IReadOnlyList<string>? captures, IReadOnlyList<string>? klines, SymbolCatalog catalog)
    {
        var hasCaptures = captures is { Count: > 0 };
        var hasKlines = klines is { Count: > 0 };
        if (hasCaptures == hasKlines)
        {
            throw new OptionsException("give exactly one of --capture <files...> and --klines <files|dir>.");
        }
        if (hasCaptures)
        {
            return new BacktestInputs([.. captures!], [], catalog) { Quality = InputCheck.Captures(captures!, catalog) };
        }
        var (series, quality) = InputCheck.Klines(klines!, catalog);
        return new BacktestInputs([], series, catalog) { Quality = quality };
    }

    /// <summary>First and last timestamp of the data, Unix ns (found by the input check).</summary>
    public (long StartNs, long EndNs) TimeRange() => (Quality.StartNs, Quality.EndNs);

    public ReplayVenue Venue(ReplayVenueOptions options) =>
        IsTickMode ? ReplayVenues.FromCaptures(Captures, Catalog, options) : ReplayVenues.FromBars(Bars, Catalog, options);

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
