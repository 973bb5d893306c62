using Fillwise.Core;
using Fillwise.MarketData.Capture;
using Parquet.Schema;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// The catalog's layout: hive-style partitions <c>venue=binance/market=usdm/symbol=BTCUSDT/date=2024-08-08/</c>
/// holding Parquet files of normalised events, one row per event; a depth diff's or snapshot's levels are
/// list columns of that row. Prices are integer ticks and sizes integer lots of the increments written in each
/// file's metadata. Pages are uncompressed by default (<see cref="CatalogCompression"/>).
/// </summary>
public static class CatalogFormat
{
    public const string Venue = "binance";
    public const string ManifestName = "manifest.json";

    /// <summary>
    /// 2: one row per event with list columns for levels, uncompressed or LZ4 pages. Version 1 (one row per
    /// level, Snappy) read about as slowly as parsing the gzip; a catalog of another version is refused (<see cref="CheckVersion"/>).
    /// </summary>
    public const int SchemaVersion = 2;

    // Row kinds (column "kind").
    public const int KindDepth = 1;
    public const int KindSnapshot = 2;
    public const int KindTicker = 3;
    public const int KindTrade = 4;

    // Bits of column "flags".
    /// <summary>Trades: the buyer was the maker (the aggressor sold).</summary>
    public const int FlagBuyerMaker = 8;

    // Metadata keys.
    public const string MetaPriceIncrement = "fillwise.price_increment";
    public const string MetaSizeIncrement = "fillwise.size_increment";
    public const string MetaMarket = "fillwise.market";
    public const string MetaSymbol = "fillwise.symbol";
    public const string MetaContractSize = "fillwise.contract_size";
    public const string MetaSchemaVersion = "fillwise.schema_version";

    public static readonly DataField<long> ReceiveNs = new("receive_ns");
    public static readonly DataField<long> ExchangeMs = new("exchange_ms");
    public static readonly DataField<long> TransactMs = new("transact_ms");
    public static readonly DataField<int> Kind = new("kind");
    public static readonly DataField<long> FirstId = new("first_id");

    /// <summary>u of a diff or ticker, lastUpdateId of a snapshot, t of a trade.</summary>
    public static readonly DataField<long> FinalId = new("final_id");

    /// <summary>pu of a futures diff; 0 on spot (which has none) and for other kinds.</summary>
    public static readonly DataField<long> PrevId = new("prev_id");

    /// <summary>Trade price or a ticker's best bid, in ticks (0 on depth rows).</summary>
    public static readonly DataField<long> Price = new("price");

    /// <summary>Trade size or a ticker's best bid size, in lots (0 on depth rows).</summary>
    public static readonly DataField<long> Size = new("size");
    public static readonly DataField<long> AskPrice = new("ask_price");
    public static readonly DataField<long> AskSize = new("ask_size");
    public static readonly DataField<int> Flags = new("flags");

    /// <summary>A diff's or snapshot's bid levels (ticks, and lots in <see cref="BidSizes"/>, same length); empty on other rows.</summary>
    public static readonly ListField BidPrices = new("bid_prices", new DataField<long>("element"));
    public static readonly ListField BidSizes = new("bid_sizes", new DataField<long>("element"));
    public static readonly ListField AskPrices = new("ask_prices", new DataField<long>("element"));
    public static readonly ListField AskSizes = new("ask_sizes", new DataField<long>("element"));

    public static readonly ParquetSchema Schema = new(ReceiveNs, ExchangeMs, TransactMs, Kind, FirstId, FinalId, PrevId, Price, Size, AskPrice, AskSize, Flags,
        BidPrices, BidSizes, AskPrices, AskSizes);

    /// <summary>The scalar columns in schema order (the first 12 data fields).</summary>
    internal static readonly DataField<long>[] LongColumns = [ReceiveNs, ExchangeMs, TransactMs, FirstId, FinalId, PrevId, Price, Size, AskPrice, AskSize];

    /// <summary>The level lists' leaf columns: bid prices, bid sizes, ask prices, ask sizes.</summary>
    internal static readonly DataField[] LevelColumns = [.. Schema.DataFields.Skip(12)];

    /// <summary>
    /// Refuses a catalog written in another format version, in one sentence naming it and the way out.
    /// </summary>
    public static void CheckVersion(string directory, int version)
    {
        if (version != SchemaVersion)
        {
            throw new DataFormatException($"{directory}: this catalog is in format version {version} and this fillwise reads version {SchemaVersion}: re-run `fillwise data convert <captures> --catalog DIR` into a new directory (this one cannot be read or added to).");
        }
    }

    public static int ToKind(CaptureEventKind kind) => kind switch
    {
        CaptureEventKind.DepthUpdate => KindDepth,
        CaptureEventKind.Snapshot => KindSnapshot,
        CaptureEventKind.BookTicker => KindTicker,
        CaptureEventKind.Trade => KindTrade,
        _ => 0,
    };

    public static CaptureEventKind FromKind(int kind) => kind switch
    {
        KindDepth => CaptureEventKind.DepthUpdate,
        KindSnapshot => CaptureEventKind.Snapshot,
        KindTicker => CaptureEventKind.BookTicker,
        KindTrade => CaptureEventKind.Trade,
        _ => CaptureEventKind.None,
    };

    public static string PartitionDirectory(Market market, Symbol symbol, DateOnly day) =>
        Path.Combine($"venue={Venue}", $"market={market.Name()}", $"symbol={symbol.Value}", $"date={day:yyyy-MM-dd}");

    public static DateOnly DayOf(long receiveNs) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(receiveNs / 1_000_000).UtcDateTime);

    /// <summary>
    /// The increments a partition stores prices and sizes in: the symbol's tick and step from the symbol catalog,
    /// or 1e-8 (exact for every Fixed8) for a symbol the catalog does not know.
    /// </summary>
    public static (long PriceRaw, long SizeRaw, decimal ContractSize) Increments(SymbolCatalog symbols, Market market, Symbol symbol) =>
        symbols.TryGet(market, symbol, out var filters) ? (filters.TickRaw, filters.StepRaw, filters.ContractSize) : (1, 1, 0m);
}

/// <summary>
/// How a catalog's Parquet pages are compressed. Parquet.Net decodes uncompressed pages fastest (the catalog then
/// reads ~2x faster than with LZ4, ~3x the size: bench/README.md); LZ4 (LZ4_RAW) makes files about the size of
/// the gzip captures. Snappy is not offered: Parquet.Net decoded it 2-6x slower than LZ4. The reader takes
/// either (each column chunk names its codec).
/// </summary>
public enum CatalogCompression
{
    None,
    Lz4,
}
