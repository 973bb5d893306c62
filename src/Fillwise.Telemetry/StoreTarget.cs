using System.Data.Common;

namespace Fillwise.Telemetry;

/// <summary>
/// Where a store lives, as given to <c>--db</c>, and everything that differs between the two kinds of store: a
/// path is an embedded SQLite file; <c>postgresql://</c> / <c>postgres://</c> URIs and key=value connection strings
/// (<c>Host=…;Database=…</c>) are a PostgreSQL database. <see cref="Parse"/> is the one place that decides; the
/// store, the writer and the read model run the same SQL over either and ask the target only for what differs
/// (opening, migrations, schema inspection, the per-run lock and error sentences).
/// </summary>
public abstract class StoreTarget
{
    private protected StoreTarget()
    {
    }

    /// <summary>The target as shown to the user: the path, or the URI without its password.</summary>
    public abstract string Display { get; }

    /// <summary>A database server (several processes, per-run advisory locks) rather than a file.</summary>
    public abstract bool IsServer { get; }

    /// <summary>Reads a <c>--db</c> value; throws <see cref="StoreException"/> (one sentence) for a malformed connection string.</summary>
    public static StoreTarget Parse(string db)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(db);
        return PostgresTarget.Accepts(db) ? PostgresTarget.From(db) : new SqliteTarget(db);
    }

    public override string ToString() => Display;

    /// <summary>Opens a connection for writing, creating and migrating the store as needed.</summary>
    internal abstract DbConnection OpenForWriting();

    /// <summary>Opens a connection to an existing store for one small write, without creating or migrating anything.</summary>
    internal abstract DbConnection OpenExisting();

    /// <summary>Validates the store for reading (it exists, is a Fillwise store of this schema) and returns read-only connections to it.</summary>
    internal abstract DbDataSource OpenForReading();

    internal abstract int SchemaVersion(DbConnection connection);

    /// <summary>ORDER BY terms putting the most recently written run first (the read model's fallback for "which run").</summary>
    internal abstract string NewestRunFirst { get; }

    /// <summary>Takes the exclusive right to write one run, or returns null when another process holds it; released by the kernel or server when the holder dies.</summary>
    internal abstract IDisposable? TryLockRun(DbConnection connection, string runId);

    /// <summary>
    /// Whether a live process holds the run's lock, asked by a reader (the dashboard) without creating or writing
    /// anything: a <c>running</c> run without one was interrupted.
    /// </summary>
    internal abstract bool HasLiveWriter(DbConnection connection, string runId);

    /// <summary>
    /// The interrupted rule, the one place both the store (marking) and the read model (showing) ask: a run stored
    /// as <c>running</c> whose lock no live process holds was interrupted (its writer died, kill -9 included).
    /// </summary>
    internal bool WriterIsGone(DbConnection connection, string runId, string? storedStatus) =>
        RunStatuses.Parse(storedStatus) == RunStatus.Running && !HasLiveWriter(connection, runId);

    /// <summary>What holds a run's lock, for the sentence that refuses a second writer.</summary>
    internal abstract string LockHolder(string runId);

    /// <summary>One sentence, starting with <see cref="Display"/>, for a database error met on this target.</summary>
    internal abstract StoreException Explain(DbException e);
}
