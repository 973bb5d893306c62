using BenchmarkDotNet.Attributes;
using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Benchmarks;

/// <summary>
/// One routing decision's worth of intel lookups (KPIs snapshot -> policy -> offset -> size factor), and
/// rebuilding the expectancy map from 1,000,000 trade records. Inputs are generated (seeded), not market data.
/// </summary>
[MemoryDiagnoser]
public class IntelBenchmarks
{
    private static readonly Symbol[] Symbols = new[] { "BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "BNBUSDT", "BCHUSDT", "LINKUSDT", "LTCUSDT", "XLMUSDT" }.Select(s => new Symbol(s)).ToArray();
    private readonly RouterKpiWindow _window = new();
    private readonly RouterPolicyEngine _policy = new();
    private readonly MakerOffsetEngine _offset = new();
    private readonly SymbolScorer _scorer = new();
    private ExpectancyMap _map = null!;
    private TradeRecord[] _trades = [];
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            _window.Add(new ParentOrderOutcome(i * 1_000, random.NextDouble() < 0.8, 1, random.NextDouble(), random.NextDouble() < 0.3, 0, random.NextDouble() < 0.02, (random.NextDouble() * 6) - 2, random.Next(50, 400), random.Next(100, 10_000)));
        }
        _now = 200_000;
        _trades = new TradeRecord[1_000_000];
        var start = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var i = 0; i < _trades.Length; i++)
        {
            _trades[i] = new TradeRecord(Symbols[random.Next(Symbols.Length)], start + ((long)random.Next(0, 30 * 24 * 60) * 60_000), (random.NextDouble() * 40) - 19);
        }
        _map = ExpectancyMap.Build(_trades, []);
    }

    [Benchmark(Description = "routing decision: KPIs -> policy -> offset -> size factor")]
    public double RoutingDecision()
    {
        var kpis = _window.Compute(_now);
        var policy = _policy.Decide(kpis, Regime.Normal);
        var hour = _map.GetAt(Symbols[0], _now);
        var offset = _offset.Compute(MakerOffsetInputs.From(Regime.Normal, kpis, hour.ExpectancyBps));
        var score = _scorer.Score(new SymbolScoreInputs(1.2, Regime.Normal, policy.Quality, 12, 4, 0.03));
        return offset.OffsetBps + _scorer.ScoreToSizeFactor(score.Score) + policy.TakerBias;
    }

    [Benchmark(Description = "expectancy map from 1,000,000 trades")]
    public ExpectancyMap BuildExpectancyMap() => ExpectancyMap.Build(_trades, []);
}
