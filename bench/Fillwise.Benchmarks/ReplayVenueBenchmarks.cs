using BenchmarkDotNet.Attributes;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.TestData;
using Fillwise.Venues.Replay;

namespace Fillwise.Benchmarks;

/// <summary>
/// The replay venue over a whole real capture: with no orders (the loop, the book and publishing every update
/// to a client), and with one post-only order resting the whole time (queue tracking on every depth event,
/// trade matching on every trade; re-posted when it fills). One operation = the whole file.
/// </summary>
[MemoryDiagnoser]
public class ReplayVenueBenchmarks
{
    private string[] _files = [];

    /// <summary>The sample pair as one stream: the REST snapshot is in the first file, so the second alone never syncs.</summary>
    [GlobalSetup]
    public void Setup() => _files = Repo.SampleCapturePair;

    [Benchmark(Baseline = true, Description = "replay, no orders")]
    public long NoOrders()
    {
        using var venue = ReplayVenues.FromCaptures(_files);
        var client = new CountingClient(venue, restOrder: false);
        VenueLoop.RunToEnd(venue, client);
        return client.Updates;
    }

    [Benchmark(Description = "replay, one order always resting")]
    public long OneRestingOrder()
    {
        using var venue = ReplayVenues.FromCaptures(_files);
        var client = new CountingClient(venue, restOrder: true);
        VenueLoop.RunToEnd(venue, client);
        if (client.Fills == 0)
        {
            throw new InvalidOperationException("The resting order never filled: the benchmark would not measure matching.");
        }
        return client.Updates + client.Fills;
    }

    /// <summary>Keeps one post-only bid resting 5 ticks under the touch; re-posts when it fills or is rejected.</summary>
    private sealed class CountingClient(IVenue venue, bool restOrder) : IVenueListener
    {
        private static readonly Symbol Btc = new("BTCUSDT");
        private long _nextId = 1;
        private bool _working;

        public long Updates { get; private set; }
        public long Fills { get; private set; }

        public void OnMarket(in MarketUpdate update)
        {
            Updates++;
            if (restOrder && !_working && update.HasTwoSidedQuote)
            {
                _working = true;
                venue.Submit(new OrderRequest(_nextId++, Btc, Side.Buy, OrderType.PostOnly, new Fixed8(200_000), new Fixed8(update.BidPrice.Raw - 50_000_000)));
            }
        }

        public void OnOrderEvent(in OrderEvent orderEvent)
        {
            if (orderEvent.Kind == OrderEventKind.Filled)
            {
                Fills++;
            }
            if (orderEvent.Kind == OrderEventKind.Rejected || (orderEvent.Kind == OrderEventKind.Filled && orderEvent.Fill.LeavesQuantity.IsZero))
            {
                _working = false;
            }
        }

        public void OnTimer(long token)
        {
        }
    }
}
