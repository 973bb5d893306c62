using Fillwise.Core;
using Fillwise.Execution.Signals;

namespace Fillwise.Execution.Tests;

/// <summary>One parent of <paramref name="notional"/> USDT on the first market update.</summary>
internal sealed class OneParent(Side side, decimal notional) : ISignalSource
{
    private bool _sent;

    public void Start(ISignalHost host)
    {
    }

    public void OnWake(long payload, ISignalHost host)
    {
    }

    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
        if (!_sent)
        {
            _sent = true;
            host.Emit(new ParentSignal(host.NowNs, update.Symbol, side, null, notional));
        }
    }
}

/// <summary>Asks to buy 1,000 USDT of the updated symbol on every market update.</summary>
internal sealed class BuyOnEveryUpdate : ISignalSource
{
    public void Start(ISignalHost host)
    {
    }

    public void OnWake(long payload, ISignalHost host)
    {
    }

    public void OnMarket(in MarketUpdate update, ISignalHost host) => host.Emit(new ParentSignal(host.NowNs, update.Symbol, Side.Buy, null, 1_000m));
}
