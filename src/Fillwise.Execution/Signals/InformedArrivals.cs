using Fillwise.Core;

namespace Fillwise.Execution.Signals;

/// <summary>
/// Informed TCA flow: like <see cref="SeededArrivals"/> (same schedule, same symbol draw), but the side follows
/// a disclosed short-horizon signal a live client has — the signed trade flow (aggressor buy minus sell
/// quantity) over the last <c>Window</c> — so the parent is on the side the market is moving, and delay has a
/// cost, as it has for a real strategy. A flat flow falls back to the seeded side. The signal strength
/// (|imbalance| in [0, 1]) travels with the parent as its urgency.
/// </summary>
public sealed class InformedArrivals : ISignalSource
{
    private readonly ArrivalOptions _options;
    private readonly Policies.Intel.TradeFlow _flow;
    private DeterministicRandom _random;

    public InformedArrivals(ArrivalOptions options, TimeSpan? window = null)
    {
        options.Validate();
        _options = options;
        _flow = new Policies.Intel.TradeFlow(window ?? TimeSpan.FromSeconds(5));
        _random = new DeterministicRandom(options.Seed);
    }

    public const string Name = "informed";

    public void Start(ISignalHost host) => host.WakeAt(this, host.NowNs + _options.Every.Ticks * 100, 0);

    public void OnWake(long payload, ISignalHost host)
    {
        var quoted = host.QuotedSymbols();
        var pick = _random.NextLong(1_000_000);
        var seededSide = _random.NextDouble() < 0.5 ? Side.Buy : Side.Sell;
        if (quoted.Count > 0)
        {
            var symbol = quoted[(int)(pick % quoted.Count)];
            var imbalance = _flow.Imbalance(symbol, host.NowNs);
            var side = imbalance > 0 ? Side.Buy : imbalance < 0 ? Side.Sell : seededSide;
            host.Emit(new ParentSignal(host.NowNs, symbol, side, null, _options.Notional, Name) { Urgency = Math.Abs(imbalance) });
        }
        host.WakeAt(this, host.NowNs + _options.Every.Ticks * 100, 0);
    }

    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
        if (update.Kind != MarketUpdateKind.Trade)
        {
            return;
        }
        _flow.OnTrade(update.Symbol, update.ExchangeTimeNs, update.TradeAggressor, update.TradeQuantity.ToDouble());
    }
}
