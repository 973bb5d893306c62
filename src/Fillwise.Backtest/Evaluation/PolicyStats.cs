using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Backtest;

/// <summary>Per-policy TCA numbers of the eval JSON contract.</summary>
public sealed record PolicyStats(
    int Orders,
    int FilledOrders,
    double CostBpsMean,
    double CostBpsMedian,
    double CostBpsP90,
    double FeesBpsMean,
    double MakerFillRatio,
    double FallbackRatio,
    double MeanTimeToFillMs,
    int Denied,
    IReadOnlyDictionary<string, int> DeniedBy)
{
    /// <summary>Mean post-fill markouts (bps, + = the market moved the fill's way) at 1 s, 5 s, 30 s; NaN = not measured.</summary>
    public double Markout1sBps { get; init; } = double.NaN;
    public double Markout5sBps { get; init; } = double.NaN;
    public double Markout30sBps { get; init; } = double.NaN;

    /// <summary>Mean cost over every routed parent, unfinished ones marked at the end of the data (<see cref="MarkedCosts"/>); what the grid's best cell is chosen on.</summary>
    public double CostBpsMeanMarked { get; init; } = double.NaN;

    public static PolicyStats From(MemoryTelemetry t, Markouts markouts, IReadOnlyDictionary<long, double> marked) =>
        From(RunTally.Of(t), markouts, marked);

    public static PolicyStats From(RunTally tally, Markouts markouts, IReadOnlyDictionary<long, double> marked) =>
        tally.Stats() with
        {
            Markout1sBps = markouts.MeanBps(0),
            Markout5sBps = markouts.MeanBps(1),
            Markout30sBps = markouts.MeanBps(2),
            CostBpsMeanMarked = marked.Count > 0 ? marked.Values.Average() : double.NaN,
        };

    public static PolicyStats From(MemoryTelemetry t) => RunTally.Of(t).Stats();
}

/// <summary>
/// A policy minus a baseline on the same parent orders (paired by parent id, in arrival order; unfinished
/// parents marked at the end of the data), with a seeded
/// 95 % interval from a circular moving-block bootstrap: parents that overlap in time share market moves, so
/// resampling blocks of consecutive pairs (length n^(1/3), at least <c>minBlock</c>) keeps that dependence
/// instead of pretending the pairs are independent.
/// </summary>
public sealed record PairedDifference(int Pairs, double Mean, double Low, double High, int Block)
{
    /// <summary>Pairs by parent id (arrival order) over the parents both runs have a cost for (<see cref="MarkedCosts"/>).</summary>
    public static PairedDifference Compute(IReadOnlyDictionary<long, double> policy, IReadOnlyDictionary<long, double> baseline, ulong seed, int minBlock = 1, int resamples = 2_000)
    {
        var diffs = policy.Where(p => baseline.ContainsKey(p.Key)).OrderBy(p => p.Key).Select(p => p.Value - baseline[p.Key]).ToArray();
        return FromDifferences(diffs, seed, minBlock, resamples);
    }

    public static PairedDifference FromDifferences(double[] diffs, ulong seed, int minBlock = 1, int resamples = 2_000)
    {
        var n = diffs.Length;
        if (n == 0)
        {
            return new PairedDifference(0, double.NaN, double.NaN, double.NaN, 0);
        }
        var block = Math.Clamp(Math.Max(minBlock, (int)Math.Ceiling(Math.Cbrt(n))), 1, n);
        var random = new DeterministicRandom(seed ^ 0xB007);
        var means = new double[resamples];
        for (var i = 0; i < resamples; i++)
        {
            var sum = 0.0;
            for (var taken = 0; taken < n;)
            {
                var start = random.NextLong(n);
                for (var k = 0; k < block && taken < n; k++, taken++)
                {
                    sum += diffs[(start + k) % n];
                }
            }
            means[i] = sum / n;
        }
        Array.Sort(means);
        return new PairedDifference(n, diffs.Average(), Statistics.Percentile(means, 0.025), Statistics.Percentile(means, 0.975), block);
    }
}
