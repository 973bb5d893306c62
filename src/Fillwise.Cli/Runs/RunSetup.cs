using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Signals;
using Fillwise.MarketData;

namespace Fillwise.Cli.Runs;

/// <summary>The options replay and eval share: data, symbol file, config file, seed, parent-order source.</summary>
internal sealed class RunSetup
{
    public Option<string[]> Capture { get; } = new("--capture") { Description = "Binance capture files, replayed as one stream per symbol (tick mode).", AllowMultipleArgumentsPerToken = true };
    public Option<string[]> Klines { get; } = new("--klines") { Description = "Kline CSV files or directories (bar mode, coarser).", AllowMultipleArgumentsPerToken = true };
    public Option<string?> CatalogDir { get; } = new("--catalog") { Description = "A market-data catalog (fillwise data convert) to replay instead of capture files (tick mode); with --symbols." };
    public Option<string?> Symbols { get; } = new("--symbols") { Description = "With --catalog: comma-separated symbols to replay." };
    public Option<string?> MarketName { get; } = new("--market") { Description = "With --catalog: the market of the symbols, usdm (default), spot or coinm." };
    public Option<string?> From { get; } = new("--from") { Description = "With --catalog: first receive time, ISO-8601 UTC (e.g. 2024-08-08T00:00:00Z)." };
    public Option<string?> To { get; } = new("--to") { Description = "With --catalog: end of the window (exclusive), ISO-8601 UTC." };
    public Option<string[]> SymbolFile { get; } = new("--symbol-file") { Description = "Symbol filters JSON (same shape as config/symbols.json; later files win over the built-in catalog).", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Config { get; } = new("--config") { Description = "Executor options JSON: any of StartingEquity, HealthEvery, Risk, Sizing, Router, RouterPolicy, MakerOffset, Regime, Kpis, Score, Expectancy, Intel, ... (unknown keys are errors)." };
    public Option<bool> NoAdapt { get; } = new("--no-adapt") { Description = "Keep the options exactly as given (no tick/bar-mode adaptation)." };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of arrivals and the venue's random models.", DefaultValueFactory = _ => 1 };
    public Option<string?> Arrivals { get; } = new("--arrivals") { Description = "Seeded parent orders every EVERY (e.g. 10s; default 10s on captures, 10m on klines); informed:EVERY for parents whose side follows the recent trade flow; mixed:EVERY for each parent informed or not, even odds (a seeded draw per parent)." };
    public Option<decimal> Notional { get; } = new("--notional") { Description = "Notional of each arrival, quote currency (USDT).", DefaultValueFactory = _ => 5000m };

    public IEnumerable<Option> All => [Capture, Klines, CatalogDir, Symbols, MarketName, From, To, SymbolFile, Config, NoAdapt, Seed, Arrivals, Notional];

    public SymbolCatalog Catalog(ParseResult parse) =>
        parse.GetValue(SymbolFile) is { Length: > 0 } files ? SymbolCatalog.WithOverrides(files) : SymbolCatalog.Default;

    /// <param name="preload">Keep the events the input check parses in memory, for commands that replay them many times (eval).</param>
    public BacktestInputs Inputs(ParseResult parse, bool preload = false, bool checkInRun = false) => BacktestInputs.Load(parse.GetValue(Capture), parse.GetValue(Klines), Catalog(parse), Selection(parse), preload, checkInRun);

    private CatalogSelection? Selection(ParseResult parse)
    {
        if (parse.GetValue(CatalogDir) is not { } dir)
        {
            return parse.GetValue(Symbols) is null && parse.GetValue(MarketName) is null && parse.GetValue(From) is null && parse.GetValue(To) is null
                ? null
                : throw new UsageException("--symbols, --market, --from and --to select from a catalog: give --catalog DIR too.");
        }
        var symbols = (parse.GetValue(Symbols) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Fillwise.Core.Symbol.TryParse(s, out var symbol) ? symbol : throw new UsageException($"--symbols: '{s}' is not a symbol.")).Distinct().ToList();
        if (symbols.Count == 0)
        {
            throw new UsageException("--catalog needs --symbols S,... (the catalog's symbols to replay).");
        }
        var market = Market.UsdM;
        if (parse.GetValue(MarketName) is { } name && !Markets.TryParse(name, out market))
        {
            throw new UsageException($"--market: '{name}' is not a market; expected usdm, spot or coinm.");
        }
        var from = Instant(parse.GetValue(From), "--from");
        var to = Instant(parse.GetValue(To), "--to");
        return from is not null && to is not null && to <= from
            ? throw new UsageException("--to must be after --from.")
            : new CatalogSelection(dir, symbols, from, to, market);
    }

    /// <summary>ISO-8601 with a 'T' and a UTC designator or offset only: anything ambiguous is refused.</summary>
    private static DateTimeOffset? Instant(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];
        return DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var when) && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 10)
            ? when
            : throw new UsageException($"{option}: '{text}' is not an ISO-8601 UTC time (expected e.g. 2024-08-08T00:00:00Z).");
    }

    public ExecutorOptions Options(ParseResult parse) => ConfigFile.Load(parse.GetValue(Config));

    /// <summary>
    /// One line per config section that none of the run's policies reads (a section given for nothing is worth
    /// a word, not silence); the mode's own adaptations are announced where they are applied.
    /// </summary>
    public void WarnUnused(ParseResult parse, IReadOnlyCollection<string> policies, bool tickMode, TextWriter stderr)
    {
        if (parse.GetValue(Config) is not { } path)
        {
            return;
        }
        foreach (var (section, readers) in ConfigFile.PolicySections)
        {
            if (ConfigFile.Sections(path).Contains(section) && !readers.Any(policies.Contains))
            {
                stderr.WriteLine($"fillwise: {path}: section {section} is read only by the {string.Join("/", readers)} policy; this run does not use it.");
            }
        }
        if (!tickMode && ConfigFile.Sections(path).Contains("Intel"))
        {
            stderr.WriteLine($"fillwise: {path}: section Intel has no effect in bar mode (no trades to track shadow orders on: intel stays at its cold start, static at the touch).");
        }
    }

    /// <summary>The arrival schedule (uninformed, informed or mixed) and its label for the run identity.</summary>
    /// <param name="seed">The schedule's seed when not --seed's (a leave-one-out evaluation over several seeds).</param>
    public (Func<ISignalSource> Source, string Label) ArrivalSource(ParseResult parse, BacktestInputs inputs, ulong? seed = null)
    {
        var text = parse.GetValue(Arrivals);
        var colon = text?.IndexOf(':') ?? -1;
        var flow = colon < 0 ? "arrivals" : text![..colon].Trim().ToLowerInvariant();
        if (colon >= 0 && flow is not ("informed" or "mixed"))
        {
            throw new UsageException($"--arrivals '{text}': expected EVERY, informed:EVERY or mixed:EVERY (e.g. 2s, informed:2s).");
        }
        if (colon >= 0 && string.IsNullOrWhiteSpace(text![(colon + 1)..]))
        {
            throw new UsageException($"--arrivals '{text}': give how often after the colon (e.g. {flow}:2s).");
        }
        var every = text is null ? (inputs.IsTickMode ? TimeSpan.FromSeconds(10) : TimeSpan.FromMinutes(10)) : Durations.Parse(colon < 0 ? text : text[(colon + 1)..], "--arrivals");
        var options = new ArrivalOptions(every, parse.GetValue(Notional), seed ?? parse.GetValue(Seed));
        Guard(options.Validate);
        var label = string.Create(CultureInfo.InvariantCulture, $"{flow}:{every.TotalMilliseconds}ms:{options.Notional}");
        TimeSpan? window = flow == "arrivals" ? null : TimeSpan.FromSeconds(5);
        return (() => new SeededArrivals(options, window, mixed: flow == "mixed"), label);
    }

    public static string Policy(string text)
    {
        var name = text.Trim().ToLowerInvariant();
        return ExecutionPolicies.IsKnown(name) ? name : throw new UsageException($"unknown policy '{text}': expected one of {string.Join(", ", ExecutionPolicies.Names)}.");
    }

    /// <summary>Turns an options error into a usage error (exit 2, one sentence).</summary>
    public static void Guard(Action validate)
    {
        try
        {
            validate();
        }
        catch (OptionsException e)
        {
            throw new UsageException(e.Message);
        }
    }
}

