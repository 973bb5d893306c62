using Fillwise.Core;
using Fillwise.MarketData.Capture;
using Parquet.Schema;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// The catalog's layout: hive-style partitions <c>venue=binance/market=usdm/symbol=BTCUSDT/date=2024-08-08/</c>
/// holding Parquet files of normalised events, one row per event except depth events (one row per changed
/// level). Prices are integer ticks and sizes integer lots of the increments written in each file's metadata.
/// </summary>
public static class CatalogFormat
{
    public const string Venue = "binance";
    public const string ManifestName = "manifest.json";
    public const int SchemaVersion = 1;

    // Row kinds (column "kind").
    public const int KindDepth = 1;
    public const int KindSnapshot = 2;
    public const int KindTicker = 3;
    public const int KindTrade = 4;

    // Bits of column "flags".
    /// <summary>The row is an ask level (depth/snapshot rows); otherwise a bid.</summary>
    public const int FlagAsk = 1;

    /// <summary>The last row of its event: a depth event's rows run up to and including this one.</summary>
    public const int FlagLast = 2;

    /// <summary>A depth event without any level (Binance sends those): the row carries no level.</summary>
    public const int FlagEmpty = 4;

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

    /// <summary>Level price, trade price, or a ticker's best bid, in ticks.</summary>
    public static readonly DataField<long> Price = new("price");

    /// <summary>Level size, trade size, or a ticker's best bid size, in lots.</summary>
    public static readonly DataField<long> Size = new("size");
    public static readonly DataField<long> AskPrice = new("ask_price");
    public static readonly DataField<long> AskSize = new("ask_size");
    public static readonly DataField<int> Flags = new("flags");

    public static readonly ParquetSchema Schema = new(ReceiveNs, ExchangeMs, TransactMs, Kind, FirstId, FinalId, PrevId, Price, Size, AskPrice, AskSize, Flags);

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
