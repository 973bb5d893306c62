using Fillwise.Core;
using Fillwise.MarketData.Klines;
using Fillwise.TestData;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>Bar mode on the real BTCUSDT 1-minute klines in samples/.</summary>
public sealed class BarModeTests
{
    private static readonly KlineSeries Btc = KlineFile.Scan(TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"));
    private static readonly List<Kline> BtcBars = [.. Btc.ReadBars()];
    private const long Tick = 10_000_000; // 0.1 in Fixed8 raw units

    private static ScriptedClient RunAfterBars(int bars, Action<ScriptedClient, MarketUpdate> act)
    {
        var venue = ReplayVenues.FromBars([Btc]);
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < bars)
            {
                return false;
            }
            act(c, m);
            return true;
        };
        VenueLoop.RunToEnd(venue, client);
        venue.Dispose();
        return client;
    }

    /// <summary>Why bar mode is coarser: nothing of a bar is known before it closes, and the quote is made up from its close.</summary>
    [Fact]
    public void EachBarReachesTheClientAtItsCloseWithASyntheticQuoteAroundTheClose()
    {
        using var venue = ReplayVenues.FromBars([Btc]);
        var seen = new List<(long NowNs, MarketUpdate Update)>();
        var client = new ScriptedClient(venue) { OnEveryMarket = (c, m) => seen.Add((c.Venue.NowNs, m)) };
        VenueLoop.RunToEnd(venue, client);

        Assert.Equal(BtcBars.Count, seen.Count);
        for (var i = 0; i < seen.Count; i++)
        {
            var (nowNs, m) = seen[i];
            var closeNs = (BtcBars[i].OpenTimeMs + 60_000) * 1_000_000;
            var close = Fixed8.FromDecimal(BtcBars[i].Close).Raw;
            Assert.Equal(closeNs, nowNs);
            Assert.Equal(closeNs, m.ExchangeTimeNs);
            Assert.Equal(MarketUpdateKind.Bar, m.Kind);
            Assert.Equal(close, m.Bar.Close.Raw);
            Assert.True(m.BidPrice.Raw <= close && close < m.AskPrice.Raw && m.AskPrice.Raw - m.BidPrice.Raw >= Tick, $"bar {i}: {m.BidPrice} / {m.AskPrice} around {m.Bar.Close}");
        }
    }

    [Theory]
    [InlineData(100, 5)]
    [InlineData(2_000, 20)]
    [InlineData(9_000, 60)]
    public void RestingBuyFillsAtTheFirstBarThatTradesThroughByATick(int afterBars, int ticksBelow)
    {
        Fixed8 price = default;
        var client = RunAfterBars(afterBars, (c, m) =>
        {
            price = new Fixed8(m.Bar.Close.Raw - ticksBelow * Tick);
            c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.PostOnly, 0.01m, price));
        });

        // Oracle: the first bar after this one whose low is at least a tick below the price (a touch is not enough).
        var expected = BtcBars.Skip(afterBars).First(b => Fixed8.FromDecimal(b.Low).Raw <= price.Raw - Tick);
        var (timeNs, fill) = client.FillsOf(1).Single();
        Assert.Equal((expected.OpenTimeMs + 60_000) * 1_000_000, timeNs);
        Assert.Equal(price, fill.Price);
        Assert.Equal(Liquidity.Maker, fill.Liquidity);
        Assert.Equal(0.0002m, fill.FeeRate);
    }

    [Fact]
    public void MarketBuyFillsAtTheNextOpenPlusSpreadAndImpact()
    {
        Kline? previous = null;
        var client = RunAfterBars(500, (c, m) =>
        {
            previous = BtcBars[499];
            c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.Market, 0.5m));
        });

        var next = BtcBars[500];
        var open = (double)next.Open;
        var halfSpread = Math.Max(open * 0.2 / 10_000, 0.05);
        var impact = (double)((previous!.High - previous.Low) / previous.Close) * Math.Sqrt(0.5 / (double)previous.Volume) * open;
        var expected = Math.Ceiling((open + halfSpread + impact) / 0.1) * 0.1;
        var (timeNs, fill) = client.FillsOf(1).Single();
        Assert.Equal((decimal)Math.Round(expected, 1), fill.Price.ToDecimal());
        Assert.True(fill.Price.ToDecimal() > next.Open);
        Assert.Equal(Liquidity.Taker, fill.Liquidity);
        Assert.Equal((next.OpenTimeMs + 60_000) * 1_000_000, timeNs);
    }

    [Fact]
    public void PostOnlyAtTheSyntheticAskIsRejected()
    {
        var client = RunAfterBars(50, (c, m) => c.Venue.Submit(Venues.Order(1, Side.Buy, OrderType.PostOnly, 0.01m, m.AskPrice)));
        var only = Assert.Single(client.For(1));
        Assert.Equal(-5022, only.Reject.Code);
    }
}
