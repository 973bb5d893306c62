using Fillwise.Execution.Sizing;
using Fillwise.Intel;

namespace Fillwise.Execution.Routing;

/// <summary>Which execution policy drives the router (the A/B arms of the evaluation).</summary>
public enum ExecutionPolicy : byte
{
    /// <summary>Always IOC/market.</summary>
    Taker = 0,
    /// <summary>v5.9: post-only at the touch, fixed timeout, then taker for the remainder.</summary>
    Static,
    /// <summary>v5.10: router policy, adaptive maker offset, timeout shortened by taker bias, learning online.</summary>
    Intel,
}

/// <summary>
/// Everything that decided how a parent order was sized, priced and routed — attached to the order and
/// persisted with it so any decision can be audited afterwards.
/// </summary>
public sealed record RouterContext(
    ExecutionPolicy Policy,
    RouterQuality Quality,
    bool MakerFirst,
    double TakerBias,
    string Reason,
    double MakerOffsetBps,
    MakerOffset OffsetDetail,
    Regime Regime,
    double RegimeRatio,
    double SymbolScore,
    SizingResult Sizing,
    TimeSpan MakerTimeout);
