using System.Diagnostics.Metrics;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.TestData;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>The venue reports each diff-depth gap on the "Fillwise" meter (exported as fillwise_book_gaps_total).</summary>
public sealed class BookGapMetricTests
{
    [Fact]
    public void A_missing_diff_is_one_gap_on_the_meter_and_an_intact_capture_none()
    {
        var lines = TempFile.ReadLines(SampleSlice.Files[0]);
        var diffs = lines.Select((line, index) => (line, index)).Where(x => x.line.Contains("\"e\":\"depthUpdate\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(0, GapsRecordedBy(SampleSlice.Files[0]));

        lines.RemoveAt(diffs[diffs.Count / 2].index);
        using var gapped = TempFile.WithText(string.Join('\n', lines) + "\n", "btcusdt_gap.gz", gzip: true);
        Assert.Equal(1, GapsRecordedBy(gapped.Path));

        // A warm-up run (throwaway, before a replay) records nothing on the meter; the thread records again after.
        ExecutionMetrics.SilencedOnThisThread = true;
        try
        {
            Assert.Equal(0, GapsRecordedBy(gapped.Path));
        }
        finally
        {
            ExecutionMetrics.SilencedOnThisThread = false;
        }
        Assert.Equal(1, GapsRecordedBy(gapped.Path));
    }

    /// <summary>Gaps recorded on this thread only, so replays in parallel tests cannot leak into the count.</summary>
    private static long GapsRecordedBy(string capture)
    {
        var thread = Environment.CurrentManagedThreadId;
        long gaps = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ExecutionMetrics.MeterName && instrument.Name == "fillwise.book.gaps")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (Environment.CurrentManagedThreadId == thread && tags.ToArray().Contains(new KeyValuePair<string, object?>("symbol", "BTCUSDT")))
            {
                gaps += value;
            }
        });
        listener.Start();
        using var venue = ReplayVenues.FromCaptures([capture]);
        VenueLoop.RunToEnd(venue, new Silent());
        return gaps;
    }

    private sealed class Silent : IVenueListener
    {
        public void OnMarket(in MarketUpdate update)
        {
        }

        public void OnOrderEvent(in OrderEvent orderEvent)
        {
        }

        public void OnTimer(long token)
        {
        }
    }
}
