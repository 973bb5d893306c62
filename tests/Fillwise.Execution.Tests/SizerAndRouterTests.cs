using Fillwise.Core;
using Fillwise.Execution.IntelState;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Sizing;
using Fillwise.Intel;

namespace Fillwise.Execution.Tests;

public sealed class SizerAndRouterTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));

    [Fact]
    public void SizeForMultipliesEveryFactorClampsAndFloorsToTheStep()
    {
        var sizer = new Sizer(new SizingOptions { MaxBaseNotionalFraction = 10 });
        // Budget 100k x 0.5 % = 500 USDT; stop 2 x ATR 100 = 200 -> 2.5 BTC base.
        var r = sizer.SizeFor(new SizingInputs(100_000m, 64_000m, 100, 20, 2.0, 0.8, 0.5, null), Btc);
        Assert.Equal(2.5m, r.BaseQuantity);
        Assert.Equal(0.5, r.InverseVolFactor);        // target 10 bps / 20 bps
        Assert.Equal(1.5, r.SharpeMultiplier);        // 1 + 0.25 x 2
        Assert.Equal(0.8, r.IntelSizeFactor);
        Assert.Equal(0.5 * 1.5 * 0.8 * 0.5, r.FinalSizeFactor, 12);
        Assert.Equal(Btc.FloorLots(2.5m * (decimal)r.FinalSizeFactor), r.Lots);
        Assert.Equal(0.75m, r.Quantity);
    }

    [Fact]
    public void AnAtrSizedBaseIsCappedAtAFractionOfEquity()
    {
        // A tiny 1-minute ATR would ask for 2.5 BTC (160k USDT) on a 100k account: capped at 25 % of equity.
        var r = new Sizer().SizeFor(new SizingInputs(100_000m, 64_000m, 100, double.NaN, double.NaN, 1.0, 1.0, null), Btc);
        Assert.Equal(25_000m / 64_000m, r.BaseQuantity);
        Assert.Equal(0.39m, r.Quantity);
    }

    [Fact]
    public void ATargetSizeOnlyTakesTheIntelAndRiskFactors()
    {
        var r = new Sizer().SizeFor(new SizingInputs(100_000m, 64_000m, 100, 20, 2.0, 0.5, 1.0, 0.1m), Btc);
        Assert.Equal(0.05m, r.Quantity);
    }

    [Theory]
    [InlineData(Side.Buy, 0.0, "64000.0")]
    [InlineData(Side.Buy, 1.0, "63993.6")]
    [InlineData(Side.Sell, 0.0, "64000.1")]
    [InlineData(Side.Sell, 1.0, "64006.6")]
    public void MakerPriceAppliesTheOffsetFromTheTouchAndNeverCrosses(Side side, double offsetBps, string expected)
    {
        var price = MakerPricing.MakerPrice(side, Fixed8.FromDecimal(64_000.0m).Raw, Fixed8.FromDecimal(64_000.1m).Raw, offsetBps, Btc, 0.0002m, 0.0005m);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), new Fixed8(price).ToDecimal());
    }

    [Theory]
    [InlineData(Side.Buy, 2.0, "64012.8")]        // 2 bps above the bid
    [InlineData(Side.Sell, 2.0, "63987.29998")]   // 2 bps below the ask (64,000.1 x 0.9998, rounded down)
    [InlineData(Side.Buy, 100.0, "64640.0")]
    [InlineData(Side.Sell, 100.0, "63360.099")]
    [InlineData(Side.Buy, 1e-13, "64000.00000001")]  // too small to move a double: still one raw unit past the touch
    [InlineData(Side.Sell, 1e-13, "64000.09999999")]
    public void TheGiveUpTouchIsAlwaysStrictlyPastTheTouchNow(Side side, double giveUpBps, string expected)
    {
        // Waiting is given up once the touch has run the distance: a touch that has not moved at all never qualifies,
        // however small the (validated, > 0) distance is.
        var touch = MakerPricing.GiveUpTouch(side, Fixed8.FromDecimal(64_000.0m).Raw, Fixed8.FromDecimal(64_000.1m).Raw, giveUpBps);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), new Fixed8(touch).ToDecimal());
    }

    [Fact]
    public void FeeAwareCheckGoesTakerWhenMakingIsNoCheaper()
    {
        // A wide offset on a buy with a maker rebate smaller than the gap: still cheaper to make.
        Assert.NotEqual(0, MakerPricing.MakerPrice(Side.Buy, 100_00000000, 100_01000000, 0, Btc, 0.0002m, 0.0005m));
        // Maker fee so high that bid x (1 + maker) >= ask x (1 + taker): take instead.
        Assert.Equal(0, MakerPricing.MakerPrice(Side.Buy, 100_00000000, 100_01000000, 0, Btc, 0.0020m, 0.0005m));
    }

    [Theory]
    [InlineData(0.0, 10)]
    [InlineData(0.25, 7.5)]
    [InlineData(0.6, 4)]
    [InlineData(1.0, 1)]
    public void TakerBiasShortensTheRulesMakerTimeout(double bias, double seconds)
    {
        var options = new ExecutorOptions { RouterPolicy = new RouterPolicyOptions { TakerBiasGood = bias, MinOrders = 1 } };
        var rules = ExecutionPolicies.Create("rules", options);
        var intel = new IntelReading(default, RegimeReading.Neutral, new RouterPolicy(true, bias, RouterQuality.Good, default), default, 1, double.NaN);
        var quote = default(MarketUpdate);
        Assert.Equal(TimeSpan.FromSeconds(seconds), rules.Plan(new PolicyInputs(Btc.Symbol, Side.Buy, 0, Btc, quote, intel)).MakerTimeout);
    }
}
