using Fillwise.Core;

namespace Fillwise.Execution.Signals;

/// <summary>What a signal source may do: read the clock and the quoted symbols, ask to be woken, emit parent orders.</summary>
public interface ISignalHost
{
    long NowNs { get; }

    /// <summary>Symbols with a fresh two-sided quote now, sorted by name.</summary>
    IReadOnlyList<Symbol> QuotedSymbols();

    /// <summary><see cref="ISignalSource.OnWake"/> of <paramref name="source"/> with <paramref name="payload"/> at <paramref name="dueNs"/>.</summary>
    void WakeAt(ISignalSource source, long dueNs, long payload);

    /// <summary>A parent order now: risk, sizing and the policy decide what becomes of it.</summary>
    void Emit(ParentSignal signal);
}

/// <summary>
/// Where parent orders come from (the Signal of Lean's Signal -> Risk -> Sizing -> Execution): a user's
/// signals file, a seeded arrival schedule, or a strategy on the feed. Called on the executor's thread.
/// </summary>
public interface ISignalSource
{
    /// <summary>The first market event arrived: schedule wake-ups.</summary>
    void Start(ISignalHost host);

    void OnWake(long payload, ISignalHost host);

    /// <summary>Every market update, after the executor's own state has taken it in.</summary>
    void OnMarket(in MarketUpdate update, ISignalHost host);
}
