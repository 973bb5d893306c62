using System.Globalization;

namespace Fillwise.Cli.Runs;

internal static class Durations
{
    /// <summary>Parses "500ms", "10s", "5m", "1h" (a bare number is seconds), from 1 ms to a year: below a millisecond a period is a busy loop, not a setting.</summary>
    public static TimeSpan Parse(string text, string option)
    {
        var t = text.Trim().ToLowerInvariant();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value * unit < 0.001 || value * unit > 366 * 86_400.0)
        {
            throw new UsageException($"{option}: '{text}' is not a duration (expected 1ms up to a year, e.g. 500ms, 10s, 5m, 1h).");
        }
        return TimeSpan.FromSeconds(value * unit);
    }
}
