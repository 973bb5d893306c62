using FsCheck;
using FsCheck.Fluent;
using Fillwise.Core;
using Fillwise.MarketData.Klines;
using Fillwise.TestData;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>The venue's conservation property in bar mode, on the real BTCUSDT 1-minute klines in samples/.</summary>
public sealed class BarConservationProperties
{
    private static readonly KlineSeries Btc = KlineFile.Scan(TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"));

    private static readonly Gen<ScriptedOrder> OrderGen =
        from delay in Gen.Choose(0, 600_000)
        from type in Gen.Elements(OrderType.Limit, OrderType.PostOnly, OrderType.Ioc, OrderType.Market)
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from offset in Gen.Choose(-400, 300)
        from lots in Gen.Choose(2, 400)
        from cancel in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 300_000).Select(ms => (int?)ms))
        select new ScriptedOrder(delay, type, side, offset, lots, cancel);

    private static int _expired, _limitFills;

    [Fact]
    public void EveryUnitIsFilledOpenCancelledOrExpiredOnceAndAnExpiredOrderNeverFillsLater()
    {
        Prop.ForAll(Gen.ArrayOf(OrderGen).Select(a => a.Take(20).ToArray()).ToArbitrary(), Check).QuickCheckThrowOnFailure();
        Assert.True(_expired > 0 && _limitFills > 0, $"expired {_expired}, limit fills {_limitFills}");
    }

    private static bool Check(ScriptedOrder[] script)
    {
        using var venue = ReplayVenues.FromBars([Btc]);
        var client = BusyStrategy.Run(venue, script, warmUpdates: 30);
        foreach (var state in venue.Orders())
        {
            if (state.Filled.Raw + state.Open.Raw + state.Canceled.Raw + state.Expired.Raw != state.Quantity.Raw
                || client.FillsOf(state.ClientOrderId).Sum(f => f.Fill.Quantity.Raw) != state.Filled.Raw)
            {
                return false;
            }
        }
        var expiredAt = new Dictionary<long, long>();
        foreach (var (timeNs, e) in client.Events)
        {
            if (e.Kind == OrderEventKind.Expired)
            {
                _expired++;
                if (!expiredAt.TryAdd(e.ClientOrderId, timeNs))
                {
                    return false; // expired twice
                }
            }
            else if (e.Kind == OrderEventKind.Filled)
            {
                if (expiredAt.ContainsKey(e.ClientOrderId))
                {
                    return false; // filled after being reported expired
                }
                if (venue.Orders().Any(o => o.ClientOrderId == e.ClientOrderId && o.Type == OrderType.Limit))
                {
                    _limitFills++;
                }
            }
        }
        return true;
    }
}
