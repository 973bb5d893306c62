using System.Data.Common;
using System.Globalization;
using Fillwise.Core;

namespace Fillwise.Telemetry;

/// <summary>What identifies a run: the same inputs, policy and seed give the same id, which is what makes a resume possible.</summary>
public sealed record RunInfo(string RunId, string Policy, ulong Seed, string Inputs, string Mode, long DataErrors = 0, long BookGaps = 0);

/// <summary>
/// A run's status in the store (<c>runs.status</c>): <c>running</c> while its process writes it, <c>complete</c>
/// when it ended, <c>interrupted</c> when its process died (kill -9, a crash, a lost host) before completing it.
/// </summary>
public enum RunStatus
{
    New = 0,
    Running,
    Complete,

    /// <summary>Its writer died mid-run (found by the next writer or the dashboard: nobody holds the run's lock); a replay resumes it like a running one.</summary>
    Interrupted,
}

/// <summary>The one mapping between <see cref="RunStatus"/> and its text in <c>runs.status</c> (and the read model).</summary>
public static class RunStatuses
{
    public static string Text(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Complete => "complete",
        RunStatus.Interrupted => "interrupted",
        _ => "new",
    };

    /// <summary>The status a stored text names; no row (null) or an unknown text is <see cref="RunStatus.New"/>.</summary>
    public static RunStatus Parse(string? text) => text switch
    {
        "running" => RunStatus.Running,
        "complete" => RunStatus.Complete,
        "interrupted" => RunStatus.Interrupted,
        _ => RunStatus.New,
    };
}

/// <summary>
/// The telemetry store, on SQLite (a file, the embedded default) or PostgreSQL (a database shared by several
/// processes); <see cref="StoreTarget"/> says which and holds what differs. Schema migrations on open, one
/// transaction per batch. A batch is acknowledged once committed; a crash loses at most the batch in flight, and
/// a resumed run rewrites it (inserts are idempotent on their keys).
/// </summary>
public sealed class TelemetryStore : IDisposable
{
    private readonly DbConnection _connection;

    // A run's writer commits from its own thread (BackgroundTelemetry) on the connection above while the run reads
    // the operator's toggles: they are read on a connection of their own, so a poll never waits for a commit.
    private DbConnection? _toggles;

    private TelemetryStore(StoreTarget target, DbConnection connection)
    {
        Target = target;
        _connection = connection;
    }

    public StoreTarget Target { get; }

    /// <summary>The store as shown to the user (a path, or a PostgreSQL URI without its password).</summary>
    public string Path => Target.Display;

    /// <summary>Opens (creating and migrating as needed) the store that a <c>--db</c> value names.</summary>
    public static TelemetryStore Open(string db) => Open(StoreTarget.Parse(db));

