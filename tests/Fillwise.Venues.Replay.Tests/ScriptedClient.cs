using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>A venue client for tests: records everything it receives and runs scripted actions.</summary>
internal sealed class ScriptedClient(ReplayVenue venue) : IVenueListener
{
    public List<(long TimeNs, OrderEvent Event)> Events { get; } = [];
    public List<MarketUpdate> Trades { get; } = [];
    public MarketUpdate Last { get; private set; }
    public long MarketUpdates { get; private set; }

    /// <summary>Called on every market update until it returns true.</summary>
    public Func<ScriptedClient, MarketUpdate, bool>? OnMarketOnce { get; set; }

    /// <summary>Called on every market update.</summary>
    public Action<ScriptedClient, MarketUpdate>? OnEveryMarket { get; set; }

    public Action<ScriptedClient, OrderEvent>? OnEvent { get; set; }

    public Dictionary<long, Action<ScriptedClient>> Timers { get; } = [];

    public ReplayVenue Venue { get; } = venue;

    public void OnMarket(in MarketUpdate update)
    {
        Last = update;
        MarketUpdates++;
        if (update.Kind == MarketUpdateKind.Trade)
        {
            Trades.Add(update);
        }
        if (OnMarketOnce is { } once && once(this, update))
        {
            OnMarketOnce = null;
        }
        OnEveryMarket?.Invoke(this, update);
    }

    public void OnOrderEvent(in OrderEvent orderEvent)
    {
        Events.Add((Venue.NowNs, orderEvent));
        OnEvent?.Invoke(this, orderEvent);
    }

    public void OnTimer(long token)
    {
        if (Timers.Remove(token, out var action))
        {
            action(this);
        }
    }

    public void At(long dueNs, long token, Action<ScriptedClient> action)
    {
        Timers[token] = action;
        Venue.SetTimer(dueNs, token);
    }

    public IEnumerable<OrderEvent> For(long id) => Events.Select(e => e.Event).Where(e => e.ClientOrderId == id);

    public IEnumerable<(long TimeNs, Fill Fill)> FillsOf(long id) =>
        Events.Where(e => e.Event.ClientOrderId == id && e.Event.Kind == OrderEventKind.Filled).Select(e => (e.Event.TimeNs, e.Event.Fill));
}

internal static class Venues
{
    public static readonly Symbol Btc = new("BTCUSDT");

    public static readonly string[] SampleBtc = [TestData.TestPaths.SampleCapture("btcusdt_20240718.gz")];

    /// <summary>Zero latency everywhere: the client acts on exactly the book the venue matches against.</summary>
    public static ReplayVenueOptions Instant(QueueModel queue = QueueModel.None) => new()
    {
        QueueModel = queue,
        Latency = new LatencyOptions
        {
            OrderEntry = LatencySpec.Constant(TimeSpan.Zero),
            Cancel = LatencySpec.Constant(TimeSpan.Zero),
            Response = LatencySpec.Constant(TimeSpan.Zero),
        },
    };

    public static OrderRequest Order(long id, Side side, OrderType type, decimal quantity, Fixed8 price = default) =>
        new(id, Btc, side, type, Fixed8.FromDecimal(quantity), price);

    public static Fixed8 Ticks(this Fixed8 price, int ticks, decimal tick = 0.1m) => new(price.Raw + ticks * Fixed8.FromDecimal(tick).Raw);
}
