namespace Fillwise.Intel;

/// <summary>
/// The finite values of a bounded window kept in ascending order as they arrive and leave (binary search and a
/// shift, O(n) per change), so a percentile is read without sorting or allocating.
/// </summary>
internal sealed class SortedValues(int capacity)
{
    private readonly double[] _sorted = new double[capacity];
    private int _count;

    public ReadOnlySpan<double> Values => _sorted.AsSpan(0, _count);

    /// <summary>Adds a value; NaN and infinities are not kept (percentiles are over finite values).</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }
        var i = Array.BinarySearch(_sorted, 0, _count, value);
        if (i < 0)
        {
            i = ~i;
        }
        Array.Copy(_sorted, i, _sorted, i + 1, _count - i);
        _sorted[i] = value;
        _count++;
    }

    /// <summary>Removes one occurrence of a value added before; a value never kept (not finite) is ignored.</summary>
    public void Remove(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }
        var i = Array.BinarySearch(_sorted, 0, _count, value);
        if (i < 0)
        {
            throw new InvalidOperationException($"value {value} is not in the window: it was never added.");
        }
        Array.Copy(_sorted, i + 1, _sorted, i, _count - i - 1);
        _count--;
    }
}
