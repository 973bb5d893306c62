using Fillwise.Core;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Signals;
using Fillwise.Execution.Routing;
using Fillwise.Intel;
using Fillwise.TestData;
using Fillwise.Venues.Replay;

namespace Fillwise.Execution.Tests;

/// <summary>The executor wired to the replay venue on the real BTCUSDT sample capture pair.</summary>
public sealed class ExecutorEndToEndTests
{
    private static readonly Symbol Btc = new("BTCUSDT");
    private static readonly string[] Capture = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    private static (MemoryTelemetry Telemetry, ReplayVenue Venue) Run(ExecutorOptions options, TimeSpan every, decimal notional = 5_000m, SymbolCatalog? venueCatalog = null, Action<Executor>? setup = null, string policy = "rules")
    {
        var venue = ReplayVenues.FromCaptures(Capture, venueCatalog);
        var telemetry = new MemoryTelemetry();
        var executor = new Executor(venue, SymbolCatalog.Default, options, ExecutionPolicies.Create(policy, options), telemetry, new SeededArrivals(new ArrivalOptions(every, notional, 3)));
        setup?.Invoke(executor);
        VenueLoop.RunToEnd(venue, executor);
        executor.Finish();
        venue.Dispose();
        return (telemetry, venue);
    }

    [Fact]
    public void ARiskDenialIsRecordedWithItsReasonAndNoOrderReachesTheVenue()
    {
        var (telemetry, venue) = Run(new ExecutorOptions(), TimeSpan.FromSeconds(10), setup: e => e.DisabledSymbols.Add(Btc));
        Assert.NotEmpty(telemetry.Parents);
        Assert.All(telemetry.Parents, p => Assert.Equal(RiskReason.SymbolDisabled, p.Risk.Reason));
        Assert.All(telemetry.Parents, p => Assert.NotNull(p.Context));
        Assert.Empty(telemetry.Children);
        Assert.Equal(0, venue.Stats.OrdersReceived);
        Assert.All(telemetry.HealthSnapshots, h => Assert.False(h.Enabled));
    }

    [Fact]
    public void ABrokenRouterFlipsThePolicyToTakerWithinTheDocumentedWindow()
    {
        // The venue enforces a 1.0 tick while the executor prices on 0.1: most maker orders are refused (-4014),
        // as if the venue were returning errors; market orders still work.
        var path = Path.Combine(Path.GetTempPath(), $"fillwise-coarse-tick-{Environment.ProcessId}.json");
        File.WriteAllText(path, """{ "symbols": [ { "symbol": "BTCUSDT", "tickSize": "1.0", "stepSize": "0.001", "minNotional": "100" } ] }""");
        // Maker orders at the touch, so only the venue's errors (not passive offsets) can break the router.
        var options = new ExecutorOptions { MakerOffset = new() { MinBps = 0, QuietBaseBps = 0, NormalBaseBps = 0, HotBaseBps = 0, PanicBaseBps = 0 } };
        var (telemetry, venue) = Run(options, TimeSpan.FromSeconds(3), venueCatalog: SymbolCatalog.WithOverrides([path]));
        File.Delete(path);

        Assert.True(venue.Stats.RejectsByCode.GetValueOrDefault(-4014) > 0);
        var contexts = telemetry.Parents.Where(p => p.Context is not null).Select(p => (p.ParentId, p.Context!)).ToList();
        Assert.True(contexts.Count > options.RouterPolicy.MinOrders + 10, $"{contexts.Count} parents");
        // Window: the policy needs MinOrders completed outcomes; from then on every decision is Broken -> taker.
        var firstBroken = contexts.FindIndex(c => c.Item2.Quality == RouterQuality.Broken);
        Assert.InRange(firstBroken, options.RouterPolicy.MinOrders, options.RouterPolicy.MinOrders + 3);
        Assert.All(contexts.Take(firstBroken), c => Assert.True(c.Item2.MakerFirst));
        // It stays taker while errors are >= 20 % of the KPI window (then it probes maker-first again).
        foreach (var (parentId, context) in contexts.Skip(firstBroken).Take(30))
        {
            Assert.False(context.MakerFirst);
            Assert.Contains("error rate", context.Reason, StringComparison.Ordinal);
            Assert.All(telemetry.Children.Where(c => c.ParentId == parentId), c => Assert.Equal(OrderType.Market, c.Type));
        }
    }

