using System.Globalization;

namespace Fillwise.Core;

/// <summary>An option outside its allowed range; the message names the option, the range and the value.</summary>
public sealed class OptionsException(string message) : ArgumentException(message);

/// <summary>
/// The one validation style of every options record (Polly v8's: public options, validated once when the
/// component is built). Each check throws <see cref="OptionsException"/> naming the option and its range.
/// </summary>
public static class OptionChecks
{
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new OptionsException(Invariant($"{name} must be a positive finite number (got {value})."));
        }
    }

    public static void Positive(decimal value, string name)
    {
        if (value <= 0)
        {
            throw new OptionsException(Invariant($"{name} must be positive (got {value})."));
        }
    }

    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new OptionsException(Invariant($"{name} must be a non-negative finite number (got {value})."));
        }
    }

    public static void Fraction(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new OptionsException(Invariant($"{name} must be within [0, 1] (got {value})."));
        }
    }

    public static void Within(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new OptionsException(Invariant($"{name} must be within [{min}, {max}] (got {value})."));
        }
    }

    public static void AtLeast(int value, int min, string name)
    {
        if (value < min)
        {
            throw new OptionsException(Invariant($"{name} must be at least {min} (got {value})."));
        }
    }

    public static void Within(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new OptionsException($"{name} must be between {Human(min)} and {Human(max)} (got {Human(value)}).");
        }
    }

    /// <summary>A duration as a person writes it ("250 ms", "5 s", "10 min", "1 day"), not .NET's "1.00:00:00".</summary>
    public static string Human(TimeSpan value)
    {
        var sign = value < TimeSpan.Zero ? "-" : "";
        var ticks = value.Duration().Ticks;
        (long Ticks, string One, string Many)[] units =
        [
            (TimeSpan.TicksPerDay, "day", "days"), (TimeSpan.TicksPerHour, "h", "h"), (TimeSpan.TicksPerMinute, "min", "min"),
            (TimeSpan.TicksPerSecond, "s", "s"), (TimeSpan.TicksPerMillisecond, "ms", "ms"),
        ];
        foreach (var (unit, one, many) in units)
        {
            if (ticks >= unit && ticks % unit == 0)
            {
                var n = ticks / unit;
                return Invariant($"{sign}{n} {(n == 1 ? one : many)}");
            }
        }
        return ticks == 0 ? "0 s" : Invariant($"{sign}{ticks / (double)TimeSpan.TicksPerSecond} s");
    }

    public static void NonDecreasing(string names, params double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (!(values[i] >= values[i - 1]))
            {
                throw new OptionsException($"{names} must not decrease (got {string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}).");
            }
        }
    }

    public static void Ascending(string names, params double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (!(values[i] > values[i - 1]))
            {
                throw new OptionsException($"{names} must be strictly ascending (got {string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}).");
            }
        }
    }

    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new OptionsException(message);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The statistics every layer shares, implemented once.</summary>
public static class Statistics
{
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
