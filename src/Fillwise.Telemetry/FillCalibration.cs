using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Telemetry;

/// <summary>How parents are bucketed for calibration: equal-width buckets of predicted P(fill) over [0, 1], and the fewest parents a bucket needs to be shown.</summary>
public sealed record CalibrationOptions
{
    /// <summary>Equal-width buckets over [0, 1] (10 = deciles).</summary>
    public int Buckets { get; init; } = 10;

    /// <summary>A bucket with fewer parents is left out (its rate would be noise) and its parents counted as omitted.</summary>
    public int MinParents { get; init; } = 5;

    public void Validate()
    {
        OptionChecks.AtLeast(Buckets, 1, nameof(Buckets));
        OptionChecks.AtLeast(MinParents, 1, nameof(MinParents));
    }
}

/// <summary>
/// One routed parent order as calibration sees it: what the policy predicted for its chosen action (NaN when it
/// predicted nothing) and what happened. <c>FilledAsMaker</c>: see <see cref="FillCalibration.FilledAsMaker"/>.
/// </summary>
public readonly record struct CalibrationSample(double PredictedFill, double ExpectedCostBps, bool FilledAsMaker, double RealisedCostBps);

/// <summary>
/// One bucket [<c>Lower</c>, <c>Upper</c>) of predicted P(fill) (the last one includes 1): its parents, their mean
/// prediction and the share that filled as maker; and, over those with both, mean expected vs realised cost.
/// </summary>
public sealed record CalibrationBucket(
    double Lower, double Upper, int Parents, double PredictedMean, double RealisedFillRate,
    int CostParents, double? ExpectedCostMeanBps, double? RealisedCostMeanBps);

/// <summary>Expected vs realised cost over every parent with both (taker choices included: they predict a cost but no P(fill)).</summary>
public sealed record CostCalibration(int Parents, double ExpectedMeanBps, double RealisedMeanBps);

/// <summary>
/// The calibration of a run: <c>Parents</c> with a predicted P(fill) and an outcome, the buckets shown (those with
/// at least <c>MinParents</c>), the parents left out in smaller buckets, and the cost check (null when no parent has both costs).
/// </summary>
public sealed record CalibrationTable(int Buckets, int MinParents, int Parents, int OmittedParents, IReadOnlyList<CalibrationBucket> Rows, CostCalibration? Cost)
{
    /// <summary>Nothing to plot: no parent had a predicted P(fill) and an outcome.</summary>
    public bool IsEmpty => Parents == 0;

    /// <summary>By value, rows included (a record compares a list by reference).</summary>
    public bool Equals(CalibrationTable? other) =>
        other is not null && (Buckets, MinParents, Parents, OmittedParents) == (other.Buckets, other.MinParents, other.Parents, other.OmittedParents)
        && Rows.SequenceEqual(other.Rows) && Equals(Cost, other.Cost);

    public override int GetHashCode() => HashCode.Combine(Buckets, MinParents, Parents, OmittedParents, Rows.Count, Cost);
}

/// <summary>
/// The one implementation of fill-model calibration (predicted P(maker fill within the patience) vs realised),
/// used by the eval report's plot and the dashboard's API and chart alike.
/// </summary>
public static class FillCalibration
{
    /// <summary>
    /// What the policy's P(fill) predicts: the parent filled entirely as maker within its patience. A ratio within
    /// 0.001 of 1 counts (it is a quotient of quantities); NaN (no maker leg) does not.
    /// </summary>
    public static bool FilledAsMaker(double makerFillRatio) => makerFillRatio >= 0.999;

    /// <summary>The samples of an in-memory run (the eval's): every routed parent order with a result, in id order; the store's read model selects the same rows.</summary>
    public static IReadOnlyList<CalibrationSample> Samples(MemoryTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        var results = telemetry.Results.ToDictionary(r => r.ParentId);
        return [.. telemetry.Parents
            .Where(p => p.Context is not null && results.ContainsKey(p.ParentId))
            .OrderBy(p => p.ParentId)
            .Select(p => new CalibrationSample(p.Context!.PredictedFillProbability, p.Context.ExpectedCostBps,
                FilledAsMaker(results[p.ParentId].MakerFillRatio), results[p.ParentId].CostBps))];
    }

    public static CalibrationTable Build(IEnumerable<CalibrationSample> samples, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        options ??= new CalibrationOptions();
        options.Validate();
        var all = samples as IReadOnlyCollection<CalibrationSample> ?? [.. samples];
        var buckets = new List<CalibrationSample>[options.Buckets];
        for (var b = 0; b < buckets.Length; b++)
        {
            buckets[b] = [];
        }
        var parents = 0;
        foreach (var s in all.Where(s => double.IsFinite(s.PredictedFill)))
        {
            buckets[BucketOf(s.PredictedFill, options.Buckets)].Add(s);
            parents++;
        }
        var rows = new List<CalibrationBucket>();
        var omitted = 0;
        for (var b = 0; b < buckets.Length; b++)
        {
            var bucket = buckets[b];
            if (bucket.Count < options.MinParents)
            {
                omitted += bucket.Count;
                continue;
            }
            var costed = bucket.Where(HasCosts).ToList();
            rows.Add(new CalibrationBucket(
                (double)b / options.Buckets, (double)(b + 1) / options.Buckets, bucket.Count,
                bucket.Average(s => s.PredictedFill), bucket.Average(s => s.FilledAsMaker ? 1.0 : 0.0),
                costed.Count, costed.Count > 0 ? costed.Average(s => s.ExpectedCostBps) : null, costed.Count > 0 ? costed.Average(s => s.RealisedCostBps) : null));
        }
        var withCosts = all.Where(HasCosts).ToList();
        var cost = withCosts.Count > 0 ? new CostCalibration(withCosts.Count, withCosts.Average(s => s.ExpectedCostBps), withCosts.Average(s => s.RealisedCostBps)) : null;
        return new CalibrationTable(options.Buckets, options.MinParents, parents, omitted, rows, cost);
    }

    /// <summary>The bucket of a probability: floor(p × buckets), with 1 (and anything outside [0, 1]) in the nearest end bucket.</summary>
    public static int BucketOf(double probability, int buckets) => Math.Min(buckets - 1, (int)Math.Floor(Math.Clamp(probability, 0, 1) * buckets));

    private static bool HasCosts(CalibrationSample s) => double.IsFinite(s.ExpectedCostBps) && double.IsFinite(s.RealisedCostBps);
}
