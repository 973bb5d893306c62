using Fillwise.Execution.Policies;
using Fillwise.Execution.Sizing;
using Fillwise.Intel;

namespace Fillwise.Execution.Routing;

/// <summary>
/// Everything that decided how a parent order was sized, priced and routed — attached to the order and
/// persisted with it so any decision can be audited afterwards.
/// </summary>
public sealed record RouterContext(
    string Policy,
    RouterQuality Quality,
    bool MakerFirst,
    double TakerBias,
    DecisionReason Explanation,
    double MakerOffsetBps,
    MakerOffset OffsetDetail,
    Regime Regime,
    double RegimeRatio,
    double SymbolScore,
    SizingResult Sizing,
    TimeSpan MakerTimeout,
    int PegReprices = 0)
{
    /// <summary>What the policy predicted for its choice (NaN when it does not): P(maker fill within the timeout) and expected cost, bps.</summary>
    public double PredictedFillProbability { get; init; } = double.NaN;

    public double ExpectedCostBps { get; init; } = double.NaN;

    /// <summary>The plan's give-up distance (<see cref="ExecutionPlan.GiveUpBps"/>); 0 = wait for the timeout.</summary>
    public double GiveUpBps { get; init; }

    /// <summary>The policy's reason in words, written from <see cref="Explanation"/> each time it is read (the decision itself only keeps the values).</summary>
    public string Reason => Explanation.ToString();
}
