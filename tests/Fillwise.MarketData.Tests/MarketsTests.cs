using System.Text.Json;
using Fillwise.Core;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Inspection;
using Fillwise.TestData;

namespace Fillwise.MarketData.Tests;

/// <summary>Spot and COIN-M captures, and the fast scanner against the validating reader, on the real shared data.</summary>
public sealed class MarketsTests
{
    public static TheoryData<string, string> AllSets() => new()
    {
        { "binance-spot", "ethusdt_20240808.gz+ethusdt_20240809.gz" },
        { "binance-coinm", "ethusd_perp_20240808.gz+ethusd_perp_20240809.gz" },
        { "binance-usdm", "btcusdt_20240808.gz" },
        { "binance-usdm", "ethusdt_20240718.gz+ethusdt_20240719.gz" },
    };

    private static string[] Files(string dir, string set) => set.Split('+').Select(f => TestPaths.Shared(dir, f)).ToArray();

    [SharedDataTheory]
    [MemberData(nameof(AllSets))]
    public void Inspection_matches_an_independent_json_count_and_chain_check(string dir, string set)
    {
        var files = Files(dir, set);
        var expected = IndependentCheck.Run(files, spot: dir == "binance-spot");
        var inspection = CaptureInspection.Run(files);

        Assert.Equal(0, inspection.Stats.ErrorCount);
        Assert.Equal(expected.Lines, inspection.Stats.Lines);
        Assert.Equal((expected.Depth, expected.Ticker, expected.Trade, expected.Snapshot),
            (inspection.Stats.DepthUpdates, inspection.Stats.BookTickers, inspection.Stats.Trades, inspection.Stats.Snapshots));
        var book = Assert.Single(inspection.Books);
        Assert.Equal(dir switch { "binance-spot" => Market.Spot, "binance-coinm" => Market.CoinM, _ => Market.UsdM }, book.Market);
        Assert.Equal(0, expected.Gaps);
        Assert.Equal(0, book.Gaps);
        Assert.True(book.Synced);
        Assert.Equal(expected.Applied, book.AppliedDiffs);
        Assert.Equal(expected.Stale, book.StaleDiffs);
        Assert.True(book.TickerChecks > 100, $"only {book.TickerChecks} ticker checks");
        Assert.Equal(0, book.TickerMismatches);
    }

    [SharedDataTheory]
    [MemberData(nameof(AllSets))]
    public void Fast_scanner_yields_exactly_what_the_validating_reader_yields(string dir, string set)
    {
        var files = Files(dir, set);
        using var fast = new CaptureReader(files);
        using var slow = new CaptureReader(files, new CaptureReaderOptions { ValidatingOnly = true });
        long events = 0;
        while (true)
        {
            var more = fast.MoveNext();
            Assert.Equal(more, slow.MoveNext());
            if (!more)
            {
                break;
            }
            events++;
            Assert.Equal(slow.ToRecord(), fast.ToRecord(), RecordComparer.Instance);
            Assert.Equal(slow.Market, fast.Market);
        }
        Assert.True(events > 50_000);
        Assert.Equal(slow.Stats.Lines, fast.Stats.Lines);
    }

    [Fact]
    public void Book_side_agrees_with_a_sorted_dictionary_under_random_updates()
    {
        // Generated (not market) updates: prices spread over a wide range so chunks split and empty often.
        var random = new Random(7);
        var book = new OrderBook(new Symbol("BTCUSDT"));
        book.ApplySnapshot(1, [], []);
        var model = new SortedDictionary<long, long>();
        for (var i = 0; i < 50_000; i++)
        {
            var price = random.Next(2) == 0 ? random.Next(1, 400) : random.Next(1, 100_000);
            var quantity = random.Next(3) == 0 ? 0 : random.Next(1, 1000);
            book.Bids.Set(new Fixed8(price), new Fixed8(quantity));
            if (quantity == 0)
            {
                model.Remove(price);
            }
            else
            {
                model[price] = quantity;
            }
        }
        Assert.Equal(model.Count, book.Bids.Count);
        var depth = 0;
        foreach (var (price, quantity) in model.Reverse())
        {
            Assert.Equal(new Level(new Fixed8(price), new Fixed8(quantity)), book.Bids[depth++]);
            Assert.Equal(new Fixed8(quantity), book.Bids.QuantityAt(new Fixed8(price)));
        }
    }

    /// <summary>Records hold ImmutableArrays (compared by reference): compare their contents.</summary>
    private sealed class RecordComparer : IEqualityComparer<MarketEvent>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(MarketEvent? x, MarketEvent? y) => (x, y) switch
        {
            (DepthDiff a, DepthDiff b) => a with { Bids = b.Bids, Asks = b.Asks } == b && a.Bids.SequenceEqual(b.Bids) && a.Asks.SequenceEqual(b.Asks),
            (DepthSnapshot a, DepthSnapshot b) => a with { Bids = b.Bids, Asks = b.Asks } == b && a.Bids.SequenceEqual(b.Bids) && a.Asks.SequenceEqual(b.Asks),
            _ => object.Equals(x, y),
        };

        public int GetHashCode(MarketEvent obj) => 0;
    }
}

/// <summary>
/// An independent reading of a capture: System.Text.Json per line, event types counted from the JSON, and the
/// update-id chain checked by the rule written in ../shared/data/README.md — no production code involved.
/// </summary>
internal static class IndependentCheck
{
    public sealed record Result(long Lines, long Depth, long Ticker, long Trade, long Snapshot, long Applied, long Stale, long Gaps);

    public static Result Run(string[] files, bool spot)
    {
        long lines = 0, depth = 0, ticker = 0, trade = 0, snapshot = 0;
        var diffs = new List<(long U, long u, long? pu)>();
        long? lastUpdateId = null;
        var diffsBeforeSnapshot = 0;
        foreach (var line in files.SelectMany(TempFile.ReadLines))
        {
            lines++;
            using var doc = JsonDocument.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var root = doc.RootElement;
            if (root.TryGetProperty("lastUpdateId", out var last))
            {
                snapshot++;
                lastUpdateId = last.GetInt64();
                diffsBeforeSnapshot = diffs.Count;
                continue;
            }
            var data = root.GetProperty("data");
            var type = data.TryGetProperty("e", out var e) ? e.GetString()
                : root.GetProperty("stream").GetString()!.EndsWith("@bookTicker", StringComparison.Ordinal) ? "bookTicker" : null;
            switch (type)
            {
                case "depthUpdate":
                    depth++;
                    diffs.Add((data.GetProperty("U").GetInt64(), data.GetProperty("u").GetInt64(), data.TryGetProperty("pu", out var pu) ? pu.GetInt64() : null));
                    break;
                case "bookTicker": ticker++; break;
                case "trade": trade++; break;
            }
        }
        // Every diff from the whole stream takes part: those before the snapshot were buffered by a live client.
        _ = diffsBeforeSnapshot;
        long applied = 0, stale = 0, gaps = 0;
        long? previous = null;
        var id = lastUpdateId ?? throw new InvalidOperationException("no snapshot in " + string.Join(", ", files));
        foreach (var (first, final, pu) in diffs)
        {
            if (previous is null)
            {
                if (spot ? final <= id : final < id)
                {
                    stale++;
                    continue;
                }
                if (!(spot ? first <= id + 1 && id + 1 <= final : first <= id && id <= final))
                {
                    gaps++;
                    break;
                }
            }
            else if (spot ? first != previous + 1 : pu != previous)
            {
                gaps++;
                break;
            }
            previous = final;
            applied++;
        }
        return new Result(lines, depth, ticker, trade, snapshot, applied, stale, gaps);
    }
}
