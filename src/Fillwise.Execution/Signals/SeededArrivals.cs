using Fillwise.Core;

namespace Fillwise.Execution.Signals;

/// <summary>
/// Uninformed TCA flow: every <c>Every</c> a parent of <c>Notional</c> on a random quoted symbol with a random
/// side, from a seeded stream. Two draws per arrival whatever happens, so every policy sees the identical schedule.
/// </summary>
public sealed class SeededArrivals : ISignalSource
{
    private readonly ArrivalOptions _options;
    private DeterministicRandom _random;

    public SeededArrivals(ArrivalOptions options)
    {
        options.Validate();
        _options = options;
        _random = new DeterministicRandom(options.Seed);
    }

    public void Start(ISignalHost host) => host.WakeAt(this, host.NowNs + _options.Every.Ticks * 100, 0);

    public void OnWake(long payload, ISignalHost host)
    {
        var quoted = host.QuotedSymbols();
        var pick = _random.NextLong(1_000_000);
        var side = _random.NextDouble() < 0.5 ? Side.Buy : Side.Sell;
        if (quoted.Count > 0)
        {
            host.Emit(new ParentSignal(host.NowNs, quoted[(int)(pick % quoted.Count)], side, null, _options.Notional, "arrivals"));
        }
        host.WakeAt(this, host.NowNs + _options.Every.Ticks * 100, 0);
    }

    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
    }
}