    /// <summary>
    /// Opens for writing and marks every <c>running</c> run whose writer is gone as <c>interrupted</c>
    /// (<see cref="MarkInterruptedRuns"/>): the store never shows a dead process's run as running.
    /// </summary>
    public static TelemetryStore Open(StoreTarget target)
    {
        var store = new TelemetryStore(target, target.OpenForWriting());
        try
        {
            store.MarkInterruptedRuns();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing, already validated store for one small write by an operator (a toggle from the
    /// dashboard): no creation, no migration and no journal change, unlike <see cref="Open(string)"/>. A
    /// read-only store fails with a <see cref="DbException"/> at the write.
    /// </summary>
    public static TelemetryStore OpenExisting(StoreTarget target) => new(target, target.OpenExisting());

    /// <summary>
    /// Takes the exclusive right to write <paramref name="runId"/> (a file lock beside an SQLite store, an advisory
    /// lock on PostgreSQL; either is dropped when the holding process dies), or returns null when another process
    /// holds it; <see cref="LockHolder"/> says what holds it.
    /// </summary>
    public IDisposable? TryLockRun(string runId) => Target.TryLockRun(_connection, runId);

    public string LockHolder(string runId) => Target.LockHolder(runId);

    /// <summary>One sentence for a database error met while using this store.</summary>
    public StoreException Explain(DbException e) => Target.Explain(e);

    public int SchemaVersion => Target.SchemaVersion(_connection);

    public RunStatus StatusOf(string runId) =>
        RunStatuses.Parse(Scalar($"SELECT {Col.Status} FROM {Tables.Runs.Name} WHERE {Col.RunId} = @id", ("@id", runId)) as string);

    /// <summary>
    /// Marks each <c>running</c> run that no live process writes as <c>interrupted</c>; only
    /// at <see cref="Open(StoreTarget)"/>, before this store takes any run's lock (a PostgreSQL session's advisory
    /// locks are re-entrant: the store's own run must never look dead to it). A writer holds its run's lock from
    /// before it begins the run until it completes it (<see cref="TryLockRun"/>: the kernel or the database server
    /// drops it when the process dies, kill -9 included), so a running run whose lock nobody holds has no writer
    /// (<see cref="StoreTarget.WriterIsGone"/>, the rule the read model uses too). The lock is the same on every
    /// host that shares a PostgreSQL store (the server holds it), so a live run of another host or container is
    /// never marked; nothing depends on a clock.
    /// </summary>
    private void MarkInterruptedRuns()
    {
        var running = Query($"SELECT {Col.RunId} FROM {Tables.Runs.Name} WHERE {Col.Status} = @running ORDER BY {Col.RunId}", ("@running", Running))
            .Select(r => (string)r[0]!).ToList();
        foreach (var runId in running.Where(id => Target.WriterIsGone(_connection, id, Running)))
        {
            // Taken only for a run that looked dead, to mark it: under the lock no writer can begin the run again, so
            // the status read here is still its dead writer's last word. A writer arriving meanwhile retries (RunLock.Take).
            using var lease = TryLockRun(runId);
            if (lease is not null)
            {
                Sql.Execute(_connection, $"UPDATE {Tables.Runs.Name} SET {Col.Status} = @interrupted WHERE {Col.RunId} = @id AND {Col.Status} = @running",
                    ("@id", runId), ("@interrupted", RunStatuses.Text(RunStatus.Interrupted)), ("@running", Running));
            }
        }
    }

    /// <summary>Starts (or resumes) a run and returns the sink the executor writes to.</summary>
    public TelemetryWriter BeginRun(RunInfo run, int batchSize = 512)
    {
        Execute($"""
            INSERT INTO {Tables.Runs.Name} ({Col.RunId}, {Col.Policy}, {Col.Seed}, {Col.Inputs}, {Col.Mode}, {Col.Status}, {Col.Attempts}, {Col.DataErrors}, {Col.BookGaps})
            VALUES (@id, @policy, @seed, @inputs, @mode, @running, 1, @errors, @gaps)
            ON CONFLICT({Col.RunId}) DO UPDATE SET {Col.Status} = @running, {Col.Attempts} = {Tables.Runs.Name}.{Col.Attempts} + 1, {Col.DataErrors} = @errors, {Col.BookGaps} = @gaps
            """, ("@id", run.RunId), ("@running", Running), ("@policy", run.Policy), ("@seed", (long)run.Seed), ("@inputs", run.Inputs), ("@mode", run.Mode), ("@errors", run.DataErrors), ("@gaps", run.BookGaps));
        return new TelemetryWriter(_connection, run.RunId, batchSize);
    }

    /// <summary>
    /// Deletes every row of one run, in every table that has a run id, in one transaction: a replaced run
    /// (<c>--force</c>) or a failed one leaves nothing half-written behind, and a crash mid-way deletes nothing.
    /// </summary>
    public void DeleteRun(string runId)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var table in Tables.All.Where(Tables.HasRunId).Append(Tables.Runs))
        {
            Sql.Execute(_connection, $"DELETE FROM {table.Name} WHERE {Col.RunId} = @id", transaction, ("@id", runId));
        }
        transaction.Commit();
    }

    /// <summary>Marks a run complete, with the data errors and book gaps its read of the data found (a run that checks its own read knows them only now).</summary>
    public void CompleteRun(string runId, long dataErrors, long bookGaps) =>
        Execute($"UPDATE {Tables.Runs.Name} SET {Col.Status} = @complete, {Col.DataErrors} = @errors, {Col.BookGaps} = @gaps WHERE {Col.RunId} = @id",
            ("@id", runId), ("@complete", RunStatuses.Text(RunStatus.Complete)), ("@errors", dataErrors), ("@gaps", bookGaps));

    /// <summary>Symbol toggles set by an operator: symbol -> enabled.</summary>
    public IReadOnlyDictionary<Symbol, bool> Toggles()
    {
        var toggles = new SortedDictionary<Symbol, bool>(Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
        _toggles ??= Target.OpenExisting();
        using var command = Sql.Command(_toggles, $"SELECT {Col.Symbol}, {Col.Enabled} FROM {Tables.Toggles.Name}");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            toggles[new Symbol(reader.GetString(0))] = reader.GetInt64(1) != 0;
        }
        return toggles;
    }

    public void SetToggle(Symbol symbol, bool enabled, DateTimeOffset when) =>
        Execute($"INSERT INTO {Tables.Toggles.Name} ({Col.Symbol}, {Col.Enabled}, {Col.Updated}) VALUES (@s, @e, @u) ON CONFLICT({Col.Symbol}) DO UPDATE SET {Col.Enabled} = @e, {Col.Updated} = @u",
            ("@s", symbol.Value), ("@e", enabled ? 1 : 0), ("@u", when.ToString("O", CultureInfo.InvariantCulture)));

    /// <summary>Runs a read-only query (for reports, the CLI and tests).</summary>
    public List<object?[]> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Sql.Command(_connection, sql, [.. parameters.Select(p => (p.Name, (object?)p.Value))]);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The column names a query returns.</summary>
    public IReadOnlyList<string> Columns(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Sql.Command(_connection, sql, [.. parameters.Select(p => (p.Name, (object?)p.Value))]);
        using var reader = command.ExecuteReader(System.Data.CommandBehavior.SchemaOnly);
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }

    /// <summary>Every table's rows in key order as text (for comparing two stores), without the attempt counter.</summary>
    public string Dump()
    {
        var text = new System.Text.StringBuilder();
        foreach (var (table, order) in new[] { ("runs", "run_id"), ("parents", "run_id, parent_id"), ("children", "run_id, child_id"), ("fills", "run_id, fill_id"), ("results", "run_id, parent_id"), ("round_trips", "run_id, seq"), ("health", "run_id, time_ns, symbol") })
        {
            var columns = table == "runs" ? "run_id, policy, seed, inputs, mode, status" : "*";
            foreach (var row in Query($"SELECT {columns} FROM {table} ORDER BY {order}"))
            {
                text.Append(table).Append(": ").AppendJoin('|', row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))).Append('\n');
            }
        }
        return text.ToString();
    }

    public void Dispose()
    {
        _toggles?.Dispose();
        _connection.Dispose();
    }

    private static string Running => RunStatuses.Text(RunStatus.Running);

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Sql.Scalar(_connection, sql, parameters);

    private void Execute(string sql, params (string Name, object? Value)[] parameters) => Sql.Execute(_connection, sql, parameters);
}
