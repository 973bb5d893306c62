using Fillwise.Core;
using System.Globalization;


namespace Fillwise.Intel;

/// <summary>Which KPI thresholds tripped; the reason text is built from these only when someone reads it.</summary>
[Flags]
public enum PolicyTriggers
{
    None = 0,
    InsufficientData = 1 << 0,
    ErrorRate = 1 << 1,
    MakerFillCollapse = 1 << 2,
    Latency = 1 << 3,
    Fallback = 1 << 4,
    FillRatio = 1 << 5,
    Slippage = 1 << 6,
    RegimeForbidsMaker = 1 << 7,
}

public sealed record RouterPolicyOptions
{
    /// <summary>Fewer parent orders than this in the window: Ok, "insufficient data".</summary>
    public int MinOrders { get; init; } = 20;

    public double BrokenErrorRate { get; init; } = 0.20;
    public int BrokenMinMakerAttempts { get; init; } = 10;
    public double BrokenFillRatio { get; init; } = 0.05;
    public double BrokenLatencyP95Ms { get; init; } = 2_000;
    public double DegradedFallbackRatio { get; init; } = 0.60;
    public double DegradedFillRatio { get; init; } = 0.30;
    public double DegradedSlippageP75Bps { get; init; } = 8.0;
    public double OkFallbackRatio { get; init; } = 0.30;
    public double OkFillRatio { get; init; } = 0.60;
    public double TakerBiasGood { get; init; }
    public double TakerBiasOk { get; init; } = 0.25;
    public double TakerBiasDegraded { get; init; } = 0.60;
    public double TakerBiasBroken { get; init; } = 1.0;

    public void Validate()
    {
        const string n = "RouterPolicy"; // its key in an executor config file, where a user meets the message
        OptionChecks.AtLeast(MinOrders, 1, $"{n}.{nameof(MinOrders)}");
        OptionChecks.AtLeast(BrokenMinMakerAttempts, 1, $"{n}.{nameof(BrokenMinMakerAttempts)}");
        OptionChecks.Fraction(BrokenErrorRate, $"{n}.{nameof(BrokenErrorRate)}");
        OptionChecks.Fraction(BrokenFillRatio, $"{n}.{nameof(BrokenFillRatio)}");
        OptionChecks.Fraction(DegradedFallbackRatio, $"{n}.{nameof(DegradedFallbackRatio)}");
        OptionChecks.Fraction(DegradedFillRatio, $"{n}.{nameof(DegradedFillRatio)}");
        OptionChecks.Fraction(OkFallbackRatio, $"{n}.{nameof(OkFallbackRatio)}");
        OptionChecks.Fraction(OkFillRatio, $"{n}.{nameof(OkFillRatio)}");
        OptionChecks.Positive(BrokenLatencyP95Ms, $"{n}.{nameof(BrokenLatencyP95Ms)}");
        OptionChecks.Positive(DegradedSlippageP75Bps, $"{n}.{nameof(DegradedSlippageP75Bps)}");
        OptionChecks.Ascending($"{n}.BrokenFillRatio/DegradedFillRatio/OkFillRatio", BrokenFillRatio, DegradedFillRatio, OkFillRatio);
        OptionChecks.Ascending($"{n}.OkFallbackRatio/DegradedFallbackRatio", OkFallbackRatio, DegradedFallbackRatio);
        OptionChecks.Fraction(TakerBiasGood, $"{n}.{nameof(TakerBiasGood)}");
        OptionChecks.Fraction(TakerBiasOk, $"{n}.{nameof(TakerBiasOk)}");
        OptionChecks.Fraction(TakerBiasDegraded, $"{n}.{nameof(TakerBiasDegraded)}");
        OptionChecks.Fraction(TakerBiasBroken, $"{n}.{nameof(TakerBiasBroken)}");
    }
}

