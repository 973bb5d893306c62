using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.MarketData;
using Fillwise.MarketData.Klines;
using Fillwise.Venues.Replay;

namespace Fillwise.Cli.Runs;

/// <summary>The market data of a run: captures (tick mode) or kline series (bar mode), checked up front.</summary>
internal sealed record RunInputs(IReadOnlyList<string> Captures, IReadOnlyList<KlineSeries> Bars, SymbolCatalog Catalog)
{
    public bool IsTickMode => Captures.Count > 0;

    public IEnumerable<string> Files => IsTickMode ? Captures : Bars.Select(b => b.File);

    public static RunInputs Load(string[]? captures, string[]? klines, SymbolCatalog catalog)
    {
        var hasCaptures = captures is { Length: > 0 };
        var hasKlines = klines is { Length: > 0 };
        if (hasCaptures == hasKlines)
        {
            throw new UsageException("give exactly one of --capture <files...> and --klines <files|dir>.");
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
            return new RunInputs(captures!, [], catalog);
        }
        var files = KlineFile.Expand(klines!);
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
                throw new DataFormatException($"{s.File}: symbol {s.Symbol?.Value ?? "(unknown)"} is not in the symbol catalog; add it with --symbols.");
            }
        }
        return new RunInputs([], series, catalog);
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
        using var reader = new Fillwise.MarketData.Capture.CaptureReader(Captures);
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
    /// Options adapted to the data's granularity. Tick mode: regimes from 1-minute bars built from trades over a
    /// 2-hour lookback (a capture covers hours, not days). Bar mode: maker timeouts in whole bars (a 10 s
    /// timeout cannot be observed on 1-minute bars), static = 2 bars, intel never below 1 bar.
    /// </summary>
    public ExecutorOptions Adapt(ExecutorOptions options) => IsTickMode
        ? options with { Regime = options.Regime with { LookbackBars = 120 } }
        : options with
        {
            Router = options.Router with { StaticMakerTimeout = TimeSpan.FromMinutes(2), MakerTimeout = Max(options.Router.MakerTimeout, TimeSpan.FromMinutes(2)), MinMakerTimeout = TimeSpan.FromMinutes(1) },
            HealthEvery = TimeSpan.FromMinutes(15),
        };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public static ExecutionPolicy ParsePolicy(string text) => text.Trim().ToLowerInvariant() switch
    {
        "taker" => ExecutionPolicy.Taker,
        "static" => ExecutionPolicy.Static,
        "intel" => ExecutionPolicy.Intel,
        _ => throw new UsageException($"unknown policy '{text}': expected taker, static or intel."),
    };
}

/// <summary>The --capture/--klines pair every data command takes.</summary>
internal sealed class InputOptions
{
    public System.CommandLine.Option<string[]> Capture { get; } = new("--capture") { Description = "Binance capture files, replayed as one stream per symbol (tick mode).", AllowMultipleArgumentsPerToken = true };
    public System.CommandLine.Option<string[]> Klines { get; } = new("--klines") { Description = "Kline CSV files or directories (bar mode, coarser).", AllowMultipleArgumentsPerToken = true };

    public RunInputs Load(System.CommandLine.ParseResult parse) => RunInputs.Load(parse.GetValue(Capture), parse.GetValue(Klines), SymbolCatalog.Default);
}

/// <summary>Bad command-line usage: one sentence, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
