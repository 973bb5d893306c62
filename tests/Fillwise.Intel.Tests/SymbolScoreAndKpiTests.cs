using Fillwise.Core;
using FsCheck;
using FsCheck.Fluent;

namespace Fillwise.Intel.Tests;

public sealed class SymbolScoreTests
{
    private static readonly SymbolScorer Scorer = new();

    [Fact]
    public void A_strong_symbol_outscores_a_weak_one_and_components_are_kept()
    {
        var strong = Scorer.Score(new SymbolScoreInputs(2.0, Regime.Normal, RouterQuality.Good, GrossEdgeBps: 20, FeesBps: 4, Drawdown: 0.02));
        var weak = Scorer.Score(new SymbolScoreInputs(-1.0, Regime.Panic, RouterQuality.Broken, GrossEdgeBps: 5, FeesBps: 6, Drawdown: 0.18));
        Assert.True(strong.Score > 0.8 && weak.Score < 0.25, $"{strong} / {weak}");
        Assert.Equal(0.8, strong.Fees, 10);
        Assert.Equal(0.9, strong.Drawdown, 10);
        Assert.Equal(0.2, weak.Regime);
        Assert.True(Scorer.ScoreToSizeFactor(strong.Score) > 1.2 && Scorer.ScoreToSizeFactor(weak.Score) < 0.6);
    }

    [Fact]
    public void Unknown_inputs_are_neutral_and_counted()
    {
        var score = Scorer.Score(new SymbolScoreInputs(double.NaN, (Regime)9, (RouterQuality)9, double.PositiveInfinity, 1, double.NaN));
        Assert.Equal(5, score.MissingInputs);
        Assert.Equal(0.5, score.Score, 10);
        Assert.Equal(1.0, Scorer.SymbolSizeFactor(null));
        Assert.Equal(1.0, Scorer.ScoreToSizeFactor(double.NaN));
    }

    [Fact]
    public void Score_is_in_0_1_for_any_input()
    {
        var any = Gen.OneOf(Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -1e308, 1e308), Gen.Choose(-100000, 100000).Select(i => i / 100.0));
        Prop.ForAll(any.Zip(any).Zip(any).Zip(any).Zip(Gen.Choose(-1, 5)).ToArbitrary(), t =>
        {
            var (((sharpe, edge), fees), dd) = t.Item1;
            var s = Scorer.Score(new SymbolScoreInputs(sharpe, (Regime)t.Item2, (RouterQuality)t.Item2, edge, fees, dd));
            return s.Score is >= 0 and <= 1 && s == Scorer.Score(new SymbolScoreInputs(sharpe, (Regime)t.Item2, (RouterQuality)t.Item2, edge, fees, dd));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Size_factor_is_monotone_and_within_its_clamp()
    {
        Prop.ForAll(Gen.Choose(-500, 1500).Zip(Gen.Choose(0, 1000)).ToArbitrary(), t =>
        {
            var (a, b) = (t.Item1 / 1000.0, t.Item1 / 1000.0 + (t.Item2 / 1000.0));
            var (fa, fb) = (Scorer.ScoreToSizeFactor(a), Scorer.ScoreToSizeFactor(b));
            return fa <= fb && fa >= 0.25 && fb <= 1.5;
        }).QuickCheckThrowOnFailure();
        Assert.Equal(0.25, Scorer.ScoreToSizeFactor(0));
        Assert.Equal(1.5, Scorer.ScoreToSizeFactor(1));
    }

    [Fact]
    public void Bad_weights_name_the_option()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new SymbolScorer(new SymbolScoreOptions { FeesWeight = -1 }));
        Assert.Contains("Score.FeesWeight must be a non-negative finite number", e.Message, StringComparison.Ordinal);
    }
}

public sealed class RouterKpiWindowTests
{
    private static ParentOrderOutcome Maker(long t, double filled, bool fallback, double slip, double latency = 100) =>
        new(t, true, 1.0, filled, fallback, 0, false, slip, latency, 1_000);

    [Fact]
    public void Computes_ratios_and_quartiles_over_the_window()
    {
        var window = new RouterKpiWindow();
        for (var i = 0; i < 8; i++)
        {
            window.Add(Maker(i * 1000, filled: i < 6 ? 1.0 : 0.0, fallback: i >= 6, slip: i));
        }
        window.Add(new ParentOrderOutcome(9_000, false, 1, 0, false, 0, true, double.NaN, 2_000, double.NaN));
        var k = window.Compute(nowMs: 10_000);
        Assert.Equal(9, k.Orders);
        Assert.Equal(8, k.MakerFirstOrders);
        Assert.Equal(0.75, k.MakerFillRatio, 10);
        Assert.Equal(0.25, k.FallbackRatio, 10);
        Assert.Equal(1.0 / 9, k.ErrorRate, 10);
        Assert.Equal((1.75, 3.5, 5.25), (k.SlippageP25Bps, k.SlippageP50Bps, k.SlippageP75Bps));
        Assert.Equal(1_000, k.MeanTimeToFillMs);
    }

    [Fact]
    public void Window_is_bounded_by_count_and_age()
    {
        var window = new RouterKpiWindow(new RouterKpiOptions { MaxOrders = 3, MaxAge = TimeSpan.FromSeconds(10) });
        for (var i = 0; i < 5; i++)
        {
            window.Add(Maker(i * 4_000, 1, false, i));
        }
        Assert.Equal(3, window.Compute(nowMs: 16_000).Orders);  // last three of five
        Assert.Equal(2, window.Compute(nowMs: 19_000).Orders);  // t=8000 is now 11 s old
        Assert.Equal(RouterKpis.Empty, window.Compute(nowMs: 100_000));
    }

    [Fact]
    public void Quartiles_kept_sorted_as_orders_come_and_go_equal_sorting_the_window()
    {
        // 500 seeded outcomes through a 40-order ring, some without slippage or latency: after each, the window's
        // percentiles (kept sorted incrementally) equal those of its finite values sorted from scratch.
        var window = new RouterKpiWindow(new RouterKpiOptions { MaxOrders = 40 });
        var random = new Random(11);
        var added = new List<ParentOrderOutcome>();
        for (var i = 0; i < 500; i++)
        {
            var slip = random.Next(10) == 0 ? double.NaN : Math.Round(random.NextDouble() * 10 - 3, random.Next(3));
            var latency = random.Next(15) == 0 ? double.PositiveInfinity : random.Next(50, 400);
            var outcome = new ParentOrderOutcome(i * 1_000, true, 1, 1, false, 0, false, slip, latency, 500);
            window.Add(outcome);
            added.Add(outcome);
            var k = window.Compute(nowMs: i * 1_000);
            var last = added.Skip(Math.Max(0, added.Count - 40)).ToList();
            double[] Sorted(Func<ParentOrderOutcome, double> f) => [.. last.Select(f).Where(double.IsFinite).Order()];
            var slips = Sorted(o => o.SlippageBps);
            Assert.Equal((Statistics.Percentile(slips, 0.25), Statistics.Percentile(slips, 0.5), Statistics.Percentile(slips, 0.75)), (k.SlippageP25Bps, k.SlippageP50Bps, k.SlippageP75Bps));
            Assert.Equal(Statistics.Percentile(Sorted(o => o.LatencyMs), 0.95), k.LatencyP95Ms);
        }
        // An order older than the window leaves the kept values aside: the window is sorted from scratch.
        Assert.Equal(40, window.Compute(nowMs: 499_000).Orders);
        Assert.Equal(1, window.Compute(nowMs: 499_000 + (long)TimeSpan.FromHours(24).TotalMilliseconds).Orders);
    }
}