/// <summary>
/// Why a policy was chosen: the tripped thresholds plus the KPIs they were judged on. A struct, so that
/// deciding allocates nothing; <see cref="ToString"/> writes the sentence for people.
/// </summary>
public readonly record struct PolicyReason(PolicyTriggers Triggers, RouterKpis Kpis, Regime Regime, RouterPolicyOptions Options)
{
    public override string ToString()
    {
        var k = Kpis;
        var o = Options;
        var parts = new List<string>();
        if (Has(PolicyTriggers.InsufficientData)) parts.Add(F($"insufficient data ({k.Orders} orders < {o.MinOrders})"));
        if (Has(PolicyTriggers.ErrorRate)) parts.Add(F($"error rate {Pct(k.ErrorRate)} >= {Pct(o.BrokenErrorRate)}"));
        if (Has(PolicyTriggers.MakerFillCollapse)) parts.Add(F($"maker fill ratio {Pct(k.MakerFillRatio)} < {Pct(o.BrokenFillRatio)} over {k.MakerFirstOrders} maker attempts"));
        if (Has(PolicyTriggers.Latency)) parts.Add(F($"latency p95 {k.LatencyP95Ms:F0} ms > {o.BrokenLatencyP95Ms:F0} ms"));
        if (Has(PolicyTriggers.Fallback)) parts.Add(F($"fallback ratio {Pct(k.FallbackRatio)} >= {Pct((k.FallbackRatio >= o.DegradedFallbackRatio ? o.DegradedFallbackRatio : o.OkFallbackRatio))}"));
        if (Has(PolicyTriggers.FillRatio)) parts.Add(F($"maker fill ratio {Pct(k.MakerFillRatio)} < {Pct((k.MakerFillRatio < o.DegradedFillRatio ? o.DegradedFillRatio : o.OkFillRatio))}"));
        if (Has(PolicyTriggers.Slippage)) parts.Add(F($"slippage p75 {k.SlippageP75Bps:F2} bps > {o.DegradedSlippageP75Bps:F2} bps"));
        if (Has(PolicyTriggers.RegimeForbidsMaker)) parts.Add($"maker-first off in {Regime} regime");
        return parts.Count == 0
            ? F($"all KPIs within bounds (fill {Pct(k.MakerFillRatio)}, fallback {Pct(k.FallbackRatio)}, errors {Pct(k.ErrorRate)}, {k.Orders} orders)")
            : string.Join("; ", parts);
    }

    /// <summary>"35.0%": invariant culture's percent format puts a space before the sign.</summary>
    private static string Pct(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private bool Has(PolicyTriggers trigger) => (Triggers & trigger) != 0;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The router's marching orders for a symbol (seed v5.10.4).</summary>
public readonly record struct RouterPolicy(bool MakerFirst, double TakerBias, RouterQuality Quality, PolicyReason Reason);

/// <summary>
/// Classifies router quality from KPIs and regime. Worst class first: Broken (error rate, maker fills collapsed
/// over enough attempts, latency), Degraded (fallback, fill ratio, slippage), Ok (milder fallback/fill), else
/// Good. A NaN KPI is "not measured" and trips nothing. Good/Ok allow maker-first; Degraded only in Quiet or
/// Normal regimes; Broken never.
/// </summary>
public sealed class RouterPolicyEngine
{
    private readonly RouterPolicyOptions _o;

    public RouterPolicyEngine(RouterPolicyOptions? options = null)
    {
        _o = options ?? new RouterPolicyOptions();
        _o.Validate();
    }

    public RouterPolicyOptions Options => _o;

    public RouterPolicy Decide(in RouterKpis kpis, Regime regime)
    {
        if (!Enum.IsDefined(regime))
        {
            regime = Regime.Normal;
        }
        if (kpis.Orders < _o.MinOrders)
        {
            return Make(RouterQuality.Ok, PolicyTriggers.InsufficientData, kpis, regime);
        }
        var broken = PolicyTriggers.None;
        if (kpis.ErrorRate >= _o.BrokenErrorRate) broken |= PolicyTriggers.ErrorRate;
        if (kpis.MakerFirstOrders >= _o.BrokenMinMakerAttempts && kpis.MakerFillRatio < _o.BrokenFillRatio) broken |= PolicyTriggers.MakerFillCollapse;
        if (kpis.LatencyP95Ms > _o.BrokenLatencyP95Ms) broken |= PolicyTriggers.Latency;
        if (broken != PolicyTriggers.None)
        {
            return Make(RouterQuality.Broken, broken, kpis, regime);
        }
        var degraded = PolicyTriggers.None;
        if (kpis.FallbackRatio >= _o.DegradedFallbackRatio) degraded |= PolicyTriggers.Fallback;
        if (kpis.MakerFillRatio < _o.DegradedFillRatio) degraded |= PolicyTriggers.FillRatio;
        if (kpis.SlippageP75Bps > _o.DegradedSlippageP75Bps) degraded |= PolicyTriggers.Slippage;
        if (degraded != PolicyTriggers.None)
        {
            return Make(RouterQuality.Degraded, degraded, kpis, regime);
        }
        var ok = PolicyTriggers.None;
        if (kpis.FallbackRatio >= _o.OkFallbackRatio) ok |= PolicyTriggers.Fallback;
        if (kpis.MakerFillRatio < _o.OkFillRatio) ok |= PolicyTriggers.FillRatio;
        return ok != PolicyTriggers.None ? Make(RouterQuality.Ok, ok, kpis, regime) : Make(RouterQuality.Good, PolicyTriggers.None, kpis, regime);
    }

    private RouterPolicy Make(RouterQuality quality, PolicyTriggers triggers, in RouterKpis kpis, Regime regime)
    {
        var (makerFirst, bias) = quality switch
        {
            RouterQuality.Good => (true, _o.TakerBiasGood),
            RouterQuality.Ok => (true, _o.TakerBiasOk),
            RouterQuality.Degraded => (regime is Regime.Quiet or Regime.Normal, _o.TakerBiasDegraded),
            _ => (false, _o.TakerBiasBroken),
        };
        if (quality == RouterQuality.Degraded && !makerFirst)
        {
            triggers |= PolicyTriggers.RegimeForbidsMaker;
        }
        return new RouterPolicy(makerFirst, bias, quality, new PolicyReason(triggers, kpis, regime, _o));
    }
}
