using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.Risk;

public enum RiskVerdict : byte
{
    Allow = 0,
    Scale,
    Deny,
}

/// <summary>Why a gate scaled or denied. <c>None</c> when allowed.</summary>
public enum RiskReason : byte
{
    None = 0,
    SymbolDisabled,
    DrawdownSoft,
    DrawdownHard,
    VolatilityGuard,
    SymbolExposureCap,
    GrossExposureCap,
    BelowMinNotional,
    InvalidSize,
    /// <summary>No fresh two-sided quote for the symbol (before its data starts, after it stops, or an unknown symbol).</summary>
    NoMarketData,
    /// <summary>The symbol's book is out of sync (a gap in its update ids, or no snapshot yet): its prices cannot be trusted.</summary>
    BookNotInSync,
    /// <summary>One side of the symbol's book is empty: no touch to post at or to take from.</summary>
    OneSidedBook,
    /// <summary>The symbol's best bid is at or above its best ask: a post-only order would take, a taker order would pay a wrong price.</summary>
    CrossedBook,
}

/// <summary>A gate's typed answer: allow, scale by <c>Scale</c> (0..1), or deny — never an exception.</summary>
public readonly record struct RiskDecision(RiskVerdict Verdict, double Scale, RiskReason Reason)
{
    public static RiskDecision Allow { get; } = new(RiskVerdict.Allow, 1.0, RiskReason.None);

    public static RiskDecision Deny(RiskReason reason) => new(RiskVerdict.Deny, 0, reason);

    public bool IsDenied => Verdict == RiskVerdict.Deny;
}

public sealed record RiskOptions
{
    /// <summary>Past this drawdown from the equity peak new risk is scaled by <see cref="SoftScale"/>.</summary>
    public double DrawdownSoft { get; init; } = 0.05;
    public double SoftScale { get; init; } = 0.5;
    /// <summary>Past this drawdown new risk is denied.</summary>
    public double DrawdownHard { get; init; } = 0.10;
    /// <summary>Deny new risk in the Panic regime.</summary>
    public bool VolatilityGuard { get; init; } = true;
    /// <summary>Maximum absolute position notional per symbol, USDT.</summary>
    public decimal MaxSymbolNotional { get; init; } = 250_000m;
    /// <summary>Maximum sum of absolute position notionals, USDT.</summary>
    public decimal MaxGrossNotional { get; init; } = 1_000_000m;

    public void Validate()
    {
        OptionChecks.Ascending("Risk.DrawdownSoft/DrawdownHard (within (0, 1))", 0, DrawdownSoft, DrawdownHard, 1);
        OptionChecks.Within(SoftScale, 1e-9, 1, "Risk.SoftScale");
        OptionChecks.Within((double)MaxSymbolNotional, 1e-8, 1e15, "Risk.MaxSymbolNotional");
        OptionChecks.Within((double)MaxGrossNotional, (double)MaxSymbolNotional, 1e16, "Risk.MaxGrossNotional");
    }
}

/// <summary>What the gates look at for one new order.</summary>
public readonly record struct RiskInputs(
    Symbol Symbol,
    Side Side,
    bool SymbolEnabled,
    double Drawdown,
    Regime Regime,
    decimal SymbolPositionNotional,
    decimal GrossNotional,
    decimal OrderNotional);

/// <summary>
/// The risk gates, in order: symbol toggle, drawdown guard (soft scale, hard deny), volatility guard, exposure
/// caps. Exchange filters run after sizing (<see cref="CheckFilters"/>). The first deny wins; scales multiply.
/// Gates stay authoritative over anything the intelligence suggests.
/// </summary>
public sealed class RiskGates
{
    private readonly RiskOptions _o;

    public RiskGates(RiskOptions? options = null)
    {
        _o = options ?? new RiskOptions();
        _o.Validate();
    }

    public RiskDecision Check(in RiskInputs inputs)
    {
        if (!inputs.SymbolEnabled)
        {
            return RiskDecision.Deny(RiskReason.SymbolDisabled);
        }
        if (inputs.Drawdown >= _o.DrawdownHard)
        {
            return RiskDecision.Deny(RiskReason.DrawdownHard);
        }
        if (_o.VolatilityGuard && inputs.Regime == Regime.Panic)
        {
            return RiskDecision.Deny(RiskReason.VolatilityGuard);
        }
        // Exposure caps only bind orders that add exposure; reducing a position is always allowed.
        var signed = inputs.Side == Side.Buy ? inputs.OrderNotional : -inputs.OrderNotional;
        var after = Math.Abs(inputs.SymbolPositionNotional + signed);
        var adds = after > Math.Abs(inputs.SymbolPositionNotional);
        if (adds && after > _o.MaxSymbolNotional)
        {
            return RiskDecision.Deny(RiskReason.SymbolExposureCap);
        }
        if (adds && inputs.GrossNotional - Math.Abs(inputs.SymbolPositionNotional) + after > _o.MaxGrossNotional)
        {
            return RiskDecision.Deny(RiskReason.GrossExposureCap);
        }
        return inputs.Drawdown >= _o.DrawdownSoft
            ? new RiskDecision(RiskVerdict.Scale, _o.SoftScale, RiskReason.DrawdownSoft)
            : RiskDecision.Allow;
    }

    /// <summary>The last gate: the sized order must be a whole number of steps and meet the minimum notional.</summary>
    public static RiskDecision CheckFilters(SymbolFilters filters, long lots, decimal price) =>
        lots <= 0 ? RiskDecision.Deny(RiskReason.InvalidSize)
        : filters.Notional(price, filters.LotsToQuantity(lots)) < filters.MinNotional ? RiskDecision.Deny(RiskReason.BelowMinNotional)
        : RiskDecision.Allow;
}
