using BenchmarkDotNet.Attributes;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.IntelState;
using Fillwise.Execution.Policies;
using Fillwise.Intel;

namespace Fillwise.Benchmarks;

/// <summary>
/// One routing decision of each policy (<c>IExecutionPolicy.Plan</c>) after two minutes of feed. The static
/// policy is the floor. The feed is generated (seeded random walk of a one-tick BTCUSDT market with trades),
/// not market data: the cost of the decision does not depend on the prices, only on the model's size.
/// </summary>
[MemoryDiagnoser]
public class PolicyDecisionBenchmarks
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private IExecutionPolicy _static = null!;
    private IExecutionPolicy _intel = null!;
    private PolicyInputs _inputs;

    [GlobalSetup]
    public void Setup()
    {
        var options = new ExecutorOptions();
        _static = ExecutionPolicies.Create("static", options);
        _intel = ExecutionPolicies.Create("intel", options);
        var random = new Random(7);
        var bid = 60_000m;
        var t0 = 1_722_000_000_000_000_000L;
        MarketUpdate last = default;
        for (var i = 0; i < 150 * 20; i++)
        {
            var now = t0 + i * 50_000_000L;
            bid += random.Next(-1, 2) * 0.1m;
            last = new MarketUpdate(Btc.Symbol, MarketUpdateKind.Book, now, true, Fixed8.FromDecimal(bid), Fixed8.FromDecimal(random.Next(1, 10)), Fixed8.FromDecimal(bid + 0.1m), Fixed8.FromDecimal(random.Next(1, 10)), default, default, Side.Buy, default);
            if (i % 3 == 0)
            {
                var sell = random.Next(2) == 0;
                last = last with { Kind = MarketUpdateKind.Trade, TradePrice = Fixed8.FromDecimal(sell ? bid : bid + 0.1m), TradeQuantity = Fixed8.FromDecimal(0.5m), TradeAggressor = sell ? Side.Sell : Side.Buy };
            }
            _intel.OnMarket(last, now, Btc);
        }
        var intel = new IntelReading(default, RegimeReading.Neutral, new RouterPolicy(true, 0, RouterQuality.Good, default), default, 1, double.NaN);
        _inputs = new PolicyInputs(Btc.Symbol, Side.Buy, t0 + 150L * 1_000_000_000, Btc, last, intel);
    }

    [Benchmark(Baseline = true, Description = "static: plan one parent (floor)")]
    public ExecutionPlan Static() => _static.Plan(_inputs);

    [Benchmark(Description = "intel: plan one parent (expected cost of every action, choose)")]
    public ExecutionPlan Intel() => _intel.Plan(_inputs);
}
