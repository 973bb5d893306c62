using FsCheck;
using FsCheck.Fluent;
using Fillwise.Core;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>Properties over random order scripts replayed on a slice of real BTCUSDT data.</summary>
public sealed class ConservationProperties
{
    private static readonly Gen<ScriptedOrder> OrderGen =
        from delay in Gen.Choose(0, 60_000)
        from type in Gen.Elements(OrderType.Limit, OrderType.PostOnly, OrderType.Ioc, OrderType.Market)
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from offset in Gen.Choose(-4, 3)
        from lots in Gen.Choose(2, 400)
        from cancel in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 8_000).Select(ms => (int?)ms))
        select new ScriptedOrder(delay, type, side, offset, lots, cancel);

    private static readonly Gen<(ScriptedOrder[] Script, QueueModel Queue, int Seed)> CaseGen =
        from script in Gen.ArrayOf(OrderGen).Select(a => a.Take(25).ToArray())
        from queue in Gen.Elements(QueueModel.None, QueueModel.Proportional, QueueModel.Probabilistic)
        from seed in Gen.Choose(1, 1_000)
        select (script, queue, seed);

    [Fact]
    public void FilledPlusOpenPlusCancelledEqualsOrderedAndFeesAndPricesAreHonest()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c => Check(c.Script, c.Queue, c.Seed))
            .QuickCheckThrowOnFailure();
        // Not vacuous: the random scripts did produce both kinds of fills, cancels and post-only rejects.
        Assert.True(_makerFills > 0 && _takerFills > 0 && _cancels > 0 && _postOnlyRejects > 0, $"maker {_makerFills}, taker {_takerFills}, cancels {_cancels}, -5022 {_postOnlyRejects}");
    }

    private static int _makerFills, _takerFills, _cancels, _postOnlyRejects;

    private static bool Check(ScriptedOrder[] script, QueueModel queue, int seed)
    {
        var options = new ReplayVenueOptions
        {
            Seed = (ulong)seed,
            QueueModel = queue,
            Latency = new LatencyOptions { OrderEntry = LatencySpec.Uniform(TimeSpan.Zero, TimeSpan.FromMilliseconds(40)), MarketData = LatencySpec.Constant(TimeSpan.Zero) },
        };
        using var venue = ReplayVenues.FromCaptures(SampleSlice.Files, options: options);
        var client = BusyStrategy.Run(venue, script);
        _makerFills += (int)venue.Stats.MakerFills;
        _takerFills += (int)venue.Stats.TakerFills;
        _cancels += (int)venue.Stats.Cancels;
        _postOnlyRejects += (int)venue.Stats.RejectsByCode.GetValueOrDefault(-5022);
        var accepted = client.Events.Where(e => e.Event.Kind == OrderEventKind.Accepted).Select(e => e.Event.ClientOrderId).ToHashSet();
        foreach (var state in venue.Orders())
        {
            // Conservation: every unit ordered is filled, still open, cancelled or expired — exactly once.
            if (state.Filled.Raw + state.Open.Raw + state.Canceled.Raw + state.Expired.Raw != state.Quantity.Raw)
            {
                return false;
            }
            var reported = client.FillsOf(state.ClientOrderId).Sum(f => f.Fill.Quantity.Raw);
            if (reported != state.Filled.Raw || !accepted.Contains(state.ClientOrderId))
            {
                return false;
            }
        }
        foreach (var (timeNs, e) in client.Events)
        {
            if (e.Kind == OrderEventKind.Rejected && client.FillsOf(e.ClientOrderId).Any() && !accepted.Contains(e.ClientOrderId))
            {
                return false;
            }
            if (e.Kind != OrderEventKind.Filled)
            {
                continue;
            }
            var fill = e.Fill;
            var expectedRate = fill.Liquidity == Liquidity.Maker ? 0.0002m : 0.0005m;
            if (fill.FeeRate != expectedRate || fill.Fee != fill.Price.ToDecimal() * fill.Quantity.ToDecimal() * expectedRate)
            {
                return false;
            }
            if (!PriceWasTradedOrQuoted(client, e))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A maker fill needs a public trade from the other side at or through our price at the fill's time;
    /// a taker fill's price is a level of the book (replayed independently) at that time.
    /// </summary>
    private static bool PriceWasTradedOrQuoted(ScriptedClient client, OrderEvent e)
    {
        if (e.Fill.Liquidity == Liquidity.Maker)
        {
            return client.Trades.Any(t =>
                t.ExchangeTimeNs == e.TimeNs
                && t.TradeAggressor != e.Side
                && (e.Side == Side.Buy ? t.TradePrice <= e.Fill.Price : t.TradePrice >= e.Fill.Price));
        }
        var book = IndependentBook.At(SampleSlice.Files, e.TimeNs);
        var levels = e.Side == Side.Buy ? book.Asks : book.Bids;
        return Enumerable.Range(0, levels.Count).Any(d => levels[d].Price == e.Fill.Price);
    }
}
