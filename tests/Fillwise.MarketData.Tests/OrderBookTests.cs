using FsCheck;
using FsCheck.Fluent;
using Fillwise.Core;
using Fillwise.MarketData.Books;

namespace Fillwise.MarketData.Tests;

/// <summary>The book on generated diffs (labelled: generated, not market data) against a trivially correct model.</summary>
public sealed class OrderBookTests
{
    private static readonly Symbol Btc = new("BTCUSDT");

    private static Level L(long price, long qty) => new(new Fixed8(price * Fixed8.One), new Fixed8(qty));

    private static DepthDiff Diff(long first, long final, long previous, Level[] bids, Level[] asks) =>
        new(Btc, 0, 0, 0, first, final, previous, [.. bids], [.. asks]);

    private static DepthSnapshot Snapshot(long lastUpdateId, Level[] bids, Level[] asks) =>
        new(Btc, 0, lastUpdateId, 0, 0, [.. bids], [.. asks]);

    [Fact]
    public void Follows_Binance_sync_procedure_step_by_step()
    {
        var book = new OrderBook(Btc);
        Assert.Equal(DiffOutcome.Buffered, book.ApplyDiff(Diff(90, 95, 80, [L(100, 1)], [])));   // stale once the snapshot is known
        Assert.Equal(DiffOutcome.Buffered, book.ApplyDiff(Diff(96, 104, 95, [L(101, 2)], [])));  // bridges lastUpdateId 100
        Assert.False(book.IsValid);

        book.ApplySnapshot(Snapshot(100, [L(100, 5), L(99, 1)], [L(105, 3)]));

        Assert.True(book.IsValid);
        Assert.Equal(1, book.StaleDiffs);
        Assert.Equal(104, book.LastUpdateId);
        Assert.True(book.TryGetBestBid(out var bid));
        Assert.Equal(L(101, 2), bid);
        Assert.Equal(L(100, 5), book.Bids[1]); // the stale diff's qty 1 was not applied

        Assert.Equal(DiffOutcome.Applied, book.ApplyDiff(Diff(105, 110, 104, [L(101, 0)], [L(104, 1)])));
        Assert.Equal(L(100, 5), book.Bids[0]);
        Assert.Equal(L(104, 1), book.Asks[0]);

        Assert.Equal(DiffOutcome.Gap, book.ApplyDiff(Diff(115, 120, 112, [], [])));
        Assert.False(book.IsValid);
        Assert.False(book.TryGetBestBid(out _));
        Assert.Equal(1, book.Gaps);

        // Resync: diffs buffered again, a fresh snapshot, then the bridging diff.
        Assert.Equal(DiffOutcome.Buffered, book.ApplyDiff(Diff(121, 130, 120, [L(98, 7)], [])));
        book.ApplySnapshot(Snapshot(125, [L(97, 1)], [L(106, 1)]));
        Assert.True(book.IsValid);
        Assert.Equal(130, book.LastUpdateId);
        Assert.Equal(L(98, 7), book.Bids[0]);
        Assert.Equal(1, book.Gaps);
    }

    [Fact]
    public void A_first_diff_that_starts_after_the_snapshot_is_a_gap()
    {
        var book = new OrderBook(Btc);
        book.ApplySnapshot(Snapshot(100, [L(100, 1)], [L(101, 1)]));
        Assert.Equal(DiffOutcome.Gap, book.ApplyDiff(Diff(102, 110, 101, [], [])));
        Assert.Equal(1, book.Gaps);
        Assert.False(book.IsValid);
    }

    [Fact]
    public void Buffer_overflow_drops_the_oldest_and_counts_it()
    {
        var book = new OrderBook(Btc, new OrderBookOptions { MaxBufferedDiffs = 2 });
        book.ApplyDiff(Diff(1, 1, 0, [], []));
        book.ApplyDiff(Diff(2, 2, 1, [], []));
        book.ApplyDiff(Diff(3, 3, 2, [], []));
        Assert.Equal(1, book.BufferOverflows);
        book.ApplySnapshot(Snapshot(2, [], []));
        Assert.True(book.IsValid);
        Assert.Equal(3, book.LastUpdateId);
    }

