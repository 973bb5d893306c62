using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Cli.Runs;

/// <summary>Per-policy TCA numbers of the eval JSON contract.</summary>
internal sealed record PolicyStats(
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
    public static PolicyStats From(MemoryTelemetry t)
    {
        var routed = t.Parents.Count(p => !p.Risk.IsDenied && p.Context is not null);
        var filled = t.Results.Where(r => r.FilledQuantity > 0).ToList();
        var costs = filled.Select(r => r.CostBps).Order().ToArray();
        var filledQty = filled.Sum(r => (double)r.FilledQuantity);
        var makerQty = filled.Sum(r => (double)r.FilledQuantity * r.MakerFillRatio);
        return new PolicyStats(
            routed,
            filled.Count,
            costs.Length > 0 ? costs.Average() : double.NaN,
            Percentile(costs, 0.5),
            Percentile(costs, 0.9),
            filled.Count > 0 ? filled.Average(r => r.FeesBps) : double.NaN,
            filledQty > 0 ? makerQty / filledQty : double.NaN,
            t.Results.Count > 0 ? t.Results.Count(r => r.UsedFallback) / (double)t.Results.Count : double.NaN,
            filled.Count > 0 ? filled.Average(r => r.TimeToFillMs) : double.NaN,
            t.Parents.Count(p => p.Risk.IsDenied),
            new SortedDictionary<string, int>(t.Parents.Where(p => p.Risk.IsDenied).GroupBy(p => p.Risk.Reason.ToString()).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal));
    }

    /// <summary>Linear interpolation between closest ranks.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = q * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}

/// <summary>Intel minus static on the same parent orders (paired by parent id), with a seeded bootstrap 95 % interval.</summary>
internal sealed record PairedDifference(int Pairs, double Mean, double Low, double High)
{
    public static PairedDifference Compute(MemoryTelemetry intel, MemoryTelemetry baseline, ulong seed, int resamples = 2_000)
    {
        var b = baseline.Results.Where(r => r.FilledQuantity > 0).ToDictionary(r => r.ParentId, r => r.CostBps);
        var diffs = intel.Results.Where(r => r.FilledQuantity > 0 && b.ContainsKey(r.ParentId))
            .OrderBy(r => r.ParentId).Select(r => r.CostBps - b[r.ParentId]).ToArray();
        if (diffs.Length == 0)
        {
            return new PairedDifference(0, double.NaN, double.NaN, double.NaN);
        }
        var random = new DeterministicRandom(seed ^ 0xB007);
        var means = new double[resamples];
        for (var i = 0; i < resamples; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < diffs.Length; j++)
            {
                sum += diffs[random.NextLong(diffs.Length)];
            }
            means[i] = sum / diffs.Length;
        }
        Array.Sort(means);
        return new PairedDifference(diffs.Length, diffs.Average(), PolicyStats.Percentile(means, 0.025), PolicyStats.Percentile(means, 0.975));
    }
}
