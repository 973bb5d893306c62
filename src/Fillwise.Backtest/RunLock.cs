using Fillwise.Telemetry;

namespace Fillwise.Backtest;

/// <summary>
/// One writer per run id, taken before the run is begun and held until it ends: on SQLite an exclusive OS lock
/// on a file beside the store (<c>DB.run-ID.lock</c>), on PostgreSQL a session-level advisory lock on a hash of
/// the run id. The rule for a crashed writer: either lock belongs to the process (the kernel drops the file lock,
/// the server drops the session's advisory lock when its connection closes), so it is gone the moment the
/// process dies, kill -9 included, and the next attempt takes it and resumes the run. No lease can go stale and
/// nothing needs a timeout.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly IDisposable _lease;

    private RunLock(IDisposable lease) => _lease = lease;

    /// <summary>Takes the run's lock on <paramref name="store"/>, or throws <see cref="RunRefusedException"/> when another process holds it.</summary>
    public static RunLock Take(TelemetryStore store, string runId) =>
        store.TryLockRun(runId) is { } lease
            ? new RunLock(lease)
            : throw new RunRefusedException($"run {runId} is being written to {store.Path} by another process ({store.LockHolder(runId)}); wait for it to finish, or stop it and run again to resume.");

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
