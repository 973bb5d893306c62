using Fillwise.Core;
using Fillwise.Execution.IntelState;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Intel;

namespace Fillwise.Execution.Tests;

/// <summary>
/// The intel policy on generated (synthetic, labelled as such) top-of-book data: cold start, walk-forward learning
/// from shadow orders, and the choice it makes when the feed says resting pays or does not.
/// </summary>
public sealed class IntelPolicyTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private const long Second = 1_000_000_000;
    private static readonly long T0 = 1_722_000_000L * Second;

    private static ExecutorOptions Options => new() { Intel = new IntelPolicyOptions { PatiencesS = [5], MinSamples = 4, ShadowEvery = TimeSpan.FromSeconds(1) } };

    /// <summary>Synthetic quote: bid/ask one tick apart around <paramref name="bid"/>, 5 BTC on each side.</summary>
    private static MarketUpdate Quote(long timeNs, decimal bid) =>
        new(Btc.Symbol, MarketUpdateKind.Book, timeNs, true, Fixed8.FromDecimal(bid), Fixed8.FromDecimal(5m), Fixed8.FromDecimal(bid + 0.1m), Fixed8.FromDecimal(5m), default, default, Side.Buy, default);

    /// <summary>Synthetic trade at <paramref name="price"/> by an aggressive seller, with the quote unchanged.</summary>
    private static MarketUpdate SellTrade(long timeNs, decimal bid, decimal price, decimal quantity) =>
        Quote(timeNs, bid) with { Kind = MarketUpdateKind.Trade, TradePrice = Fixed8.FromDecimal(price), TradeQuantity = Fixed8.FromDecimal(quantity), TradeAggressor = Side.Sell };

    private static ExecutionPlan PlanBuy(IExecutionPolicy policy, long nowNs, decimal bid)
    {
        var intel = new IntelReading(default, RegimeReading.Neutral, new RouterPolicy(true, 0, RouterQuality.Good, default), default, 1, double.NaN);
        return policy.Plan(new PolicyInputs(Btc.Symbol, Side.Buy, nowNs, Btc, Quote(nowNs, bid), intel));
    }

    [Fact]
    public void ColdStartBehavesLikeStaticAtTheTouch()
    {
        var options = Options;
        var plan = PlanBuy(ExecutionPolicies.Create("intel", options), T0, 60_000m);
        Assert.True(plan.MakerFirst);
        Assert.Equal(0, plan.OffsetBps);
        Assert.Equal(options.Router.StaticMakerTimeout, plan.MakerTimeout);
        Assert.Equal(0, plan.PegReprices);
        Assert.Contains("cold start", plan.View.Reason.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OutcomesCountOnlyOnceTheirHorizonHasPassed()
    {
        var policy = ExecutionPolicies.Create("intel", Options);
        // 4.9 s of quotes: shadows started every second, none has reached its 5 s horizon yet.
        for (var t = 0L; t < 49; t++)
        {
            policy.OnMarket(Quote(T0 + t * Second / 10, 60_000m), T0 + t * Second / 10, Btc);
        }
        Assert.Contains("cold start", PlanBuy(policy, T0 + 4_900_000_000, 60_000m).View.Reason.ToString(), StringComparison.Ordinal);
        for (var t = 49L; t < 100; t++)
        {
            policy.OnMarket(Quote(T0 + t * Second / 10, 60_000m), T0 + t * Second / 10, Btc);
        }
        Assert.DoesNotContain("cold start", PlanBuy(policy, T0 + 10 * Second, 60_000m).View.Reason.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OwnCompletedOrdersAreLearnedOnceTheirPatienceHasPassed()
    {
        // Two policies on the same feed (sellers trade through the bid every second, so resting wins); only the first is
        // told of its own completed orders, so the difference in what they learned is those orders alone. Two patiences,
        // so the one the outcome waits for is the chosen action's.
        var options = Options with { Intel = Options.Intel with { PatiencesS = [5, 15] } };
        IExecutionPolicy told = ExecutionPolicies.Create("intel", options), alone = ExecutionPolicies.Create("intel", options);
        var off = ExecutionPolicies.Create("intel", options with { Intel = options.Intel with { LearnFromOwnOrders = false } });
        void Feed(long from, long to)
        {
            for (var t = from; t < to; t++)
            {
                var now = T0 + t * Second / 10;
                var update = t % 10 == 5 ? SellTrade(now, 60_000m, 59_999.9m, 10m) : Quote(now, 60_000m);
                foreach (var policy in new[] { told, alone, off })
                {
                    policy.OnMarket(update, now, Btc);
                }
            }
        }
        Feed(0, 400);
        var arrival = T0 + 40 * Second;
        var plan = PlanBuy(told, arrival, 60_000m);
        Assert.True(plan.MakerFirst, plan.View.Reason.ToString());
        var patience = (long)plan.MakerTimeout.TotalSeconds;
        // Three orders of that decision filled a second after arriving; a cold-start decision is not the model's choice.
        foreach (var policy in new[] { told, off })
        {
            for (var i = 0; i < 3; i++)
            {
                policy.OnCompleted(new PlanOutcome(Btc.Symbol, arrival, plan.View.Reason, 1.5, MakerFilled: true));
            }
            policy.OnCompleted(new PlanOutcome(Btc.Symbol, arrival, DecisionReason.ColdStart(0, 4, 0), 9.0, MakerFilled: false));
        }
        var due = 400 + patience * 10;
        Feed(400, due); // up to 0.1 s before the patience has passed: not yet
        Assert.Equal(alone.Learned!.Samples(Btc.Symbol), told.Learned!.Samples(Btc.Symbol));
        Feed(due, due + 1); // the patience has passed
        var (withOwn, without) = (told.Learned!, alone.Learned!);
        Assert.Equal(without.Samples(Btc.Symbol) + 3, withOwn.Samples(Btc.Symbol));
        Assert.Equal(without.Samples(Btc.Symbol), off.Learned!.Samples(Btc.Symbol));
        // Into the cell of the context and action chosen: three outcomes, 1.5 bps each, all filled.
        var cell = plan.View.Reason.IntelContext * withOwn.Actions + plan.View.Reason.IntelChosen;
        var (a, b) = (withOwn.Symbols[Btc.Symbol], without.Symbols[Btc.Symbol]);
        Assert.Equal(b.N[cell] + 3, a.N[cell]);
        Assert.Equal(b.Cost[cell] + 4.5, a.Cost[cell], 9);
        Assert.Equal(b.Fills[cell] + 3, a.Fills[cell], 9);
    }

    [Fact]
    public void WhenSellersTradeThroughTheBidRestingWinsAndWhenThePriceRunsAwayTakingWins()
    {
        // Sellers hit the bid and trade through it every second: a resting buy fills at the bid (maker fee).
        var patient = ExecutionPolicies.Create("intel", Options);
        for (var t = 0L; t < 200; t++)
        {
            var now = T0 + t * Second / 10;
            patient.OnMarket(t % 10 == 5 ? SellTrade(now, 60_000m, 59_999.9m, 10m) : Quote(now, 60_000m), now, Btc);
        }
        var rest = PlanBuy(patient, T0 + 20 * Second, 60_000m);
        Assert.True(rest.MakerFirst, rest.View.Reason.ToString());
        // The market rises 1 tick every 100 ms and nobody sells: resting buys never fill and taking later costs more.
        var urgent = ExecutionPolicies.Create("intel", Options with { Intel = Options.Intel with { PegReprices = 0 } });
        for (var t = 0L; t < 200; t++)
        {
            var now = T0 + t * Second / 10;
            urgent.OnMarket(Quote(now, 60_000m + t * 0.1m), now, Btc);
        }
        var take = PlanBuy(urgent, T0 + 20 * Second, 60_020m);
        Assert.False(take.MakerFirst, take.View.Reason.ToString());
        Assert.StartsWith("chose take", take.View.Reason.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WhenThePriceRunsAwayGivingUpEarlyCostsLessThanWaitingForTheTimeout()
    {
        // The market rises 1 tick every 100 ms, buyers lift the ask and nobody sells: a resting buy never fills. Given up
        // once the bid has run 0.5 bps (3 s), it takes at ~0.51 bps over the arrival mid; waiting the 5 s timeout takes
        // at ~0.84. (Buy-side shadows only: the flow is "with us" for buys; no shrinkage toward the sells' outcomes.)
        var options = Options with { Intel = Options.Intel with { PegReprices = 0, GiveUpBps = [0.5], Shrinkage = 0 } };
        var policy = ExecutionPolicies.Create("intel", options);
        for (var t = 0L; t < 300; t++)
        {
            var now = T0 + t * Second / 10;
            var quote = Quote(now, 60_000m + t * 0.1m);
            policy.OnMarket(t % 10 == 5 ? quote with { Kind = MarketUpdateKind.Trade, TradePrice = quote.AskPrice, TradeQuantity = Fixed8.FromDecimal(0.5m), TradeAggressor = Side.Buy } : quote, now, Btc);
        }
        var reason = PlanBuy(policy, T0 + 30 * Second, 60_030m).View.Reason.ToString();
        var candidates = reason[reason.IndexOf(':', StringComparison.Ordinal)..];
        double Cost(string action)
        {
            var at = candidates.IndexOf($" {action} ", StringComparison.Ordinal);
            Assert.True(at >= 0, $"{action} in: {reason}");
            return double.Parse(candidates[(at + action.Length + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(Cost("touch 5s give-up-0.5bps") - 5 is > 0.45 and < 0.6, reason);
        Assert.True(Cost("touch 5s") - 5 is > 0.8 and < 0.9, reason);
        Assert.True(Cost("take") < Cost("touch 5s give-up-0.5bps"), reason);
    }

    [Fact]
    public void GiveUpDistancesAreBoundedSoEveryActionFitsTheDecisionsInlineCandidates()
    {
        new IntelPolicyOptions { GiveUpBps = [2, 8], BehindBps = [1, 2] }.Validate(); // (2 + 2 + 4) x 5 patiences = 40 actions
        var tooMany = Assert.Throws<OptionsException>(() => new IntelPolicyOptions { GiveUpBps = [2, 8], BehindBps = [1, 2, 3, 4], PatiencesS = [2, 5, 10, 15, 30] }.Validate());
        Assert.Contains("must be at most 48 actions (got 10 x 5)", tooMany.Message, StringComparison.Ordinal);
        // The message names the option, its range and the value given (the house style of every option message).
        Assert.EndsWith("Intel.GiveUpBps must be at most 2 values within (0, 100] bps (got [0]).", Assert.Throws<OptionsException>(() => new IntelPolicyOptions { GiveUpBps = [0] }.Validate()).Message, StringComparison.Ordinal);
        Assert.EndsWith("(got [1, 2.5, 3]).", Assert.Throws<OptionsException>(() => new IntelPolicyOptions { GiveUpBps = [1, 2.5, 3] }.Validate()).Message, StringComparison.Ordinal);
    }
}
