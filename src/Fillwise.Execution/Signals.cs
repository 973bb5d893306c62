using Fillwise.Core;

namespace Fillwise.Execution;

/// <summary>
/// A request to trade: a parent order. Exactly one of <c>Quantity</c> (base units) and <c>Notional</c> (USDT)
/// is set; the executor sizes it and routes it as child orders. <c>Line</c> names its source line, if any.
/// </summary>
public sealed record ParentSignal(long TimeNs, Symbol Symbol, Side Side, decimal? Quantity, decimal? Notional, string? Source = null);

/// <summary>A seeded parent-order arrival schedule for TCA: every <c>Every</c>, a random symbol and side, a fixed notional.</summary>
public sealed record ArrivalOptions(TimeSpan Every, decimal Notional, ulong Seed)
{
    public void Validate()
    {
        if (Every < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException("--arrivals must be at least 100 ms.");
        }
        if (Notional <= 0)
        {
            throw new ArgumentException("--notional must be positive.");
        }
    }
}
