using Fillwise.Core;
using Fillwise.Execution.Policies.Intel;

namespace Fillwise.Execution.Signals;

/// <summary>
/// TCA flow: every <c>Every</c> a parent of <c>Notional</c> on a random quoted symbol, from a seeded stream. Two
/// draws per arrival whatever happens (three in a mixed flow), so every policy sees the identical schedule.
/// <list type="bullet">
/// <item>Uninformed (default): the side is the seeded draw.</item>
/// <item>Informed (<c>informedWindow</c> given): the side follows a disclosed short-horizon signal a live client
/// has — the signed aggressor trade flow over that window — so the parent is on the side the market is moving
/// and delay has a cost, as for a real strategy. A flat flow falls back to the seeded side; |imbalance| travels
/// with the parent as its urgency.</item>
/// <item>Mixed (<c>mixed</c> with the window): a third seeded draw makes each parent informed or not, even odds, as a
/// desk's flow mixes signal-driven orders with rebalancing; each parent's source says which it was.</item>
/// </list>
/// </summary>
public sealed class SeededArrivals : ISignalSource
{
    private readonly ArrivalOptions _options;
    private readonly TradeFlow? _flow;
    private readonly bool _mixed;
    private DeterministicRandom _random;

    public SeededArrivals(ArrivalOptions options, TimeSpan? informedWindow = null, bool mixed = false)
    {
        options.Validate();
        if (mixed && informedWindow is null)
        {
            throw new ArgumentException("a mixed flow needs the informed parents' signal window.", nameof(mixed));
        }
        _options = options;
        _random = new DeterministicRandom(options.Seed);
        _flow = informedWindow is { } window ? new TradeFlow(window) : null;
        _mixed = mixed;
    }

    public void Start(ISignalHost host) => host.WakeAt(this, host.NowNs + _options.Every.Ticks * 100, 0);

    public void OnWake(long payload, ISignalHost host)
    {
        var quoted = host.QuotedSymbols();
        var pick = _random.NextLong(1_000_000);
        var side = _random.NextDouble() < 0.5 ? Side.Buy : Side.Sell;
        // Only a mixed flow draws a third time, so the uninformed and informed schedules stay what they were.
        var informed = _flow is not null && (!_mixed || _random.NextDouble() < 0.5);
        if (quoted.Count > 0)
        {
            var symbol = quoted[(int)(pick % quoted.Count)];
            var urgency = double.NaN;
            if (informed && _flow is { } flow)
            {
                var imbalance = flow.Imbalance(symbol, host.NowNs);
                side = imbalance > 0 ? Side.Buy : imbalance < 0 ? Side.Sell : side;
                urgency = Math.Abs(imbalance);
            }
            host.Emit(new ParentSignal(host.NowNs, symbol, side, null, _options.Notional, informed ? "informed" : "arrivals") { Urgency = urgency });
        }
        host.WakeAt(this, host.NowNs + _options.Every.Ticks * 100, 0);
    }

    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
        if (_flow is not null && update.Kind == MarketUpdateKind.Trade)
        {
            _flow.OnTrade(update.Symbol, update.ExchangeTimeNs, update.TradeAggressor, update.TradeQuantity.ToDouble());
        }
    }
}
