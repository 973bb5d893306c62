using Fillwise.TestData;
using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>The scenarios on real Binance BTCUSDT data (samples/ holds the 2024-07-18 capture unchanged).</summary>
public sealed class TickScenarioTests
{
    private const int WarmUpdates = 2_000;

    [Fact]
    public void PostOnlyAtBestBidFillsOnlyOnceTheQueueAheadHasTraded()
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: Venues.Instant(QueueModel.None));
        var client = new ScriptedClient(venue);
        Fixed8 price = default;
        long arrivalNs = 0;
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < WarmUpdates || !m.HasTwoSidedQuote)
            {
                return false;
            }
            price = m.BidPrice;
            arrivalNs = c.Venue.NowNs;
            c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.PostOnly, 0.002m, price));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        Assert.Equal(OrderEventKind.Accepted, client.For(1).First().Kind);
        var (fillNs, fill) = client.FillsOf(1).First();
        Assert.Equal(Liquidity.Maker, fill.Liquidity);
        Assert.Equal(price, fill.Price);

        // Oracle: replay the raw events independently. Queue ahead starts at the displayed size, shrinks with
        // sell trades at our price and can never exceed the displayed size (the None model: nothing else).
        var (expectedNs, expectedQty, queueAtArrival, tradedAtPrice) = FirstFillByOracle(Venues.SampleBtc, arrivalNs, price, 0.002m);
        Assert.True(queueAtArrival > 0, "the touch had a visible queue");
        Assert.True(tradedAtPrice > 0, "trades at our price consumed the queue before we filled");
        Assert.Equal(expectedNs, fillNs);
        Assert.Equal(expectedQty, fill.Quantity.ToDecimal());
    }

    [Fact]
    public void CancellationsAheadMoveUsForwardSoAProportionalQueueFillsNoLaterThanNone()
    {
        var none = FirstFillTime(QueueModel.None);
        var proportional = FirstFillTime(QueueModel.Proportional);
        Assert.True(proportional <= none, $"proportional {proportional} vs none {none}");
    }

    [Fact]
    public void PostOnlyPricedThroughTheAskIsRejectedWith5022()
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < WarmUpdates || !m.HasTwoSidedQuote)
            {
                return false;
            }
            c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.PostOnly, 0.002m, m.AskPrice));
            c.Venue.Submit(Venues.Order(2, Side.Sell, OrderType.PostOnly, 0.002m, m.BidPrice.Ticks(-3)));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        foreach (var id in new long[] { 1, 2 })
        {
            var only = Assert.Single(client.For(id));
            Assert.Equal(OrderEventKind.Rejected, only.Kind);
            Assert.Equal(-5022, only.Reject.Code);
        }
        Assert.Equal(2, venue.Stats.RejectsByCode[-5022]);
    }

    [Fact]
    public void MarketBuyLargerThanTheBestLevelWalksTheBookAtItsPrices()
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        long sentNs = 0;
        var quantity = 0m;
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < WarmUpdates || !m.HasTwoSidedQuote)
            {
                return false;
            }
            sentNs = c.Venue.NowNs;
            quantity = decimal.Round(m.AskQuantity.ToDecimal() + 2.5m, 3);
            c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.Market, quantity));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        var fills = client.FillsOf(1).Select(f => f.Fill).ToList();
        Assert.True(fills.Count >= 2, "a size above the best level takes more than one level");
        var book = IndependentBook.At(Venues.SampleBtc, sentNs);
        var left = quantity;
        for (var depth = 0; depth < fills.Count; depth++)
        {
            var level = book.Asks[depth];
            Assert.Equal(level.Price, fills[depth].Price);
            Assert.Equal(Math.Min(left, level.Quantity.ToDecimal()), fills[depth].Quantity.ToDecimal());
            Assert.Equal(Liquidity.Taker, fills[depth].Liquidity);
            left -= fills[depth].Quantity.ToDecimal();
        }
        Assert.Equal(0m, left);
        Assert.Equal(0m, fills[^1].LeavesQuantity.ToDecimal());
    }

    [Fact]
    public void MarketOrderLargerThanTheVisibleBookSaysTheBookRanOut()
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < WarmUpdates || !m.HasTwoSidedQuote)
            {
                return false;
            }
            c.Venue.Submit(Venues.Order(1, Side.Sell, OrderType.Market, 100_000m));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        var expired = Assert.Single(client.For(1), e => e.Kind == OrderEventKind.Expired);
        Assert.True(expired.BookExhausted);
        Assert.True(venue.TryGetOrder(1, out var state));
        Assert.Equal(state.Quantity.Raw, state.Filled.Raw + state.Expired.Raw);
    }

    [Fact]
    public void ACancelThatArrivesAfterTheMatchingTradeLosesTheRace()
    {
        // Reference run: when does the resting order fill with nobody cancelling it?
        var fillNs = FirstFillTime(QueueModel.None, Venues.Instant(QueueModel.None) with
        {
            Latency = new LatencyOptions { OrderEntry = LatencySpec.Constant(TimeSpan.Zero), Cancel = LatencySpec.Constant(TimeSpan.FromMilliseconds(10)) },
        });

        // Sent 5 ms before the fill, it lands 5 ms after it: the fill stands and the cancel is refused.
        var late = RunWithCancelAt(fillNs - 5_000_000);
        Assert.NotEmpty(late.FillsOf(1));
        Assert.Contains(late.For(1), e => e.Kind == OrderEventKind.CancelRejected && e.Reject.Code == -2011);

        // Sent 15 ms before, it lands 5 ms before the fill: cancelled, never filled.
        var early = RunWithCancelAt(fillNs - 15_000_000);
        Assert.Empty(early.FillsOf(1));
        Assert.Contains(early.For(1), e => e.Kind == OrderEventKind.Canceled);
    }

    [Fact]
    public void ADuplicateClientOrderIdIsRejectedAndTheOriginalFillsOnce()
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < WarmUpdates || !m.HasTwoSidedQuote)
            {
                return false;
            }
            c.Venue.Submit(Venues.Order(7, Side.Buy, OrderType.Market, 0.01m));
            c.Venue.Submit(Venues.Order(7, Side.Buy, OrderType.Market, 0.01m));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        Assert.Equal(0.01m, client.FillsOf(7).Sum(f => f.Fill.Quantity.ToDecimal()));
        Assert.Contains(client.For(7), e => e.Kind == OrderEventKind.Rejected && e.Reject.Code == -4116);
    }

    [Theory]
    [InlineData(0.002, "64000.05", -4014)]
    [InlineData(0.0015, "64000.0", -4023)]
    [InlineData(0.001, "64000.0", -4164)]
    [InlineData(0, "64000.0", -4003)]
    public void OrdersThatBreakTheExchangeFiltersAreRejectedWithBinanceCodes(double quantity, string price, int code)
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.Limit, (decimal)quantity, Fixed8.FromDecimal(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture))));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        var only = Assert.Single(client.For(1));
        Assert.Equal(OrderEventKind.Rejected, only.Kind);
        Assert.Equal(code, only.Reject.Code);
    }

    private static long FirstFillTime(QueueModel model, ReplayVenueOptions? options = null)
    {
        using var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: options ?? Venues.Instant(model));
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = PostAtBid;
        VenueLoop.RunToEnd(venue, client);
        return client.FillsOf(1).First().TimeNs;
    }

    private static ScriptedClient RunWithCancelAt(long cancelSendNs)
    {
        var options = Venues.Instant(QueueModel.None) with
        {
            Latency = new LatencyOptions { OrderEntry = LatencySpec.Constant(TimeSpan.Zero), Cancel = LatencySpec.Constant(TimeSpan.FromMilliseconds(10)) },
        };
        var venue = ReplayVenues.FromCaptures(Venues.SampleBtc, options: options);
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            var posted = PostAtBid(c, m);
            if (posted)
            {
                c.At(cancelSendNs, 99, x => x.Venue.Cancel(Venues.Btc, 1));
            }
            return posted;
        };
        VenueLoop.RunToEnd(venue, client);
        venue.Dispose();
        return client;
    }

    private static bool PostAtBid(ScriptedClient c, MarketUpdate m)
    {
        if (c.MarketUpdates < WarmUpdates || !m.HasTwoSidedQuote)
        {
            return false;
        }
        c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.PostOnly, 0.002m, m.BidPrice));
        return true;
    }

    internal static (long TimeNs, decimal Quantity, decimal QueueAtArrival, decimal TradedAtPrice) FirstFillByOracle(
        IReadOnlyList<string> files, long arrivalNs, Fixed8 price, decimal quantity, Symbol? symbol = null)
    {
        using var reader = new CaptureReader(files);
        var book = new OrderBook(symbol ?? Venues.Btc);
        decimal? ahead = null;
        decimal queueAtArrival = 0, tradedAtPrice = 0;
        while (reader.MoveNext())
        {
            if (reader.ReceiveTimeNs > arrivalNs && ahead is null)
            {
                ahead = queueAtArrival = book.Bids.QuantityAt(price).ToDecimal();
            }
            reader.ApplyTo(book);
            if (ahead is null)
            {
                continue;
            }
            if (reader.Kind is CaptureEventKind.DepthUpdate or CaptureEventKind.Snapshot)
            {
                ahead = Math.Min(ahead.Value, book.Bids.QuantityAt(price).ToDecimal());
            }
            else if (reader.Kind == CaptureEventKind.Trade && reader.Trade.BuyerIsMaker)
            {
                var trade = reader.Trade;
                var volume = trade.Quantity.ToDecimal();
                if (trade.Price < price)
                {
                    return (reader.ReceiveTimeNs, Math.Min(quantity, volume), queueAtArrival, tradedAtPrice);
                }
                if (trade.Price == price)
                {
                    tradedAtPrice += volume;
                    var eaten = Math.Min(ahead.Value, volume);
                    ahead -= eaten;
                    if (volume > eaten)
                    {
                        return (reader.ReceiveTimeNs, Math.Min(quantity, volume - eaten), queueAtArrival, tradedAtPrice);
                    }
                }
            }
        }
        throw new InvalidOperationException("The order never filled in the oracle replay.");
    }
}
