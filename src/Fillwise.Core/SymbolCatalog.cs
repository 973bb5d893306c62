using System.Collections.Frozen;
using System.Text.Json;

namespace Fillwise.Core;

/// <summary>
/// Trading filters by symbol. The built-in table (config/symbols.json, embedded) holds Binance USDⓈ-M
/// values; users extend or override it with files of the same shape.
/// </summary>
public sealed class SymbolCatalog
{
    private readonly FrozenDictionary<Symbol, SymbolFilters> _filters;

    private SymbolCatalog(FrozenDictionary<Symbol, SymbolFilters> filters) => _filters = filters;

    public IReadOnlyCollection<Symbol> Symbols => _filters.Keys;

    public bool TryGet(Symbol symbol, out SymbolFilters filters) => _filters.TryGetValue(symbol, out filters!);

    public SymbolFilters Get(Symbol symbol) =>
        _filters.TryGetValue(symbol, out var filters)
            ? filters
            : throw new KeyNotFoundException($"No trading filters for {symbol}: add it to a symbols file (see README, 'Configuration').");

    /// <summary>The built-in table.</summary>
    public static SymbolCatalog Default { get; } = LoadBuiltIn();

    /// <summary>The built-in table overlaid, in order, by each file (later entries win).</summary>
    public static SymbolCatalog WithOverrides(IEnumerable<string> paths)
    {
        var merged = Default._filters.ToDictionary();
        foreach (var path in paths)
        {
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidDataException($"{path}: cannot read the symbols file ({e.Message}).", e);
            }
            foreach (var filters in Parse(json, path))
            {
                merged[filters.Symbol] = filters;
            }
        }
        return new SymbolCatalog(merged.ToFrozenDictionary());
    }

    private static SymbolCatalog LoadBuiltIn()
    {
        using var stream = typeof(SymbolCatalog).Assembly.GetManifestResourceStream("Fillwise.Core.symbols.json")
            ?? throw new InvalidOperationException("The built-in symbols table is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return new SymbolCatalog(Parse(reader.ReadToEnd(), "built-in symbols.json").ToFrozenDictionary(f => f.Symbol));
    }

    /// <summary>
    /// Shape: <c>{"symbols": [{"symbol": "BTCUSDT", "tickSize": "0.10", "stepSize": "0.001", "minNotional": "100"}]}</c>.
    /// Numbers may be JSON strings (as Binance prints them) or JSON numbers.
    /// </summary>
    public static IReadOnlyList<SymbolFilters> Parse(string json, string source)
    {
        var result = new List<SymbolFilters>();
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!document.RootElement.TryGetProperty("symbols", out var symbols) || symbols.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{source}: expected an object with a \"symbols\" array.");
            }
            var index = 0;
            foreach (var entry in symbols.EnumerateArray())
            {
                var where = $"{source}: symbols[{index++}]";
                var name = entry.TryGetProperty("symbol", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (!Symbol.IsValid(name))
                {
                    throw new InvalidDataException($"{where}: \"symbol\" must be upper-case letters/digits, got '{name}'.");
                }
                var symbol = new Symbol(name!);
                try
                {
                    result.Add(new SymbolFilters(symbol, ReadDecimal(entry, "tickSize", where), ReadDecimal(entry, "stepSize", where), ReadDecimal(entry, "minNotional", where)));
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new InvalidDataException($"{where}: {e.Message}", e);
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        return result;
    }

    private static decimal ReadDecimal(JsonElement entry, string property, string where)
    {
        if (entry.TryGetProperty(property, out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
            {
                return number;
            }
            if (value.ValueKind == JsonValueKind.String
                && decimal.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }
        }
        throw new InvalidDataException($"{where}: \"{property}\" must be a decimal number.");
    }
}
