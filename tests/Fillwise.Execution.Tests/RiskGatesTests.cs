using Fillwise.Core;
using Fillwise.Execution.Risk;
using Fillwise.Intel;

namespace Fillwise.Execution.Tests;

public sealed class RiskGatesTests
{
    private static readonly Symbol Btc = new("BTCUSDT");

    public static TheoryData<bool, double, Regime, decimal, decimal, decimal, Side, RiskVerdict, RiskReason> Cases() => new()
    {
        // enabled, drawdown, regime, symbol position notional, gross, order notional, side -> verdict, reason
        { true, 0.00, Regime.Normal, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Allow, RiskReason.None },
        { false, 0.00, Regime.Normal, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.SymbolDisabled },
        { true, 0.06, Regime.Normal, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Scale, RiskReason.DrawdownSoft },
        { true, 0.10, Regime.Normal, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.DrawdownHard },
        { true, 0.00, Regime.Panic, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.VolatilityGuard },
        { true, 0.00, Regime.Normal, 248_000m, 248_000m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.SymbolExposureCap },
        { true, 0.00, Regime.Normal, 248_000m, 248_000m, 5_000m, Side.Sell, RiskVerdict.Allow, RiskReason.None },
        { true, 0.00, Regime.Normal, 0m, 999_000m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.GrossExposureCap },
        // The toggle wins over everything else; the hard drawdown over the volatility guard.
        { false, 0.50, Regime.Panic, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.SymbolDisabled },
        { true, 0.50, Regime.Panic, 0m, 0m, 5_000m, Side.Buy, RiskVerdict.Deny, RiskReason.DrawdownHard },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GatesRunInOrderAndReturnTypedDecisions(bool enabled, double drawdown, Regime regime, decimal position, decimal gross, decimal order, Side side, RiskVerdict verdict, RiskReason reason)
    {
        var decision = new RiskGates().Check(new RiskInputs(Btc, side, enabled, drawdown, regime, position, gross, order));
        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(reason, decision.Reason);
        Assert.Equal(verdict == RiskVerdict.Scale ? 0.5 : verdict == RiskVerdict.Deny ? 0 : 1, decision.Scale);
    }

    [Theory]
    [InlineData(0, 64_000, RiskReason.InvalidSize)]
    [InlineData(1, 64_000, RiskReason.BelowMinNotional)]
    [InlineData(2, 64_000, RiskReason.None)]
    public void ExchangeFiltersAreTheLastGate(long lots, int price, RiskReason reason) =>
        Assert.Equal(reason, RiskGates.CheckFilters(SymbolCatalog.Default.Get(Btc), lots, price).Reason);

    [Fact]
    public void BadOptionsAreRefusedOnceAtBuildTime() =>
        Assert.Contains("DrawdownSoft", Assert.Throws<OptionsException>(() => new RiskGates(new RiskOptions { DrawdownSoft = 0.2, DrawdownHard = 0.1 })).Message, StringComparison.Ordinal);
}
