using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Backtest;

/// <summary>
/// A run's identity: SHA-256 over the content of every input file, the order source (a signals file by its
/// content), the policy, the seed, the effective options and the intel prior it starts from, if any. Same identity = the same run, so a crashed attempt
/// can be resumed; anything that changes the result changes the id.
/// </summary>
public static class RunIdentity
{
    public static string Of(BacktestInputs inputs, string policy, ulong seed, string orderSource, ExecutorOptions options, string? priorFingerprint = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add($"mode={inputs.Mode}|policy={policy}|seed={seed}|orders={orderSource}");
        if (inputs.FromCatalog is { } catalog)
        {
            Add(catalog.ToString());
        }
        foreach (var file in inputs.Files)
        {
            Add($"{Path.GetFileName(file)}={FileHash(file)}");
        }
        Add(OptionsText(options));
        if (FiltersText(inputs) is { } filters)
        {
            // Filters overridden by --symbol-file change fills and costs: another run. (Only then, so the ids of runs
            // on the built-in table stay what they were.)
            Add(filters);
        }
        if (priorFingerprint is not null)
        {
            // A run that starts from a learned model is a different run from a cold one.
            Add($"prior={priorFingerprint}");
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>The effective options as the identity hashes them: the JSON the reflection-based serializer writes.</summary>
    public static string OptionsText(ExecutorOptions options) => JsonSerializer.Serialize(options, OptionsJson.Default.ExecutorOptions);

    /// <summary>
    /// The trading filters a symbols file changed (or added) for the data's symbols, or null when the data's symbols
    /// all trade on the built-in table's. Only those: a file that touches no symbol of the data leaves the run what it
    /// was, and a run that checks its own read knows them before reading (<see cref="BacktestInputs.Load"/>).
    /// </summary>
    private static string? FiltersText(BacktestInputs inputs)
    {
        var market = inputs.Quality.Market;
        var changed = inputs.Quality.Symbols.Where(s => Overridden(inputs.Catalog, market, s)).OrderBy(s => s.Value, StringComparer.Ordinal)
            .Select(symbol => inputs.Catalog.TryGet(market, symbol, out var f) ? f : null).ToList();
        if (changed.Count == 0)
        {
            return null;
        }
        return "filters=" + string.Join(';', changed.Select(f => f is null ? "?" : string.Create(CultureInfo.InvariantCulture,
            $"{f.Market.Name()}:{f.Symbol.Value}:{f.TickSize}:{f.StepSize}:{f.MinNotional}:{f.ContractSize}:{f.MakerFeeRate}:{f.TakerFeeRate}")));
    }

    /// <summary>True when the run's filters for a symbol are not the built-in table's (a symbols file changed or added them).</summary>
    internal static bool Overridden(SymbolCatalog catalog, Market market, Symbol symbol) =>
        !(catalog.TryGet(market, symbol, out var f) && SymbolCatalog.Default.TryGet(market, symbol, out var builtIn) && builtIn == f);

    /// <summary>The symbols of a market whose filters a symbols file changed or added.</summary>
    internal static IEnumerable<Symbol> OverriddenSymbols(SymbolCatalog catalog, Market market) =>
        catalog.All.Where(f => f.Market == market && Overridden(catalog, market, f.Symbol)).Select(f => f.Symbol);

    /// <summary>SHA-256 of a file's bytes, hex.</summary>
    public static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>
/// The options as JSON, generated at compile time: the same text as the reflection-based serializer, without the
/// ~0.1 s it spent building its metadata on the first call of every process. `--config` files are read with it
/// too (with their own strictness options), since a native build has no reflection serializer.
/// </summary>
[JsonSerializable(typeof(ExecutorOptions))]
public sealed partial class OptionsJson : JsonSerializerContext;
