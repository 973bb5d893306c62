using System.Text.RegularExpressions;

namespace Fillwise.Mirror;

/// <summary>Firestore mirror configuration, validated once at start with messages naming the option.</summary>
public sealed partial record MirrorOptions
{
    public required string ProjectId { get; init; }
    /// <summary>Documents go under fillwise/{Environment}/...</summary>
    public string Environment { get; init; } = "replay";
    /// <summary>One Commit per period with the latest document of each name.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Bounded queue between the executor and the mirror; when full the oldest offer is dropped and counted.</summary>
    public int Capacity { get; init; } = 256;
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Consecutive failed periods that open the circuit; it stays open for <see cref="BreakerOpenFor"/>.</summary>
    public int BreakerFailures { get; init; } = 5;
    /// <summary>How long an open circuit stays open; default 10 periods (at least 1 s), then one period is tried again.</summary>
    public TimeSpan? BreakerOpenFor { get; init; }

    internal TimeSpan EffectiveBreakerOpenFor => BreakerOpenFor ?? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, Period.Ticks * 10));
    /// <summary>Seed of the backoff jitter.</summary>
    public ulong Seed { get; init; } = 1;

    public void Validate()
    {
        if (!ProjectIdPattern().IsMatch(ProjectId ?? string.Empty))
        {
            throw new ArgumentException($"Mirror project id '{ProjectId}' is not a Google Cloud project id (6-30 lowercase letters, digits, hyphens).");
        }
        if (!EnvironmentPattern().IsMatch(Environment ?? string.Empty))
        {
            throw new ArgumentException($"Mirror environment '{Environment}' must be 1-64 letters, digits, '-' or '_'.");
        }
        if (Period < TimeSpan.FromMilliseconds(50) || Period > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("Mirror period must be between 50 ms and 1 h.");
        }
        if (Capacity < 1 || MaxAttempts < 1 || BreakerFailures < 1)
        {
            throw new ArgumentException("Mirror Capacity, MaxAttempts and BreakerFailures must be at least 1.");
        }
        if (BackoffBase <= TimeSpan.Zero || BackoffMax < BackoffBase || CallTimeout <= TimeSpan.Zero || BreakerOpenFor <= TimeSpan.Zero)
        {
            throw new ArgumentException("Mirror backoff, call timeout and breaker durations must be positive (BackoffMax >= BackoffBase).");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    private static partial Regex ProjectIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex EnvironmentPattern();
}

/// <summary>The mirror cannot be configured (bad options, unreadable credentials): one sentence; the executor runs without it.</summary>
public sealed class MirrorConfigException(string message, Exception? inner = null) : Exception(message, inner);
