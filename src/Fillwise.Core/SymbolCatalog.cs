using System.Text.Json;

namespace Fillwise.Core;

/// <summary>
/// Trading filters by market and symbol. The built-in table (config/symbols.json, embedded) holds Binance
/// USDⓈ-M, spot and COIN-M values; users extend or override it with files of the same shape. Lookups by
/// symbol alone mean USDⓈ-M when the name exists there (the executor's market), else the one market that has it.
/// </summary>
public sealed class SymbolCatalog
{
    // Plain dictionaries filled by loops: the table is small and built once or twice per process, and frozen
    // dictionaries and LINQ over these struct keys had ~50 generic methods compiled on every start (~40 ms of a
    // replay's start-up, with tiered compilation off).
    private readonly Dictionary<(Market, Symbol), SymbolFilters> _byMarket = [];
    private readonly Dictionary<Symbol, SymbolFilters> _filters = [];

    private SymbolCatalog(IEnumerable<SymbolFilters> filters, Market preferred = Market.UsdM)
    {
        foreach (var f in filters)
        {
            _byMarket.Add((f.Market, f.Symbol), f);
        }
        int Rank(SymbolFilters f) => f.Market == preferred ? -1 : (int)f.Market;
        foreach (var f in _byMarket.Values)
        {
            if (!_filters.TryGetValue(f.Symbol, out var chosen) || Rank(f) < Rank(chosen))
            {
                _filters[f.Symbol] = f;
            }
        }
        Preferred = preferred;
    }

    /// <summary>The market a lookup by symbol alone resolves to first.</summary>
    public Market Preferred { get; }

    /// <summary>
    /// The same filters with lookups by symbol alone resolving to <paramref name="market"/> first: the catalog of a
    /// run over one market's data (a spot ETHUSDT run must see spot filters and fees, not the perpetual's).
    /// </summary>
    public SymbolCatalog Preferring(Market market) => market == Preferred ? this : new SymbolCatalog(_byMarket.Values, market);

    public IReadOnlyCollection<Symbol> Symbols => _filters.Keys;

    public IReadOnlyCollection<SymbolFilters> All => _byMarket.Values;

    public bool TryGet(Symbol symbol, out SymbolFilters filters) => _filters.TryGetValue(symbol, out filters!);

    public bool TryGet(Market market, Symbol symbol, out SymbolFilters filters) => _byMarket.TryGetValue((market, symbol), out filters!);

    public SymbolFilters Get(Symbol symbol) =>
        _filters.TryGetValue(symbol, out var filters)
            ? filters
            : throw new KeyNotFoundException($"No trading filters for {symbol}: add it to a symbols file (see README, 'Configuration').");

    /// <summary>The keys an entry may have (declared before <see cref="Default"/>, whose loading reads them).</summary>
    private static readonly string[] EntryKeys = ["symbol", "market", "tickSize", "stepSize", "minNotional", "contractSize", "makerFee", "takerFee"];

    /// <summary>The built-in table.</summary>
    public static SymbolCatalog Default { get; } = LoadBuiltIn();

    /// <summary>The built-in table overlaid, in order, by each file (later entries win).</summary>
    public static SymbolCatalog WithOverrides(IEnumerable<string> paths)
    {
        var merged = new Dictionary<(Market, Symbol), SymbolFilters>(Default._byMarket);
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
                merged[(filters.Market, filters.Symbol)] = filters;
            }
        }
        return new SymbolCatalog(merged.Values);
    }

    /// <summary>The built-in table overlaid by <paramref name="filters"/> (e.g. a live venue's exchangeInfo: the exchange's own filters win).</summary>
    public static SymbolCatalog WithFilters(IEnumerable<SymbolFilters> filters)
    {
        var merged = new Dictionary<(Market, Symbol), SymbolFilters>(Default._byMarket);
        foreach (var f in filters)
        {
            merged[(f.Market, f.Symbol)] = f;
        }
        return new SymbolCatalog(merged.Values);
    }

    private static SymbolCatalog LoadBuiltIn()
    {
        using var stream = typeof(SymbolCatalog).Assembly.GetManifestResourceStream("Fillwise.Core.symbols.json")
            ?? throw new InvalidOperationException("The built-in symbols table is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return new SymbolCatalog(Parse(reader.ReadToEnd(), "built-in symbols.json"));
    }

    /// <summary>
    /// Shape: <c>{"symbols": [{"symbol": "BTCUSDT", "tickSize": "0.10", "stepSize": "0.001", "minNotional": "100"}]}</c>,
    /// optionally with <c>"market": "usdm" | "spot" | "coinm"</c> (default usdm) and, for coinm, the required
    /// <c>"contractSize"</c> in USD. Numbers may be JSON strings (as Binance prints them) or JSON numbers.
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
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{where}: expected an object like {{\"symbol\": \"BTCUSDT\", \"tickSize\": \"0.10\", \"stepSize\": \"0.001\", \"minNotional\": \"100\"}}.");
                }
                var name = entry.TryGetProperty("symbol", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (!Symbol.IsValid(name))
                {
                    throw new InvalidDataException($"{where}: \"symbol\" must be upper-case letters/digits, got '{name}'.");
                }
                var symbol = new Symbol(name!);
                foreach (var property in entry.EnumerateObject())
                {
                    // A misspelt key ("tickSise", "makerfee") would otherwise leave a filter or fee silently at its default.
                    if (Array.IndexOf(EntryKeys, property.Name) < 0)
                    {
                        throw new InvalidDataException($"{where}: unknown key \"{property.Name}\" (expected {string.Join(", ", EntryKeys.Select(k => $"\"{k}\""))}).");
                    }
                }
                try
                {
                    var market = Market.UsdM;
                    if (entry.TryGetProperty("market", out var m)
                        && (m.ValueKind != JsonValueKind.String || !Markets.TryParse(m.GetString(), out market)))
                    {
                        throw new InvalidDataException($"{where}: \"market\" must be \"usdm\", \"spot\" or \"coinm\".");
                    }
                    var contractSize = 0m;
                    if (market == Market.CoinM && ((contractSize = ReadDecimal(entry, "contractSize", where)) <= 0))
                    {
                        throw new InvalidDataException($"{where}: \"contractSize\" must be positive.");
                    }
                    result.Add(new SymbolFilters(symbol, ReadDecimal(entry, "tickSize", where), ReadDecimal(entry, "stepSize", where), ReadDecimal(entry, "minNotional", where))
                    {
                        Market = market,
                        ContractSize = contractSize,
                        MakerFeeRate = entry.TryGetProperty("makerFee", out _) ? ReadDecimal(entry, "makerFee", where) : null,
                        TakerFeeRate = entry.TryGetProperty("takerFee", out _) ? ReadDecimal(entry, "takerFee", where) : null,
                    });
                }
                catch (ArgumentOutOfRangeException e)
                {
                    // Its Message adds "(Parameter 'x')" and, on a second line, "Actual value was ...": one sentence instead.
                    var reason = e.Message.Split([" (Parameter", "\n", "\r"], 2, StringSplitOptions.None)[0];
                    throw new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{where}: {reason} (got {e.ActualValue})."), e);
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON, {JsonErrors.Describe(e)}", e);
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
