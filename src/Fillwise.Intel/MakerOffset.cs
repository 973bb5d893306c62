using Fillwise.Core;
namespace Fillwise.Intel;

public sealed record MakerOffsetOptions
{
    public double MinBps { get; init; } = 0.5;
    public double MaxBps { get; init; } = 8.0;
    public double QuietBaseBps { get; init; } = 1.0;
    public double NormalBaseBps { get; init; } = 2.0;
    public double HotBaseBps { get; init; } = 4.0;
    public double PanicBaseBps { get; init; } = 6.0;

    /// <summary>Added per bp of p75 slippage cost (negative slippage, i.e. price improvement, adds nothing).</summary>
    public double SlippageWeight { get; init; } = 0.25;

    /// <summary>Slippage beyond this many bps adds nothing more.</summary>
    public double SlippageCapBps { get; init; } = 8.0;

    /// <summary>Added at a fallback ratio of 1 (linear in the ratio).</summary>
    public double FallbackWeightBps { get; init; } = 3.0;

    /// <summary>Fill ratio 1 subtracts half of this, fill ratio 0 adds half of it.</summary>
    public double FillRatioWeightBps { get; init; } = 2.0;

    /// <summary>The hour's expectancy at which its contribution saturates.</summary>
    public double ExpectancyScaleBps { get; init; } = 10.0;

    /// <summary>A hour at -scale expectancy adds this; at +scale it subtracts it.</summary>
    public double ExpectancyWeightBps { get; init; } = 0.5;

    public void Validate()
    {
        const string n = "MakerOffset"; // its key in an executor config file, where a user meets the message
        OptionChecks.NonNegative(MinBps, $"{n}.{nameof(MinBps)}");
        OptionChecks.Ascending($"{n}.MinBps/MaxBps", MinBps, MaxBps);
        OptionChecks.NonDecreasing($"{n}.QuietBaseBps/NormalBaseBps/HotBaseBps/PanicBaseBps", QuietBaseBps, NormalBaseBps, HotBaseBps, PanicBaseBps);
        OptionChecks.NonNegative(SlippageWeight, $"{n}.{nameof(SlippageWeight)}");
        OptionChecks.Positive(SlippageCapBps, $"{n}.{nameof(SlippageCapBps)}");
        OptionChecks.NonNegative(FallbackWeightBps, $"{n}.{nameof(FallbackWeightBps)}");
        OptionChecks.NonNegative(FillRatioWeightBps, $"{n}.{nameof(FillRatioWeightBps)}");
        OptionChecks.Positive(ExpectancyScaleBps, $"{n}.{nameof(ExpectancyScaleBps)}");
        OptionChecks.NonNegative(ExpectancyWeightBps, $"{n}.{nameof(ExpectancyWeightBps)}");
    }
}

/// <summary>Inputs of the maker offset. NaN/∞ means unknown: that input contributes 0 and is counted.</summary>
public readonly record struct MakerOffsetInputs(Regime Regime, double SlippageP75Bps, double FallbackRatio, double MakerFillRatio, double HourExpectancyBps)
{
    public static MakerOffsetInputs From(Regime regime, in RouterKpis kpis, double hourExpectancyBps) =>
        new(regime, kpis.SlippageP75Bps, kpis.FallbackRatio, kpis.MakerFillRatio, hourExpectancyBps);
}

/// <summary>
/// The offset from the touch in bps, and what each input contributed (they sum to the unclamped total), so
/// that the dashboard can explain it. <c>Clamped</c> says the bounds changed the sum.
/// </summary>
public readonly record struct MakerOffset(
    double OffsetBps,
    double RegimeBaseBps,
    double SlippageBps,
    double FallbackBps,
    double FillRatioBps,
    double ExpectancyBps,
    bool Clamped,
    int UnknownInputs);

/// <summary>
/// Adaptive maker offset (seed v5.10.3): base by regime plus adjustments for slippage, fallback, fill ratio and
/// the hour's expectancy, bounded to [MinBps, MaxBps]. Monotone non-decreasing in regime hotness, slippage and
/// fallback ratio; non-increasing in maker fill ratio and expectancy. Never outside the bounds.
/// </summary>
public sealed class MakerOffsetEngine
{
    private readonly MakerOffsetOptions _o;

    public MakerOffsetEngine(MakerOffsetOptions? options = null)
    {
        _o = options ?? new MakerOffsetOptions();
        _o.Validate();
    }

    public MakerOffset Compute(in MakerOffsetInputs inputs)
    {
        var unknown = 0;
        var regimeBase = inputs.Regime switch
        {
            Regime.Quiet => _o.QuietBaseBps,
            Regime.Hot => _o.HotBaseBps,
            Regime.Panic => _o.PanicBaseBps,
            Regime.Normal => _o.NormalBaseBps,
            _ => Unknown(ref unknown, _o.NormalBaseBps),
        };
        var slippage = Known(inputs.SlippageP75Bps, ref unknown)
            ? _o.SlippageWeight * Math.Clamp(inputs.SlippageP75Bps, 0, _o.SlippageCapBps)
            : 0;
        var fallback = Known(inputs.FallbackRatio, ref unknown)
            ? _o.FallbackWeightBps * Math.Clamp(inputs.FallbackRatio, 0, 1)
            : 0;
        var fill = Known(inputs.MakerFillRatio, ref unknown)
            ? -_o.FillRatioWeightBps * (Math.Clamp(inputs.MakerFillRatio, 0, 1) - 0.5)
            : 0;
        var expectancy = Known(inputs.HourExpectancyBps, ref unknown)
            ? -_o.ExpectancyWeightBps * Math.Clamp(inputs.HourExpectancyBps / _o.ExpectancyScaleBps, -1, 1)
            : 0;
        var total = regimeBase + slippage + fallback + fill + expectancy;
        var bounded = Math.Clamp(total, _o.MinBps, _o.MaxBps);
        return new MakerOffset(bounded, regimeBase, slippage, fallback, fill, expectancy, bounded != total, unknown);
    }

    private static bool Known(double value, ref int unknown)
    {
        if (double.IsFinite(value))
        {
            return true;
        }
        unknown++;
        return false;
    }

    private static double Unknown(ref int unknown, double neutral)
    {
        unknown++;
        return neutral;
    }
}
