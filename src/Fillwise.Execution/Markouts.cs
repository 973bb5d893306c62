using Fillwise.Core;

namespace Fillwise.Execution;

/// <summary>
/// Post-fill markouts: the mid 1 s, 5 s and 30 s after each fill against the fill price, in bps, signed so that
/// positive means the market moved the fill's way (a good fill) and negative means adverse selection. Measured
/// on the quotes the executor receives; a fill whose horizon outlives the data is not counted.
/// </summary>
public sealed class Markouts
{
    private static readonly long[] HorizonsNs = [1_000_000_000, 5_000_000_000, 30_000_000_000];
    private readonly Dictionary<Symbol, Queue<(long TimeNs, double Price, int Sign)>[]> _pending = [];
    private readonly double[] _sums = new double[HorizonsNs.Length];
    private readonly long[] _counts = new long[HorizonsNs.Length];

    /// <summary>Mean markout at 1 s, 5 s, 30 s (index 0, 1, 2); NaN when none was measured.</summary>
    public double MeanBps(int horizon) => _counts[horizon] > 0 ? _sums[horizon] / _counts[horizon] : double.NaN;

    internal void OnFill(Symbol symbol, long timeNs, double price, Side side)
    {
        if (!_pending.TryGetValue(symbol, out var queues))
        {
            queues = [new(), new(), new()];
            _pending.Add(symbol, queues);
        }
        foreach (var queue in queues)
        {
            queue.Enqueue((timeNs, price, side.Sign()));
        }
    }

    internal void OnQuote(Symbol symbol, long nowNs, double mid)
    {
        if (!_pending.TryGetValue(symbol, out var queues))
        {
            return;
        }
        for (var h = 0; h < HorizonsNs.Length; h++)
        {
            var queue = queues[h];
            while (queue.Count > 0 && queue.Peek().TimeNs + HorizonsNs[h] <= nowNs)
            {
                var (_, price, sign) = queue.Dequeue();
                _sums[h] += sign * (mid - price) / price * 10_000;
                _counts[h]++;
            }
        }
    }
}
