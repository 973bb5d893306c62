using Fillwise.Telemetry;

namespace Fillwise.Backtest;

/// <summary>
/// One writer per run id, taken before the run is begun and held until it ends: on SQLite an exclusive OS lock
/// on a file beside the store (<c>DB.run-ID.lock</c>, never deleted), on PostgreSQL a session-level advisory lock
/// on a hash of the run id. The rule for a crashed writer: either lock belongs to the process (the kernel drops the
/// file lock, the server drops the session's advisory lock when its connection closes), so it is gone the moment
/// the process dies, kill -9 included, and the next attempt takes it and resumes the run. No lease can go stale.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>
    /// How long a writer keeps trying before it is refused. Others take a run's lock for a moment without writing:
    /// the dashboard's probe of an SQLite store (flock cannot be queried, only tried) and a store being opened,
    /// which locks a dead writer's run to mark it interrupted. A real writer holds it for the whole run.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(5);

    private readonly IDisposable _lease;

    private RunLock(IDisposable lease) => _lease = lease;

    /// <summary>
    /// Takes the run's lock on <paramref name="store"/>, retrying for <see cref="Patience"/> (on <paramref name="clock"/>,
    /// the system's by default), or throws <see cref="RunRefusedException"/> when another process holds it.
    /// </summary>
    public static RunLock Take(TelemetryStore store, string runId, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        clock ??= TimeProvider.System;
        var started = clock.GetTimestamp();
        while (true)
        {
            if (store.TryLockRun(runId) is { } lease)
            {
                return new RunLock(lease);
            }
            if (clock.GetElapsedTime(started) >= Patience)
            {
                throw new RunRefusedException($"run {runId} is being written to {store.Path} by another process ({store.LockHolder(runId)}); wait for it to finish, or stop it and run again to resume.");
            }
            Task.Delay(Retry, clock).GetAwaiter().GetResult();
        }
    }

    public void Dispose() => _lease.Dispose();
}

/// <summary>A run that must not start (another process writes it, or its input produced nothing to store): one sentence, exit 2.</summary>
public sealed class RunRefusedException : Exception
{
    public RunRefusedException(string message)
        : base(message)
    {
    }

    public RunRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RunRefusedException()
    {
    }
}
