using System.Text.RegularExpressions;
using Fillwise.Core;
using Fillwise.Execution.IntelState;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Intel;

namespace Fillwise.Execution.Tests;

/// <summary>
/// The intel decision without allocation: the candidates are kept as values and the reason's words written only
/// when read, identical to what the decision used to write at once; the cost model estimates every action in one
/// pass with the shrinkage chain's formula. Generated (synthetic) top-of-book data.
/// </summary>
public sealed partial class IntelDecisionTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private const long Second = 1_000_000_000;
    private static readonly long T0 = 1_722_000_000L * Second;

    private static MarketUpdate Quote(long timeNs, decimal bid, decimal bidQty = 5m) =>
        new(Btc.Symbol, MarketUpdateKind.Book, timeNs, true, Fixed8.FromDecimal(bid), Fixed8.FromDecimal(bidQty), Fixed8.FromDecimal(bid + 0.1m), Fixed8.FromDecimal(5m), default, default, Side.Buy, default);

    /// <summary>200 s of a one-tick market where sellers trade through the bid every second: enough shadow outcomes to leave cold start.</summary>
    private static IExecutionPolicy Learned(ExecutorOptions options)
    {
        var policy = ExecutionPolicies.Create("intel", options);
        for (var t = 0L; t < 2000; t++)
        {
            var now = T0 + t * Second / 10;
            var quote = Quote(now, 60_000m, 1 + t % 7);
            policy.OnMarket(t % 10 == 5 ? quote with { Kind = MarketUpdateKind.Trade, TradePrice = Fixed8.FromDecimal(59_999.9m), TradeQuantity = Fixed8.FromDecimal(10m), TradeAggressor = Side.Sell } : quote, now, Btc);
        }
        return policy;
    }

    private static PolicyInputs Inputs(long nowNs, RouterQuality quality = RouterQuality.Good) =>
        new(Btc.Symbol, Side.Buy, nowNs, Btc, Quote(nowNs, 60_000m), new IntelReading(default, RegimeReading.Neutral, new RouterPolicy(true, 0, quality, default), default, 1, double.NaN));

    [GeneratedRegex(@"^chose (?<chosen>[a-z0-9. -]+?) \(E\[cost\] (?<best>-?\d+\.\d\d) bps\); [a-z ]+, [a-z ]+, spread [>1 a-z]+:(?<candidates>( [a-z0-9. -]+? -?\d+\.\d\d bps p\d\.\d\d n\d+;)+)$")]
    private static partial Regex ChoseSentence();

    [Fact]
    public void TheReasonListsEveryCandidateAndNamesTheCheapest()
    {
        var options = new ExecutorOptions { Intel = new IntelPolicyOptions { BehindBps = [3], MinSamples = 10 } };
        var plan = Learned(options).Plan(Inputs(T0 + 200 * Second));
        var text = plan.View.Reason.ToString();
        var match = ChoseSentence().Match(text);
        Assert.True(match.Success, text);
        var candidates = match.Groups["candidates"].Value.Split(';', StringSplitOptions.RemoveEmptyEntries);
        // take now + (peg, touch, 3 bps behind) x 5 patiences.
        Assert.Equal(1 + 3 * 5, candidates.Length);
        Assert.StartsWith(" take ", candidates[0], StringComparison.Ordinal);
        Assert.Contains(candidates, c => c.StartsWith(" 3bps-behind 120s ", StringComparison.Ordinal));
        var costs = candidates.Select(c => double.Parse(c.Split(' ')[^4], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(costs.Min().ToString("F2", System.Globalization.CultureInfo.InvariantCulture), match.Groups["best"].Value);
        Assert.Equal(plan.ExpectedCostBps.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), match.Groups["best"].Value);
        Assert.Contains(candidates, c => c.StartsWith($" {match.Groups["chosen"].Value} {match.Groups["best"].Value} bps", StringComparison.Ordinal));
        // The same decision again is equal as values and in words; the words are written anew each time they are read.
        var again = Learned(options).Plan(Inputs(T0 + 200 * Second));
        Assert.Equal(plan.View.Reason, again.View.Reason);
        Assert.Equal(text, again.View.Reason.ToString());
    }

    [Fact]
    public void GuardReasonsKeepTheirWords()
    {
        var options = new ExecutorOptions { Intel = new IntelPolicyOptions { MinSamples = 50 } };
        var cold = ExecutionPolicies.Create("intel", options).Plan(Inputs(T0));
        Assert.Equal("cold start (0 shadow outcomes < 50): static at the touch", cold.View.Reason.ToString());
        var broken = Learned(options).Plan(Inputs(T0 + 200 * Second, RouterQuality.Broken));
        Assert.False(broken.MakerFirst);
        Assert.Equal($"router Broken ({default(PolicyReason)}): take", broken.View.Reason.ToString());
        Assert.Equal("fixed words", new DecisionReason("fixed words").ToString());
        Assert.NotEqual(cold.View.Reason, broken.View.Reason);
    }

    [Fact]
    public void ALearnedDecisionAllocatesNothing()
    {
        var policy = Learned(new ExecutorOptions());
        var inputs = Inputs(T0 + 200 * Second);
        var first = policy.Plan(inputs);
        Assert.StartsWith("chose ", first.View.Reason.ToString(), StringComparison.Ordinal);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            policy.Plan(inputs);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void EstimatesFollowTheShrinkageChainForEveryAction()
    {
        // Two actions (take, one resting kind x one patience), k = 2: cell -> symbol's action mean -> all symbols' action mean.
        var model = new CostModel(2, 2);
        var eth = new Symbol("ETHUSDT");
        model.Add(Btc.Symbol, 0, 1, 1.0, filled: true);
        model.Add(Btc.Symbol, 0, 1, 3.0, filled: false);
        model.Add(Btc.Symbol, 5, 1, 5.0, filled: true);
        model.Add(eth, 5, 1, 9.0, filled: false);
        model.Add(Btc.Symbol, 0, 0, 4.0, filled: false);
        Span<Candidate> into = new Candidate[2];
        model.Estimate(Btc.Symbol, 0, into);
        // Action 1. All symbols: 4 outcomes, cost 18, 2 fills, no prior -> plain means 4.5 and 0.5.
        // BTC over its contexts: (9 + 2 x 4.5) / (3 + 2) = 3.6, fills (2 + 2 x 0.5) / 5 = 0.6. Context 0 cell: (4 + 2 x 3.6) / (2 + 2) = 2.8, (1 + 1.2) / 4 = 0.55.
        Assert.Equal(2.8, into[1].CostBps, 12);
        Assert.Equal(0.55, into[1].FillProbability, 12);
        Assert.Equal(2, into[1].Samples);
        // Action 0 (take): one outcome everywhere -> 4.
        Assert.Equal(4.0, into[0].CostBps, 12);
        Assert.Equal(1, into[0].Samples);
        // A symbol never seen gets the all-symbols level, with no samples of its own.
        model.Estimate(new Symbol("SOLUSDT"), 0, into);
        Assert.Equal(4.5, into[1].CostBps, 12);
        Assert.Equal(0, into[1].Samples);
        Assert.Equal(3, model.Samples(Btc.Symbol));
    }
}