    [Fact]
    public void Ticker_keeps_the_newest_update_only()
    {
        var book = new OrderBook(Btc);
        book.ApplyTicker(new Capture.TopOfBook(10, new Fixed8(1), new Fixed8(1), new Fixed8(2), new Fixed8(1)));
        book.ApplyTicker(new Capture.TopOfBook(9, new Fixed8(5), new Fixed8(1), new Fixed8(6), new Fixed8(1)));
        Assert.Equal(10, book.Ticker!.Value.UpdateId);
    }

    /// <summary>Generated level updates: prices 1..60 ticks, quantities 0..5 (0 deletes).</summary>
    private static Gen<(bool IsBid, long Price, long Qty)[]> Updates =>
        Gen.Choose(1, 60).Zip(Gen.Choose(0, 5)).Zip(Gen.Elements(true, false))
            .Select(t => (t.Item2, (long)t.Item1.Item1, (long)t.Item1.Item2))
            .ArrayOf();

    [Fact]
    public void Book_matches_a_sorted_dictionary_model_on_generated_diffs()
    {
        Prop.ForAll(Updates.ListOf().ToArbitrary(), diffs =>
        {
            var book = new OrderBook(Btc);
            book.ApplySnapshot(Snapshot(0, [], []));
            var bids = new SortedDictionary<long, long>();
            var asks = new SortedDictionary<long, long>();
            long id = 0;
            foreach (var diff in diffs)
            {
                var b = diff.Where(u => u.IsBid).Select(u => L(u.Price, u.Qty)).ToArray();
                var a = diff.Where(u => !u.IsBid).Select(u => L(u.Price, u.Qty)).ToArray();
                Assert.Equal(DiffOutcome.Applied, book.ApplyDiff(Diff(id, id + 1, id, b, a)));
                id++;
                foreach (var (isBid, price, qty) in diff)
                {
                    var side = isBid ? bids : asks;
                    if (qty == 0)
                    {
                        side.Remove(price * Fixed8.One);
                    }
                    else
                    {
                        side[price * Fixed8.One] = qty;
                    }
                }
            }
            var expectedBids = bids.Reverse().Select(kv => new Level(new Fixed8(kv.Key), new Fixed8(kv.Value))).ToArray();
            var expectedAsks = asks.Select(kv => new Level(new Fixed8(kv.Key), new Fixed8(kv.Value))).ToArray();
            return expectedBids.SequenceEqual(Enumerable.Range(0, book.Bids.Count).Select(i => book.Bids[i]))
                && expectedAsks.SequenceEqual(Enumerable.Range(0, book.Asks.Count).Select(i => book.Asks[i]));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_broken_link_in_a_generated_id_chain_is_exactly_one_gap()
    {
        Prop.ForAll(Gen.Choose(2, 200).Zip(Gen.Choose(1, 199)).ToArbitrary(), t =>
        {
            var (length, brokenAt) = (t.Item1, Math.Min(t.Item2, t.Item1 - 1));
            var book = new OrderBook(Btc);
            book.ApplySnapshot(Snapshot(10, [L(1, 1)], [L(2, 1)]));
            long previous = 10;
            var gaps = 0;
            for (var i = 0; i < length; i++)
            {
                var first = previous + 1;
                var final = first + 3;
                var pu = i == brokenAt ? previous - 1 : previous;
                if (i == 0)
                {
                    book.ApplyDiff(Diff(10, final, 0, [], []));
                }
                else if (book.ApplyDiff(Diff(first, final, pu, [], [])) == DiffOutcome.Gap)
                {
                    gaps++;
                }
                previous = final;
            }
            return gaps == 1 && book.Gaps == 1 && !book.IsValid;
        }).QuickCheckThrowOnFailure();
    }

}
