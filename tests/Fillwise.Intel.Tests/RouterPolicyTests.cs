namespace Fillwise.Intel.Tests;

public sealed class RouterPolicyTests
{
    private static readonly RouterPolicyEngine Engine = new();

    /// <summary>A healthy router over 100 parent orders; each row below changes what matters.</summary>
    private static RouterKpis Healthy => new(100, 80, 0.85, 0.10, 0.02, -0.5, 0.4, 1.2, 0.01, 180, 2_500);

    public static TheoryData<string, RouterKpis, Regime, RouterQuality, bool, double, string> Cases => new()
    {
        { "healthy", Healthy, Regime.Normal, RouterQuality.Good, true, 0.0, "all KPIs within bounds" },
        { "few orders", Healthy with { Orders = 12 }, Regime.Normal, RouterQuality.Ok, true, 0.25, "insufficient data (12 orders < 20)" },
        { "mild fallback", Healthy with { FallbackRatio = 0.35 }, Regime.Normal, RouterQuality.Ok, true, 0.25, "fallback ratio 35.0% >= 30.0%" },
        { "mediocre fills", Healthy with { MakerFillRatio = 0.45 }, Regime.Hot, RouterQuality.Ok, true, 0.25, "maker fill ratio 45.0% < 60.0%" },
        { "heavy fallback, normal", Healthy with { FallbackRatio = 0.65 }, Regime.Normal, RouterQuality.Degraded, true, 0.6, "fallback ratio 65.0% >= 60.0%" },
        { "heavy fallback, hot", Healthy with { FallbackRatio = 0.65 }, Regime.Hot, RouterQuality.Degraded, false, 0.6, "maker-first off in Hot regime" },
        { "poor fills", Healthy with { MakerFillRatio = 0.2 }, Regime.Quiet, RouterQuality.Degraded, true, 0.6, "maker fill ratio 20.0% < 30.0%" },
        { "slippage", Healthy with { SlippageP75Bps = 9.5 }, Regime.Normal, RouterQuality.Degraded, true, 0.6, "slippage p75 9.50 bps > 8.00 bps" },
        { "errors", Healthy with { ErrorRate = 0.25 }, Regime.Quiet, RouterQuality.Broken, false, 1.0, "error rate 25.0% >= 20.0%" },
        { "fills collapsed", Healthy with { MakerFillRatio = 0.03, MakerFirstOrders = 40 }, Regime.Normal, RouterQuality.Broken, false, 1.0, "maker fill ratio 3.0% < 5.0% over 40 maker attempts" },
        { "collapse on few attempts is only degraded", Healthy with { MakerFillRatio = 0.03, MakerFirstOrders = 5 }, Regime.Normal, RouterQuality.Degraded, true, 0.6, "maker fill ratio 3.0% < 30.0%" },
        { "latency", Healthy with { LatencyP95Ms = 2_600 }, Regime.Normal, RouterQuality.Broken, false, 1.0, "latency p95 2600 ms > 2000 ms" },
        { "no maker attempts measured", Healthy with { MakerFillRatio = double.NaN, FallbackRatio = double.NaN, MakerFirstOrders = 0 }, Regime.Normal, RouterQuality.Good, true, 0.0, "all KPIs within bounds" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_quality_is_reached_from_realistic_kpis_and_the_reason_names_the_deciding_metric(
        string name, RouterKpis kpis, Regime regime, RouterQuality quality, bool makerFirst, double takerBias, string reason)
    {
        var policy = Engine.Decide(kpis, regime);
        Assert.True(quality == policy.Quality, $"{name}: {policy.Quality}, {policy.Reason}");
        Assert.Equal(makerFirst, policy.MakerFirst);
        Assert.Equal(takerBias, policy.TakerBias);
        Assert.Contains(reason, policy.Reason.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_tripped_metrics_are_all_named()
    {
        var policy = Engine.Decide(Healthy with { ErrorRate = 0.3, LatencyP95Ms = 3_000 }, Regime.Normal);
        Assert.Equal("error rate 30.0% >= 20.0%; latency p95 3000 ms > 2000 ms", policy.Reason.ToString());
    }

    [Fact]
    public void Empty_window_is_ok_with_insufficient_data()
    {
        var policy = Engine.Decide(RouterKpis.Empty, Regime.Normal);
        Assert.Equal(RouterQuality.Ok, policy.Quality);
        Assert.Contains("insufficient data", policy.Reason.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "RouterPolicy.MinOrders must be at least 1")]
    [InlineData(0.4, "RouterPolicy.OkFallbackRatio/DegradedFallbackRatio must be strictly ascending")]
    public void Bad_options_name_the_option(double value, string message)
    {
        var options = value < 0 ? new RouterPolicyOptions { MinOrders = (int)value } : new RouterPolicyOptions { DegradedFallbackRatio = 0.3 };
        var e = Assert.ThrowsAny<ArgumentException>(() => new RouterPolicyEngine(options));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
