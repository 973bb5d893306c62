namespace Fillwise.Intel;

/// <summary>Volatility regime from ATR relative to its own recent median, coolest to hottest.</summary>
public enum Regime
{
    Quiet = 0,
    Normal = 1,
    Hot = 2,
    Panic = 3,
}

/// <summary>Router health class, best to worst.</summary>
public enum RouterQuality
{
    Good = 0,
    Ok = 1,
    Degraded = 2,
    Broken = 3,
}

internal static class Checks
{
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive finite number (got {value}).");
        }
    }

    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a non-negative finite number (got {value}).");
        }
    }

    public static void Fraction(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be within [0, 1] (got {value}).");
        }
    }

    public static void AtLeast(int value, int min, string name)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {min} (got {value}).");
        }
    }

    public static void NonDecreasing(string names, params double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (!(values[i] >= values[i - 1]))
            {
                throw new ArgumentException($"{names} must not decrease (got {string.Join(", ", values)}).", names);
            }
        }
    }

    public static void Ascending(string names, params double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (!(values[i] > values[i - 1]))
            {
                throw new ArgumentException($"{names} must be strictly ascending (got {string.Join(", ", values)}).", names);
            }
        }
    }

    /// <summary>Percentile by linear interpolation between closest ranks; the span must be sorted. NaN when empty.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }
        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
