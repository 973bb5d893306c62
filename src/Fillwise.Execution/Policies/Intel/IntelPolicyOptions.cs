using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>Options of the expected-cost policy (<c>intel</c>); defaults are what ships.</summary>
public sealed record IntelPolicyOptions
{
    internal const int MaxPatiences = 8;
    internal const int MaxBehind = 4;
    internal const int MaxGiveUps = 2;
    /// <summary>
    /// Take now, then (peg, touch, each behind offset, peg and touch with each give-up distance) x each patience, at most.
    /// The bound sizes the candidates kept inline with every decision's reason (24 B each), so it stays at 49.
    /// </summary>
    internal const int MaxActions = 1 + (2 + MaxBehind) * MaxPatiences;

    /// <summary>How often a pair of shadow orders (buy and sell) is started per symbol.</summary>
    public TimeSpan ShadowEvery { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>The patiences (maker timeouts) the policy chooses among, seconds.</summary>
    public IReadOnlyList<int> PatiencesS { get; init; } = [5, 15, 30, 60, 120];
    /// <summary>
    /// Fixed passive offsets behind the touch the policy may also rest at, bps (besides pegged and fixed at the touch).
    /// Off by default: on the 07-18/19 captures (the training sets) adding 3 and 8 bps raised intel's cost (BTC -0.81 -> -0.73,
    /// ETH -0.79 -> -0.12 bps vs static).
    /// </summary>
    public IReadOnlyList<double> BehindBps { get; init; } = [];
    /// <summary>
    /// Give-up distances, bps: each adds "peg" and "touch" actions that take the remainder once the touch has run that far
    /// from where it stood at arrival (waiting has become dearer than taking). Off by default: as constants on the 07-18/19
    /// captures (the training sets) every distance from 1 to 8 bps cost more than waiting for the timeout, on informed and
    /// uninformed flow (README, "The evaluation").
    /// </summary>
    public IReadOnlyList<double> GiveUpBps { get; init; } = [];
    /// <summary>Re-posts at the touch allowed to a pegged order.</summary>
    public int PegReprices { get; init; } = 20;
    /// <summary>Completed shadow outcomes a symbol needs before the policy trusts its model (cold start = static at the touch).</summary>
    public int MinSamples { get; init; } = 50;
    /// <summary>
    /// Shrinkage weight: a context cell's mean is pulled toward the symbol's action mean with weight k / (n + k).
    /// 200, chosen on the 07-18/19 captures only (intel - static: BTC -0.81 -> -0.84, ETH -0.79 -> -0.91 bps against k = 30):
    /// over minutes of data the context cells are noisy, and choosing the minimum of noisy means picks lucky cells.
    /// </summary>
    public double Shrinkage { get; init; } = 200;
    /// <summary>
    /// Whether its own completed parents join the shadow outcomes of the action and context chosen for them, one outcome
    /// each, once the action's patience has passed since arrival. On by default: on the 07-18/19 captures (the training
    /// sets, leave-one-out, seed 1) warm intel - static went BTC -0.79 -> -0.82, ETH -0.67 -> -0.81 uninformed and
    /// BTC -0.50 -> -0.55, ETH -0.07 -> -0.52 informed, cold intel within 0.02; learned at completion instead (early fills
    /// first) cold intel lost up to 0.17 there.
    /// </summary>
    public bool LearnFromOwnOrders { get; init; } = true;
    /// <summary>Window of the trade-flow feature (aggressor buy minus sell quantity over total).</summary>
    public TimeSpan FlowWindow { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        OptionChecks.Within(ShadowEvery, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "Intel.ShadowEvery");
        OptionChecks.That(PatiencesS.Count is > 0 and <= MaxPatiences && PatiencesS.All(p => p is >= 1 and <= 600) && PatiencesS.Zip(PatiencesS.Skip(1)).All(p => p.First < p.Second),
            "Intel.PatiencesS must be 1 to 8 ascending values within [1, 600] seconds.");
        OptionChecks.That(BehindBps.Count <= MaxBehind && BehindBps.All(b => b is > 0 and <= 50), "Intel.BehindBps must be at most 4 values within (0, 50] bps.");
        OptionChecks.That(GiveUpBps.Count <= MaxGiveUps && GiveUpBps.All(b => b is > 0 and <= 100),
            FormattableString.Invariant($"Intel.GiveUpBps must be at most 2 values within (0, 100] bps (got [{string.Join(", ", GiveUpBps.Select(b => FormattableString.Invariant($"{b}")))}])."));
        var kinds = 2 + BehindBps.Count + 2 * GiveUpBps.Count;
        OptionChecks.That(1 + kinds * PatiencesS.Count <= MaxActions,
            $"Intel: (2 + BehindBps + 2 x GiveUpBps) x PatiencesS must be at most {MaxActions - 1} actions (got {kinds} x {PatiencesS.Count}).");
        OptionChecks.Within(PegReprices, 0, 1000, "Intel.PegReprices");
        OptionChecks.AtLeast(MinSamples, 1, "Intel.MinSamples");
        OptionChecks.NonNegative(Shrinkage, "Intel.Shrinkage");
        OptionChecks.Within(FlowWindow, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "Intel.FlowWindow");
    }
}
