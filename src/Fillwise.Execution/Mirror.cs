namespace Fillwise.Execution;

/// <summary>What the best-effort mirror has done so far; shown in ExecutionHealth and on the dashboard.</summary>
public sealed record MirrorStatus(long Offered, long Drops, long Commits, long Retries, long Failures, DateTimeOffset? LastSuccess, string? LastError, bool CircuitOpen);

/// <summary>
/// The seam to a remote mirror (Firestore). <see cref="Offer"/> never blocks and never throws: a mirror that is
/// slow or down drops and counts, it never slows or fails the executor.
/// </summary>
public interface IExecutionMirror
{
    /// <summary>Hands over one symbol's health and its 24 hourly expectancy values (bps, UTC hours).</summary>
    void Offer(ExecutionHealth health, IReadOnlyList<double> hourlyExpectancyBps);

    MirrorStatus Status { get; }
}
