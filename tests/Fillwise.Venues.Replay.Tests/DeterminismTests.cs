using Fillwise.TestData;
using Fillwise.Core;

namespace Fillwise.Venues.Replay.Tests;

public sealed class DeterminismTests
{
    private static readonly IReadOnlyList<ScriptedOrder> Script = BusyStrategy.Mixed(60);

    private static ReplayVenueOptions Jittery(ulong seed) => new()
    {
        Seed = seed,
        QueueModel = QueueModel.Probabilistic,
        Latency = new LatencyOptions
        {
            OrderEntry = LatencySpec.LogNormal(TimeSpan.FromMilliseconds(8), 0.6, TimeSpan.FromMilliseconds(250)),
            Cancel = LatencySpec.Uniform(TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(30)),
            Response = LatencySpec.LogNormal(TimeSpan.FromMilliseconds(5), 0.4, TimeSpan.FromMilliseconds(100)),
            MarketData = LatencySpec.Uniform(TimeSpan.Zero, TimeSpan.FromMilliseconds(4)),
        },
    };

    private static string Run(ReplayVenueOptions options)
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: options);
        return BusyStrategy.Transcript(BusyStrategy.Run(venue, Script));
    }

    [Fact]
    public void SameInputsAndSeedGiveIdenticalFillStreams()
    {
        var first = Run(Jittery(7));
        var second = Run(Jittery(7));
        Assert.Contains("Filled", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
    }

    [Fact]
    public void JitteryLatenciesGiveTheTranscriptRecordedBeforeMarketDataHadItsOwnLane()
    {
        // Market deliveries wait in a FIFO lane merged by (time, sequence) with the venue's other events; with
        // jittered latencies fills and acks overtake market data. The order is the one a single time-ordered heap of
        // everything gave (the transcript below was recorded with that heap): a change here changes every result.
        var transcript = Run(Jittery(7));
        Assert.Equal(10382, transcript.Length);
        Assert.Equal("78AA0333CA8920442E067EE6981DA04F1A596B43C1BCC6478DFCFE3385F6288A", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(transcript))));
    }

    [Fact]
    public void ADifferentSeedChangesTheSeededLatenciesAndQueue()
    {
        Assert.NotEqual(Run(Jittery(7)), Run(Jittery(8)));
    }

    [Fact]
    public void ADifferentSeedChangesOnlyWhatTheSeededModelsTouch()
    {
        // Constant latencies and a seed-free queue model: nothing random is left, so the seed changes nothing.
        var fixedModels = new ReplayVenueOptions { QueueModel = QueueModel.Proportional };
        Assert.Equal(Run(fixedModels with { Seed = 1 }), Run(fixedModels with { Seed = 99 }));

        // With the probabilistic queue only maker fills may move; takers and post-only rejects cannot.
        static bool NotMaker(OrderEvent e) =>
            (e.Kind == OrderEventKind.Filled && e.Fill.Liquidity == Liquidity.Taker) || e.Kind == OrderEventKind.Rejected;
        var probabilistic = new ReplayVenueOptions { QueueModel = QueueModel.Probabilistic };
        using var a = ReplayVenues.FromCaptures(Venues.SampleBtc, options: probabilistic with { Seed = 1 });
        using var b = ReplayVenues.FromCaptures(Venues.SampleBtc, options: probabilistic with { Seed = 99 });
        var runA = BusyStrategy.Run(a, Script);
        var runB = BusyStrategy.Run(b, Script);
        Assert.Equal(BusyStrategy.Transcript(runA, NotMaker), BusyStrategy.Transcript(runB, NotMaker));
        Assert.Contains("Taker", BusyStrategy.Transcript(runA, NotMaker), StringComparison.Ordinal);
    }

    [Fact]
    public void TheReplayClockDrivesTimeProviderTimers()
    {
        using var venue = ReplayVenues.FromCaptures(SampleSlice.Files, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        var fired = new List<long>();
        ITimer? timer = null;
        client.OnMarketOnce = (c, _) =>
        {
            timer = c.Venue.Time.CreateTimer(_ => fired.Add(c.Venue.NowNs), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);
        timer!.Dispose();

        Assert.True(fired.Count >= 3, $"fired {fired.Count} times");
        Assert.All(fired.Zip(fired.Skip(1)), pair => Assert.Equal(2_000_000_000, pair.Second - pair.First));
    }
}
