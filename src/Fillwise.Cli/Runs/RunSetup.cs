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
    public Option<string[]> SymbolFile { get; } = new("--symbol-file") { Description = "Symbol filters JSON (same shape as config/symbols.json; later files win over the built-in catalog).", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Config { get; } = new("--config") { Description = "Executor options JSON: any of StartingEquity, HealthEvery, Risk, Sizing, Router, RouterPolicy, MakerOffset, Regime, Kpis, Score, Expectancy, Intel, ... (unknown keys are errors)." };
    public Option<bool> NoAdapt { get; } = new("--no-adapt") { Description = "Keep the options exactly as given (no tick/bar-mode adaptation)." };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of arrivals and the venue's random models.", DefaultValueFactory = _ => 1 };
    public Option<string?> Arrivals { get; } = new("--arrivals") { Description = "Seeded parent orders every EVERY (e.g. 10s; default 10s on captures, 10m on klines); informed:EVERY for parents whose side follows the recent trade flow." };
    public Option<decimal> Notional { get; } = new("--notional") { Description = "Notional of each arrival, quote currency (USDT).", DefaultValueFactory = _ => 5000m };

    public IEnumerable<Option> All => [Capture, Klines, SymbolFile, Config, NoAdapt, Seed, Arrivals, Notional];

    public SymbolCatalog Catalog(ParseResult parse) =>
        parse.GetValue(SymbolFile) is { Length: > 0 } files ? SymbolCatalog.WithOverrides(files) : SymbolCatalog.Default;

    public BacktestInputs Inputs(ParseResult parse) => BacktestInputs.Load(parse.GetValue(Capture), parse.GetValue(Klines), Catalog(parse));

    public ExecutorOptions Options(ParseResult parse) => ConfigFile.Load(parse.GetValue(Config));

    /// <summary>The arrival schedule (uninformed or informed) and its label for the run identity.</summary>
    public (Func<ISignalSource> Source, string Label) ArrivalSource(ParseResult parse, BacktestInputs inputs)
    {
        var text = parse.GetValue(Arrivals);
        var informed = text?.StartsWith("informed:", StringComparison.OrdinalIgnoreCase) == true;
        var every = text is null ? (inputs.IsTickMode ? TimeSpan.FromSeconds(10) : TimeSpan.FromMinutes(10)) : Durations.Parse(informed ? text[9..] : text, "--arrivals");
        var options = new ArrivalOptions(every, parse.GetValue(Notional), parse.GetValue(Seed));
        Guard(options.Validate);
        var label = string.Create(CultureInfo.InvariantCulture, $"{(informed ? "informed" : "arrivals")}:{every.TotalMilliseconds}ms:{options.Notional}");
        TimeSpan? window = informed ? TimeSpan.FromSeconds(5) : null;
        return (() => new SeededArrivals(options, window), label);
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
    private static readonly JsonSerializerOptions Json = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    public static ExecutorOptions Load(string? path)
    {
        if (path is null)
        {
            return new ExecutorOptions();
        }
        if (!File.Exists(path))
        {
            throw new DataFormatException($"{path}: file not found.");
        }
        ExecutorOptions options;
        try
        {
            options = JsonSerializer.Deserialize<ExecutorOptions>(File.ReadAllText(path), Json) ?? throw new JsonException("empty document (expected a JSON object)");
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path}: {e.Message}");
        }
        try
        {
            options.Validate();
        }
        catch (OptionsException e)
        {
            throw new DataFormatException($"{path}: {e.Message}");
        }
        return options;
    }
}

/// <summary>Bad command-line usage: one sentence, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
