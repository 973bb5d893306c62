namespace Fillwise.Execution;

/// <summary>The last 4,096 decision latencies (wall clock), for percentiles; recording allocates nothing.</summary>
public sealed class DecisionLatency
{
    private readonly long[] _ticks = new long[4096];
    private long _count;

    public long Count => _count;

    internal void Add(TimeSpan elapsed) => _ticks[_count++ % _ticks.Length] = elapsed.Ticks;

    /// <summary>The q-quantile in microseconds over the retained decisions; NaN before the first.</summary>
    public double PercentileMicroseconds(double q)
    {
        var n = (int)Math.Min(_count, _ticks.Length);
        if (n == 0)
        {
            return double.NaN;
        }
        var sorted = _ticks[..n];
        Array.Sort(sorted);
        return sorted[(int)Math.Min(n - 1, Math.Ceiling(q * n) - 1)] / 10.0;
    }
}
