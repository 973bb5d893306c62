using Fillwise.Core;
using Fillwise.Execution.IntelState;
using Fillwise.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>What a policy sees when it plans a parent order: the order, the market now, the symbol's intelligence.</summary>
public readonly record struct PolicyInputs(
    Symbol Symbol,
    Side Side,
    long NowNs,
    SymbolFilters Filters,
    in MarketUpdate Quote,
    in IntelReading Intel);

/// <summary>
/// How a policy wants one parent order worked (Lean's IExecutionModel output). The router owns the
/// lifecycle; the plan only says what to do.
/// <list type="bullet">
/// <item><c>MakerFirst</c> false: the whole parent goes IOC/market now.</item>
/// <item>Otherwise a post-only child at the touch moved <c>OffsetBps</c> away from the market (0 = at the touch),
/// for at most <c>MakerTimeout</c>, then the remainder goes taker.</item>
/// </list>
/// <c>PegReprices</c> &gt; 0: while resting, when the touch moves away from the order's price, cancel and re-post
/// at the new touch (at most that many times, within the same deadline). <c>View</c> is the policy's account of
/// why, recorded in the RouterContext.
/// </summary>
public readonly record struct ExecutionPlan(bool MakerFirst, double OffsetBps, TimeSpan MakerTimeout, PolicyView View, int PegReprices = 0)
{
    /// <summary>The policy's predicted probability that the maker leg fills within its timeout; NaN when it does not predict.</summary>
    public double FillProbability { get; init; } = double.NaN;

    /// <summary>The policy's expected cost of the chosen action, bps vs arrival mid incl. fees; NaN when it does not predict.</summary>
    public double ExpectedCostBps { get; init; } = double.NaN;

    /// <summary>
    /// Give up waiting (0 = never): while the maker leg rests, once the touch on the order's side has run this many bps
    /// away from where it stood at arrival, cancel and take the remainder — waiting has become dearer than taking.
    /// </summary>
    public double GiveUpBps { get; init; }
}

/// <summary>
/// A policy's view of a symbol, as RouterContext, health and the dashboard show it: router quality, whether it
/// goes maker-first, its taker bias (0 = patient, 1 = always take), the maker offset with its contributions,
/// and the reason (values; <see cref="DecisionReason.ToString"/> gives the words).
/// </summary>
public readonly record struct PolicyView(RouterQuality Quality, bool MakerFirst, double TakerBias, MakerOffset Offset, DecisionReason Reason);

/// <summary>
/// The seam for execution policies: from (parent order, market, intelligence) to a plan. Implementations are
/// registered by name in <see cref="ExecutionPolicies"/>; nothing else switches on which policy runs.
/// Called on the executor's single thread.
/// </summary>
public interface IExecutionPolicy
{
    /// <summary>The registered name (e.g. "static"), stored with every parent order and run.</summary>
    string Name { get; }

    /// <summary>Whether target sizes take the intel size factor (score -> 0.25..1.5) when ExecutorOptions.ApplyIntelSizing is on.</summary>
    bool UsesIntelSizing { get; }

    /// <summary>Every market update of a known symbol, before any decision at that time: what a policy may learn from the feed.</summary>
    void OnMarket(in MarketUpdate update, long nowNs, SymbolFilters filters);

    /// <summary>The plan for one parent order.</summary>
    ExecutionPlan Plan(in PolicyInputs inputs);

    /// <summary>The policy's current view of a symbol without an order (health snapshots).</summary>
    PolicyView View(in PolicyInputs inputs);

    /// <summary>What a learning policy has learned so far (the prior of a later run); null for policies that do not learn.</summary>
    Intel.IntelModel? Learned => null;

    /// <summary>
    /// A parent order this policy planned has completed with some fill, worked as planned (no post-only re-post, no venue
    /// error, a maker leg that could be priced): what its own child orders achieved, for a policy that learns from them.
    /// </summary>
    void OnCompleted(in PlanOutcome outcome)
    {
    }
}

/// <summary>
/// A completed parent order as its planner learns from it: when it arrived, the plan's reason (which carries the
/// expected-cost policy's context and chosen action), the realised cost in bps against the arrival mid with fees, and
/// whether the maker leg filled the whole order.
/// </summary>
public readonly record struct PlanOutcome(Symbol Symbol, long ArrivalNs, DecisionReason Reason, double CostBps, bool MakerFilled);
