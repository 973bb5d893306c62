using BenchmarkDotNet.Attributes;
using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Benchmarks;

/// <summary>
/// The book alone: every event of a real capture, parsed once into memory in the set-up, applied to an
/// <see cref="OrderBook"/> (snapshot, diffs, tickers). Floor: walking the same recorded events without a book,
/// in the same run. One operation = the whole file (93,954 events, ~440,000 level updates).
/// </summary>
[MemoryDiagnoser]
public class OrderBookBenchmarks
{
    private RecordedEvents _events = null!;

    [Params("../shared/data/binance-usdm/btcusdt_20240808.gz")]
    public string File { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup() => _events = RecordedEvents.Record(new CaptureReader([Path.GetFullPath(Path.Combine(Repo.Root, File))]));

    [Benchmark(Baseline = true, Description = "walk the recorded events (the floor)")]
    public long Walk()
    {
        using var source = _events.Open();
        long levels = 0;
        while (source.MoveNext())
        {
            levels += source.Bids.Length + source.Asks.Length;
        }
        return levels;
    }

    [Benchmark(Description = "apply every event to the book")]
    public long Apply()
    {
        using var source = _events.Open();
        OrderBook? book = null;
        while (source.MoveNext())
        {
            book ??= new OrderBook(source.Symbol, new OrderBookOptions { Market = source.Market });
            source.ApplyTo(book);
        }
        return book?.Bids.Count ?? 0;
    }
}
