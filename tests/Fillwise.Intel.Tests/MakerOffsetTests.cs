using FsCheck;
using FsCheck.Fluent;

namespace Fillwise.Intel.Tests;

public sealed class MakerOffsetTests
{
    private static readonly MakerOffsetEngine Engine = new();

    [Fact]
    public void Quiet_with_a_good_router_quotes_tight()
    {
        var offset = Engine.Compute(new MakerOffsetInputs(Regime.Quiet, SlippageP75Bps: 0.8, FallbackRatio: 0.05, MakerFillRatio: 0.7, HourExpectancyBps: 2));
        Assert.False(offset.Clamped);
        Assert.True(offset.OffsetBps <= 1.5, $"{offset}");
        Assert.Equal(1.0, offset.RegimeBaseBps);
        Assert.Equal(offset.OffsetBps, offset.RegimeBaseBps + offset.SlippageBps + offset.FallbackBps + offset.FillRatioBps + offset.ExpectancyBps, 10);
    }

    [Fact]
    public void Hot_with_high_fallback_quotes_wide()
    {
        var offset = Engine.Compute(new MakerOffsetInputs(Regime.Hot, SlippageP75Bps: 3, FallbackRatio: 0.7, MakerFillRatio: 0.35, HourExpectancyBps: -4));
        Assert.True(offset.OffsetBps >= 4.0, $"{offset}");
    }

    [Fact]
    public void Hot_with_high_fallback_is_wide_even_with_perfect_fills_and_a_great_hour()
    {
        var offset = Engine.Compute(new MakerOffsetInputs(Regime.Hot, SlippageP75Bps: -5, FallbackRatio: 0.6, MakerFillRatio: 1, HourExpectancyBps: 100));
        Assert.True(offset.OffsetBps >= 4.0, $"{offset}");
    }

    [Theory]
    [InlineData(Regime.Panic, 50, 1, 0, -100, 8.0, true)]
    [InlineData(Regime.Quiet, -50, 0, 1, 100, 0.5, true)]
    [InlineData(Regime.Normal, double.NaN, double.NaN, double.NaN, double.NaN, 2.0, false)]
    [InlineData((Regime)42, double.PositiveInfinity, double.NegativeInfinity, -3, double.NaN, 3.0, false)]
    public void Bounds_hold_and_unknown_inputs_are_neutral(Regime regime, double slip, double fallback, double fill, double expectancy, double expected, bool clamped)
    {
        var offset = Engine.Compute(new MakerOffsetInputs(regime, slip, fallback, fill, expectancy));
        Assert.Equal(expected, offset.OffsetBps, 10);
        Assert.Equal(clamped, offset.Clamped);
    }

    private static Arbitrary<(Regime Regime, double Slip, double Fallback, double Fill, double Expectancy)> AnyInputs =>
        Gen.Elements(Regime.Quiet, Regime.Normal, Regime.Hot, Regime.Panic)
            .Zip(Gen.Choose(-2000, 2000).Select(i => i / 100.0))
            .Zip(Gen.Choose(-200, 1200).Select(i => i / 1000.0))
            .Zip(Gen.Choose(-200, 1200).Select(i => i / 1000.0))
            .Zip(Gen.Choose(-5000, 5000).Select(i => i / 100.0))
            .Select(t => (t.Item1.Item1.Item1.Item1, t.Item1.Item1.Item1.Item2, t.Item1.Item1.Item2, t.Item1.Item2, t.Item2))
            .ToArbitrary();

    private static MakerOffset Offset((Regime Regime, double Slip, double Fallback, double Fill, double Expectancy) i) =>
        Engine.Compute(new MakerOffsetInputs(i.Regime, i.Slip, i.Fallback, i.Fill, i.Expectancy));

    [Fact]
    public void Always_within_bounds_for_any_input_including_non_finite()
    {
        var special = Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1e300, 1e300, 0.0, -1.0);
        var any = Gen.OneOf(special, Gen.Choose(-100000, 100000).Select(i => i / 100.0));
        Prop.ForAll(Gen.Choose(-2, 6).Zip(any).Zip(any).Zip(any).Zip(any).ToArbitrary(), t =>
        {
            var o = Engine.Compute(new MakerOffsetInputs((Regime)t.Item1.Item1.Item1.Item1, t.Item1.Item1.Item1.Item2, t.Item1.Item1.Item2, t.Item1.Item2, t.Item2));
            return o.OffsetBps >= 0.5 && o.OffsetBps <= 8.0;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Monotone_in_regime_hotness() =>
        Prop.ForAll(AnyInputs, i => i.Regime == Regime.Panic || Offset(i with { Regime = i.Regime + 1 }).OffsetBps >= Offset(i).OffsetBps).QuickCheckThrowOnFailure();

    [Fact]
    public void Monotone_in_fallback_ratio() =>
        Prop.ForAll(AnyInputs, i => Offset(i with { Fallback = i.Fallback + 0.1 }).OffsetBps >= Offset(i).OffsetBps).QuickCheckThrowOnFailure();

    [Fact]
    public void Anti_monotone_in_maker_fill_ratio() =>
        Prop.ForAll(AnyInputs, i => Offset(i with { Fill = i.Fill + 0.1 }).OffsetBps <= Offset(i).OffsetBps).QuickCheckThrowOnFailure();

    /// <summary>The recorded breakdown explains the offset: RouterContext and health store the parts, so they must add up.</summary>
    [Fact]
    public void The_offset_is_the_sum_of_its_recorded_parts_clamped_and_says_when_it_was_clamped() =>
        Prop.ForAll(AnyInputs, i =>
        {
            var o = Offset(i);
            var sum = o.RegimeBaseBps + o.SlippageBps + o.FallbackBps + o.FillRatioBps + o.ExpectancyBps;
            return Math.Abs(o.OffsetBps - Math.Clamp(sum, 0.5, 8.0)) < 1e-9 && o.Clamped == (sum < 0.5 || sum > 8.0);
        }).QuickCheckThrowOnFailure();
}