/// <summary>
/// An executor configuration file: the JSON shape of <see cref="ExecutorOptions"/>, any subset, each value
/// overriding the default in code; unknown or duplicate keys are errors. Validated once, with the file named
/// in every message. <code>{ "MakerOffset": { "NormalBaseBps": 0.5 }, "Router": { "MakerTimeout": "00:00:05" } }</code>
/// </summary>
internal static class ConfigFile
{
    /// <summary>Sections only some policies read, and which.</summary>
    public static readonly IReadOnlyList<(string Section, string[] Readers)> PolicySections =
    [
        ("MakerOffset", ["rules"]),
        ("Intel", ["intel"]),
    ];

    /// <summary>The top-level keys of a config file (already validated by <see cref="Load"/>).</summary>
    public static IReadOnlySet<string> Sections(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    public static ExecutorOptions Load(string? path)
    {
        if (path is null)
        {
            return new ExecutorOptions();
        }
        var text = InputFiles.ReadAllText(path);
        ExecutorOptions options;
        try
        {
            options = OptionsJsonReader.Read(text);
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path}: {JsonErrors.Describe(e, OptionsJsonReader.Strict.GetTypeInfo(typeof(ExecutorOptions)), text)}");
        }
        try
        {
            options.Validate();
        }
        catch (OptionsException e)
        {
            throw new DataFormatException($"{path}: {JsonErrors.AtLine(e.Message, text)}");
        }
        return options;
    }
}

/// <summary>Bad command-line usage: one sentence, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
