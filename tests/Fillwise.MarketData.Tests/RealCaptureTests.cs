using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Inspection;
using Fillwise.TestData;

namespace Fillwise.MarketData.Tests;

/// <summary>The reader and the book against the real Binance captures.</summary>
public sealed class RealCaptureTests
{
    public static TheoryData<string> SharedSets() => new(TestPaths.SharedCaptureSets().Select(s => string.Join("+", s)));

    private static string[] SharedFiles(string set) => set.Split('+').Select(f => TestPaths.Shared("binance-usdm", f)).ToArray();

    private static string[] SampleFiles() =>
        [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    [Fact]
    public void Sample_capture_syncs_with_zero_gaps_and_agrees_with_bookTicker() => AssertSyncsCleanly(SampleFiles());

    [SharedDataTheory]
    [MemberData(nameof(SharedSets))]
    public void Every_shared_capture_set_syncs_with_zero_gaps_and_agrees_with_bookTicker(string set) => AssertSyncsCleanly(SharedFiles(set));

    [SharedDataTheory]
    [MemberData(nameof(SharedSets))]
    public void Event_counts_match_an_independent_count_of_the_file(string set)
    {
        var files = SharedFiles(set);
        var expected = IndependentCount(files);
        var inspection = CaptureInspection.Run(files);
        Assert.Equal(expected.Depth, inspection.Stats.DepthUpdates);
        Assert.Equal(expected.Ticker, inspection.Stats.BookTickers);
        Assert.Equal(expected.Trade, inspection.Stats.Trades);
        Assert.Equal(expected.Snapshot, inspection.Stats.Snapshots);
        Assert.Equal(expected.Lines, inspection.Stats.Lines);
        Assert.Empty(inspection.Stats.Skipped);
    }

    [Fact]
    public void Removing_one_diff_line_produces_exactly_one_gap()
    {
        var lines = SampleFiles().SelectMany(TempFile.ReadLines).ToList();
        var diffLines = lines.Select((line, index) => (line, index)).Where(x => x.line.Contains("\"e\":\"depthUpdate\"", StringComparison.Ordinal)).ToList();
        var victim = diffLines[diffLines.Count / 2].index; // well after the snapshot
        lines.RemoveAt(victim);
        using var file = TempFile.WithText(string.Join('\n', lines) + "\n", "btcusdt_edited.gz", gzip: true);

        var inspection = CaptureInspection.Run([file.Path]);

        var book = Assert.Single(inspection.Books);
        Assert.Equal(1, book.Gaps);
        Assert.False(book.Synced); // no later snapshot to resync from
        Assert.Equal(0, inspection.Stats.ErrorCount);
    }

    [Fact]
    public void A_snapshot_older_than_the_stream_cannot_bridge_a_gap()
    {
        var lines = TempFile.ReadLines(SampleFiles()[0]);
        var snapshot = lines.Single(l => l.Contains("lastUpdateId", StringComparison.Ordinal));
        var diffs = lines.Select((line, index) => (line, index)).Where(x => x.line.Contains("depthUpdate", StringComparison.Ordinal)).ToList();
        lines.RemoveAt(diffs[diffs.Count / 2].index);
        using var file = TempFile.WithText(string.Join('\n', lines) + "\n", "btcusdt_gap.gz", gzip: true);

        var book = new OrderBook(new Core.Symbol("BTCUSDT"));
        using (var reader = new CaptureReader([file.Path]))
        {
            while (reader.MoveNext())
            {
                reader.ApplyTo(book);
            }
        }
        Assert.Equal(1, book.Gaps);
        Assert.False(book.IsValid);

        // A snapshot older than the buffered diffs cannot bridge them: still a gap, still invalid.
        var oldSnapshot = Parse(snapshot);
        book.ApplySnapshot(oldSnapshot);
        Assert.False(book.IsValid);
        Assert.Equal(2, book.Gaps);
    }

    private static Core.DepthSnapshot Parse(string line)
    {
        using var file = TempFile.WithText(line + "\n", "btcusdt_snap.txt");
        using var reader = new CaptureReader([file.Path]);
        Assert.True(reader.MoveNext());
        return (Core.DepthSnapshot)reader.ToRecord();
    }

    private static void AssertSyncsCleanly(string[] files)
    {
        var inspection = CaptureInspection.Run(files);
        Assert.Equal(0, inspection.Stats.ErrorCount);
        Assert.Equal(TimestampUnit.Nanoseconds, inspection.Stats.TimestampUnit);
        var book = Assert.Single(inspection.Books);
        Assert.True(book.Synced);
        Assert.Equal(0, book.Gaps);
        Assert.True(book.AppliedDiffs > 5_000, $"only {book.AppliedDiffs} diffs applied");
        Assert.True(book.TickerChecks > 100, $"only {book.TickerChecks} bookTicker comparisons were possible");
        Assert.Equal(0, book.TickerMismatches);
        Assert.True(book.BestBid!.Value.Price < book.BestAsk!.Value.Price);
    }

    /// <summary>Counts by plain text search, sharing no code with the reader.</summary>
    private static (long Lines, long Depth, long Ticker, long Trade, long Snapshot) IndependentCount(string[] files)
    {
        long lines = 0, depth = 0, ticker = 0, trade = 0, snapshot = 0;
        foreach (var line in files.SelectMany(TempFile.ReadLines))
        {
            lines++;
            if (line.Contains("\"lastUpdateId\"", StringComparison.Ordinal))
            {
                snapshot++;
            }
            else if (line.Contains("\"e\":\"depthUpdate\"", StringComparison.Ordinal))
            {
                depth++;
            }
            else if (line.Contains("\"e\":\"bookTicker\"", StringComparison.Ordinal))
            {
                ticker++;
            }
            else if (line.Contains("\"e\":\"trade\"", StringComparison.Ordinal))
            {
                trade++;
            }
        }
        return (lines, depth, ticker, trade, snapshot);
    }

    [Fact]
    public void Reader_exposes_every_field_of_a_depth_diff()
    {
        using var reader = new CaptureReader(SampleFiles());
        Assert.True(reader.MoveNext());
        Assert.Equal(CaptureEventKind.DepthUpdate, reader.Kind);
        // First line of btcusdt_20240718.gz, read by eye.
        Assert.Equal(1721347020984480942, reader.ReceiveTimeNs);
        Assert.Equal(1721347022504, reader.EventTimeMs);
        Assert.Equal(new UpdateIds(4984028367545, 4984028370730, 4984028367494), reader.UpdateIds);
        Assert.Equal(17, reader.Bids.Length);
        Assert.Equal(10, reader.Asks.Length);
        Assert.Equal("63939.8", reader.Bids[^1].Price.ToString());
        Assert.Equal("0.1", reader.Bids[^1].Quantity.ToString());
        Assert.Equal("BTCUSDT", reader.Symbol.Value);
        Assert.Equal(1, reader.CurrentLine);
        Assert.Contains("btcusdt_20240718", reader.CurrentFile, StringComparison.Ordinal);
    }
}
