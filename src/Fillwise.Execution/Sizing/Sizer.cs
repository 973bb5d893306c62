using Fillwise.Core;

namespace Fillwise.Execution.Sizing;

public sealed record SizingOptions
{
    /// <summary>Risk per order as a fraction of equity (risk budget).</summary>
    public double RiskFraction { get; init; } = 0.005;
    /// <summary>Stop distance in ATRs: base quantity = budget / (k x ATR).</summary>
    public double AtrMultiple { get; init; } = 2.0;
    /// <summary>Inverse-volatility target (NATR in bps); the factor is target / current, clamped.</summary>
    public double TargetNatrBps { get; init; } = 10.0;
    public double MinInverseVol { get; init; } = 0.5;
    public double MaxInverseVol { get; init; } = 2.0;
    /// <summary>Sharpe multiplier = clamp(1 + SharpeSlope x Sharpe).</summary>
    public double SharpeSlope { get; init; } = 0.25;
    public double MinSharpeMultiplier { get; init; } = 0.5;
    public double MaxSharpeMultiplier { get; init; } = 1.5;
    /// <summary>Clamp of the product of all factors.</summary>
    public double MinFinalFactor { get; init; } = 0.1;
    public double MaxFinalFactor { get; init; } = 2.0;
    /// <summary>An ATR-sized base is never more than this fraction of equity in notional (short-bar ATRs are small).</summary>
    public double MaxBaseNotionalFraction { get; init; } = 0.25;

    public void Validate()
    {
        OptionChecks.Within(RiskFraction, 1e-9, 0.1, "Sizing.RiskFraction");
        OptionChecks.Positive(AtrMultiple, "Sizing.AtrMultiple");
        OptionChecks.Positive(TargetNatrBps, "Sizing.TargetNatrBps");
        OptionChecks.Within(MaxBaseNotionalFraction, 1e-9, 10, "Sizing.MaxBaseNotionalFraction");
        OptionChecks.Positive(MinInverseVol, "Sizing.MinInverseVol");
        OptionChecks.Positive(MinSharpeMultiplier, "Sizing.MinSharpeMultiplier");
        OptionChecks.Positive(MinFinalFactor, "Sizing.MinFinalFactor");
        OptionChecks.NonDecreasing("Sizing.MinInverseVol/MaxInverseVol", MinInverseVol, MaxInverseVol);
        OptionChecks.NonDecreasing("Sizing.MinSharpeMultiplier/MaxSharpeMultiplier", MinSharpeMultiplier, MaxSharpeMultiplier);
        OptionChecks.NonDecreasing("Sizing.MinFinalFactor/MaxFinalFactor", MinFinalFactor, MaxFinalFactor);
    }
}

/// <summary>Inputs of one sizing decision. <c>BaseQuantity</c>, when set, replaces the ATR budget (a target size from a signal or a TCA schedule).</summary>
public readonly record struct SizingInputs(
    decimal Equity,
    decimal Price,
    double Atr,
    double NatrBps,
    double RollingSharpe,
    double IntelSizeFactor,
    double RiskScale,
    decimal? BaseQuantity);

/// <summary>Every factor of a size, down to the final quantity in lots (persisted in the RouterContext).</summary>
public readonly record struct SizingResult(
    decimal BaseQuantity,
    double InverseVolFactor,
    double SharpeMultiplier,
    double IntelSizeFactor,
    double RiskScale,
    double FinalSizeFactor,
    long Lots,
    decimal Quantity);

/// <summary>SizeFor: risk budget / (k x ATR) x inverse vol x Sharpe multiplier x intel size factor x risk scale, clamped, floored to the step.</summary>
public sealed class Sizer
{
    private readonly SizingOptions _o;

    public Sizer(SizingOptions? options = null)
    {
        _o = options ?? new SizingOptions();
        _o.Validate();
    }

    public SizingResult SizeFor(in SizingInputs inputs, SymbolFilters filters)
    {
        decimal baseQuantity;
        if (inputs.BaseQuantity is { } target)
        {
            baseQuantity = target;
        }
        else if (double.IsFinite(inputs.Atr) && inputs.Atr > 0)
        {
            baseQuantity = inputs.Equity * (decimal)_o.RiskFraction / (decimal)(_o.AtrMultiple * inputs.Atr);
        }
        else
        {
            // No ATR yet: size the risk budget as if the stop were k x 1 % of the price.
            baseQuantity = inputs.Equity * (decimal)_o.RiskFraction / (decimal)_o.AtrMultiple / (inputs.Price * 0.01m);
        }
        if (inputs.BaseQuantity is null && inputs.Price > 0)
        {
            // The risk budget is an amount of the base asset; COIN-M orders count contracts.
            baseQuantity = Math.Min(filters.QuantityForBase(baseQuantity, inputs.Price), filters.QuantityFor(inputs.Equity * (decimal)_o.MaxBaseNotionalFraction, inputs.Price));
        }
        var inverseVol = double.IsFinite(inputs.NatrBps) && inputs.NatrBps > 0
            ? Math.Clamp(_o.TargetNatrBps / inputs.NatrBps, _o.MinInverseVol, _o.MaxInverseVol)
            : 1.0;
        var sharpe = double.IsFinite(inputs.RollingSharpe)
            ? Math.Clamp(1 + _o.SharpeSlope * inputs.RollingSharpe, _o.MinSharpeMultiplier, _o.MaxSharpeMultiplier)
            : 1.0;
        var intel = double.IsFinite(inputs.IntelSizeFactor) ? inputs.IntelSizeFactor : 1.0;
        var risk = Math.Clamp(inputs.RiskScale, 0, 1);
        // A target size (signal/TCA) is already sized by whoever set it: only the intel and risk factors apply.
        var product = inputs.BaseQuantity is null ? inverseVol * sharpe * intel : intel;
        var final = Math.Clamp(product, _o.MinFinalFactor, _o.MaxFinalFactor) * risk;
        var lots = filters.FloorLots(baseQuantity * (decimal)final);
        return new SizingResult(baseQuantity, inverseVol, sharpe, intel, risk, final, lots, filters.LotsToQuantity(lots));
    }
}