    [Fact]
    public void TheDrawdownGuardScalesThenBlocksNewRisk()
    {
        // A 20,000 USDT account trading 5,000 USDT parents taker: fees and adverse moves build a drawdown.
        var options = new ExecutorOptions { StartingEquity = 20_000m, Risk = new RiskOptions { DrawdownSoft = 0.002, DrawdownHard = 0.004 } };
        var (telemetry, _) = Run(options, TimeSpan.FromSeconds(3), policy: "taker");
        var reasons = telemetry.Parents.Select(p => p.Risk.Reason).ToList();
        var firstSoft = reasons.IndexOf(RiskReason.DrawdownSoft);
        var firstHard = reasons.IndexOf(RiskReason.DrawdownHard);
        Assert.True(firstSoft >= 0 && firstHard > firstSoft, $"soft at {firstSoft}, hard at {firstHard}");
        foreach (var p in telemetry.Parents)
        {
            var children = telemetry.Children.Count(c => c.ParentId == p.ParentId);
            if (p.Risk.Reason == RiskReason.DrawdownHard)
            {
                Assert.Equal(0, children);
            }
            if (p.Risk.Reason == RiskReason.DrawdownSoft)
            {
                Assert.Equal(0.5, p.Context!.Sizing.RiskScale);
                Assert.True(children > 0);
            }
        }
    }

    [Fact]
    public void EveryFilledParentCarriesItsFullRouterContext()
    {
        var (telemetry, _) = Run(new ExecutorOptions(), TimeSpan.FromSeconds(10));
        var filled = telemetry.Results.Where(r => r.FilledQuantity > 0).Select(r => r.ParentId).ToHashSet();
        Assert.True(filled.Count > 20);
        foreach (var parent in telemetry.Parents.Where(p => filled.Contains(p.ParentId)))
        {
            var c = parent.Context!;
            Assert.Equal("rules", c.Policy);
            Assert.False(string.IsNullOrEmpty(c.Reason));
            Assert.True(c.Sizing.Lots > 0 && c.Sizing.FinalSizeFactor > 0 && c.Sizing.IntelSizeFactor > 0 && c.Sizing.InverseVolFactor > 0 && c.Sizing.SharpeMultiplier > 0);
            Assert.Equal(c.OffsetDetail.OffsetBps, c.MakerOffsetBps);
        }
        // Fill accounting: what the fills say equals what each parent reports.
        foreach (var result in telemetry.Results)
        {
            Assert.Equal(result.FilledQuantity, telemetry.Fills.Where(f => f.ParentId == result.ParentId).Sum(f => f.Quantity));
        }
    }

    [Fact]
    public void StaticPolicyFallsBackToTakerAfterItsTimeout()
    {
        var (telemetry, _) = Run(new ExecutorOptions(), TimeSpan.FromSeconds(10), policy: "static");
        var fallbacks = telemetry.Results.Where(r => r.UsedFallback).ToList();
        Assert.NotEmpty(fallbacks);
        foreach (var r in fallbacks)
        {
            var children = telemetry.Children.Where(c => c.ParentId == r.ParentId).ToList();
            Assert.Equal(OrderType.PostOnly, children[0].Type);
            Assert.Equal(OrderType.Market, children[^1].Type);
            Assert.True(children[^1].TimeNs - children[0].TimeNs >= 10_000_000_000, "the taker leg follows the 10 s timeout");
        }
    }

    [Fact]
    public void AGiveUpDistanceTakesOnlyOnceTheTouchHasRunThatFar()
    {
        var router = new RouterOptions { StaticMakerTimeout = TimeSpan.FromSeconds(120), StaticGiveUpBps = 2 };
        var (telemetry, _) = Run(new ExecutorOptions { Router = router }, TimeSpan.FromSeconds(10), policy: "static");
        var early = 0;
        foreach (var parent in telemetry.Parents.Where(p => p.Context is not null))
        {
            Assert.Equal(2, parent.Context!.GiveUpBps);
            var children = telemetry.Children.Where(c => c.ParentId == parent.ParentId).ToList();
            var taker = children.FirstOrDefault(c => c.Type == OrderType.Market);
            if (taker is null || taker.TimeNs - children[0].TimeNs >= 120_000_000_000)
            {
                continue;
            }
            early++;
            // Given up before the timeout: the touch on our side had run 2 bps from the arrival touch, so the taker
            // paid at least that much over the arrival mid, less the half spread (BTCUSDT: one tick, ~0.01 bps).
            var sign = parent.Side == Side.Buy ? 1 : -1;
            foreach (var fill in telemetry.Fills.Where(f => f.ChildId == taker.ChildId))
            {
                Assert.True(sign * (fill.Price - parent.ArrivalMid) / parent.ArrivalMid * 10_000 >= 1.95m, $"parent {parent.ParentId}: taker at {fill.Price}, arrival mid {parent.ArrivalMid}");
            }
        }
        Assert.True(early > 0, "some parents gave up before their 120 s timeout on this capture");
        var (patient, _) = Run(new ExecutorOptions { Router = router with { StaticGiveUpBps = 0 } }, TimeSpan.FromSeconds(10), policy: "static");
        Assert.True(patient.Results.Count(r => r.UsedFallback) < telemetry.Results.Count(r => r.UsedFallback), "without a give-up distance fewer parents end taking");
    }
}
