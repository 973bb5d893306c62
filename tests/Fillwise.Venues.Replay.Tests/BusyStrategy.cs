using Fillwise.TestData;
using System.Globalization;
using System.Text;
using Fillwise.Core;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>One scripted order: when (after the start), what, where relative to the touch, and when to cancel it.</summary>
internal sealed record ScriptedOrder(int DelayMs, OrderType Type, Side Side, int OffsetTicks, int Lots, int? CancelAfterMs);

/// <summary>Runs a script of orders against a venue, reacting to nothing but time and the touch.</summary>
internal static class BusyStrategy
{
    public static ScriptedClient Run(ReplayVenue venue, IReadOnlyList<ScriptedOrder> script, int warmUpdates = 300)
    {
        var client = new ScriptedClient(venue);
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < warmUpdates || !m.HasTwoSidedQuote)
            {
                return false;
            }
            var start = c.Venue.NowNs;
            for (var i = 0; i < script.Count; i++)
            {
                var id = i + 1L;
                var step = script[i];
                c.At(start + step.DelayMs * 1_000_000L, -id, x => Send(x, id, step));
            }
            return true;
        };
        VenueLoop.RunToEnd(venue, client);
        return client;
    }

    /// <summary>A fixed busy script: every type, both sides, passive and crossing prices, some cancels.</summary>
    public static IReadOnlyList<ScriptedOrder> Mixed(int count)
    {
        var types = new[] { OrderType.PostOnly, OrderType.Ioc, OrderType.PostOnly, OrderType.Market, OrderType.Limit };
        return [.. Enumerable.Range(0, count).Select(i => new ScriptedOrder(
            DelayMs: i * 1_500,
            Type: types[i % types.Length],
            Side: i % 2 == 0 ? Side.Buy : Side.Sell,
            OffsetTicks: (i % 7) - 4,
            Lots: 2 + (i % 5) * 3,
            CancelAfterMs: i % 3 == 0 ? 4_000 : null))];
    }

    /// <summary>Every order event the client received, one per line, for byte-for-byte comparisons.</summary>
    public static string Transcript(ScriptedClient client, Func<OrderEvent, bool>? filter = null)
    {
        var text = new StringBuilder();
        foreach (var (timeNs, e) in client.Events)
        {
            if (filter is not null && !filter(e))
            {
                continue;
            }
            text.Append(CultureInfo.InvariantCulture, $"{timeNs} {e.TimeNs} {e.Kind} {e.ClientOrderId} {e.Side} {e.Fill.Price} {e.Fill.Quantity} {e.Fill.Liquidity} {e.Fill.Fee} {e.Reject.Code} {e.Quantity}\n");
        }
        return text.ToString();
    }

    private static void Send(ScriptedClient c, long id, ScriptedOrder step)
    {
        var m = c.Last;
        // Positive offsets move toward (and past) the other side; negative ones away from it.
        var reference = step.Side == Side.Buy ? m.BidPrice : m.AskPrice;
        var price = new Fixed8(reference.Raw + step.Side.Sign() * step.OffsetTicks * 10_000_000L);
        c.Venue.Submit(new OrderRequest(id, Venues.Btc, step.Side, step.Type, new Fixed8(step.Lots * 100_000L), step.Type == OrderType.Market ? default : price));
        if (step.CancelAfterMs is { } after)
        {
            c.At(c.Venue.NowNs + after * 1_000_000L, id, x => x.Venue.Cancel(Venues.Btc, id));
        }
    }
}
