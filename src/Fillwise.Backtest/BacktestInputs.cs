using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Klines;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>The market data of a run: captures (tick mode) or kline series (bar mode), checked up front.</summary>
public sealed record BacktestInputs(IReadOnlyList<string> Captures, IReadOnlyList<KlineSeries> Bars, SymbolCatalog Catalog)
{
    public bool IsTickMode => Captures.Count > 0;

    public string Mode => IsTickMode ? "tick" : "bar";

    public IEnumerable<string> Files => IsTickMode ? Captures : Bars.Select(b => b.File);

    /// <summary>Exactly one of captures and klines; a file that is missing or unusable is a <see cref="DataFormatException"/>.</summary>
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
            foreach (var path in captures!)
            {
                if (!File.Exists(path))
                {
                    throw new DataFormatException($"{path}: file not found.");
                }
            }
            return new BacktestInputs([.. captures!], [], catalog);
        }
        var files = KlineFile.Expand([.. klines!]);
        if (files.Count == 0)
        {
            throw new DataFormatException($"{string.Join(", ", klines!)}: no .csv or .csv.gz kline files found.");
        }
        var series = files.Select(f => KlineFile.Load(f)).ToList();
        foreach (var s in series)
        {
            if (s.Errors.Count > 0)
            {
                throw new DataFormatException($"{s.Errors[0].File}:{s.Errors[0].Line}: {s.Errors[0].Message} (fix the file or leave it out; {s.Errors.Count} bad row(s)).");
            }
            if (s.Symbol is not { } symbol || !catalog.TryGet(symbol, out _))
            {
                throw new DataFormatException($"{s.File}: symbol {s.Symbol?.Value ?? "(unknown)"} is not in the symbol catalog; add it with --symbol-file FILE.");
            }
        }
        return new BacktestInputs([], series, catalog);
    }

    /// <summary>First and last timestamp of the data, Unix ns (captures are scanned once).</summary>
    public (long StartNs, long EndNs) TimeRange()
    {
        if (!IsTickMode)
        {
            return (Bars.Where(b => b.Bars.Count > 0).Min(b => b.Bars[0].OpenTimeMs) * 1_000_000,
                Bars.Where(b => b.Bars.Count > 0).Max(b => b.Bars[^1].OpenTimeMs + b.IntervalMs) * 1_000_000);
        }
        long start = long.MaxValue, end = long.MinValue;
        using var reader = new CaptureReader(Captures);
        while (reader.MoveNext())
        {
            start = Math.Min(start, reader.ReceiveTimeNs);
            end = Math.Max(end, reader.ReceiveTimeNs);
        }
        return start <= end ? (start, end) : throw new DataFormatException($"{Captures[0]}: no market events in the capture.");
    }

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
