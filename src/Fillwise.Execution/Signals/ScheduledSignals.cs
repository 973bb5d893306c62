using Fillwise.Core;

namespace Fillwise.Execution.Signals;

/// <summary>A user's signals (e.g. a signals CSV), each emitted at its own time.</summary>
public sealed class ScheduledSignals(IEnumerable<ParentSignal> signals) : ISignalSource
{
    private readonly ParentSignal[] _signals = [.. signals.OrderBy(s => s.TimeNs)];

    public void Start(ISignalHost host)
    {
        for (var i = 0; i < _signals.Length; i++)
        {
            host.WakeAt(this, _signals[i].TimeNs, i);
        }
    }

    public void OnWake(long payload, ISignalHost host) => host.Emit(_signals[payload]);

    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
    }
}
