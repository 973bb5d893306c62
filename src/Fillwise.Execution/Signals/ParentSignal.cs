using Fillwise.Core;

namespace Fillwise.Execution;

/// <summary>
/// A request to trade: a parent order. Exactly one of <c>Quantity</c> (base units) and <c>Notional</c> (USDT)
/// is set; the executor sizes it and routes it as child orders. <c>Line</c> names its source line, if any.
/// </summary>
public sealed record ParentSignal(long TimeNs, Symbol Symbol, Side Side, decimal? Quantity, decimal? Notional, string? Source = null)
{
    /// <summary>How strongly the source expects the price to move its way soon, in [0, 1]; NaN = not known.</summary>
    public double Urgency { get; init; } = double.NaN;
}

/// <summary>A seeded parent-order arrival schedule for TCA: every <c>Every</c>, a random symbol and side, a fixed notional.</summary>
public sealed record ArrivalOptions(TimeSpan Every, decimal Notional, ulong Seed)
{
    public void Validate()
    {
        OptionChecks.Within(Every, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(30), "--arrivals");
        OptionChecks.Within((double)Notional, 1e-8, 1e12, "--notional");
    }
}
