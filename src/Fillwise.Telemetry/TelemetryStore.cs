using System.Globalization;
using Fillwise.Core;
using Microsoft.Data.Sqlite;

namespace Fillwise.Telemetry;

/// <summary>What identifies a run: the same inputs, policy and seed give the same id, which is what makes a resume possible.</summary>
public sealed record RunInfo(string RunId, string Policy, ulong Seed, string Inputs, string Mode, long DataErrors = 0, long BookGaps = 0);

public enum RunStatus
{
    New = 0,
    Running,
    Complete,
}

/// <summary>
/// The telemetry store on SQLite: WAL journal, schema migrations in PRAGMA user_version, one transaction per
/// batch. A batch is acknowledged once committed; a crash loses at most the batch in flight, and a resumed
/// run rewrites it (inserts are idempotent on their keys).
/// </summary>
public sealed class TelemetryStore : IDisposable
{
    private readonly SqliteConnection _connection;

    private TelemetryStore(SqliteConnection connection) => _connection = connection;

    public string Path { get; private init; } = string.Empty;

    public static TelemetryStore Open(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new IOException($"{path}: directory {directory} does not exist.");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
            // A damaged page would otherwise surface as an SQLite error somewhere mid-run, after a run was begun.
            if (Convert.ToString(ScalarOn(connection, "PRAGMA quick_check(1)"), CultureInfo.InvariantCulture) is { } check && check != "ok")
            {
                throw new StoreException($"{path}: corrupted ({check.ReplaceLineEndings(" ").Replace("*** in database main *** ", "", StringComparison.Ordinal)}); restore it from a copy or write to a new --db.");
            }
            Migrate(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            connection.Dispose();
            throw StoreException.From(path, e);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new IOException($"{path}: not a usable Fillwise store ({e.Message}).", e);
        }
        catch (StoreException)
        {
            connection.Dispose();
            throw;
        }
        return new TelemetryStore(connection) { Path = path };
    }

    /// <summary>
    /// Opens an existing, already validated store for one small write by an operator (a toggle from the
    /// dashboard): no creation, no migration and no journal change, unlike <see cref="Open"/>. A read-only
    /// file fails with an SQLite error at the write.
    /// </summary>
    public static TelemetryStore OpenExisting(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout=5000;");
        }
        catch (SqliteException)
        {
            connection.Dispose();
            throw;
        }
        return new TelemetryStore(connection) { Path = path };
    }

    public int SchemaVersion => Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);

    public RunStatus StatusOf(string runId) => Scalar($"SELECT {Col.Status} FROM {Tables.Runs.Name} WHERE {Col.RunId} = $id", ("$id", runId)) switch
    {
        "running" => RunStatus.Running,
        "complete" => RunStatus.Complete,
        _ => RunStatus.New,
    };

    /// <summary>Starts (or resumes) a run and returns the sink the executor writes to.</summary>
    public TelemetryWriter BeginRun(RunInfo run, int batchSize = 512)
    {
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = $"""
                INSERT INTO {Tables.Runs.Name} ({Col.RunId}, {Col.Policy}, {Col.Seed}, {Col.Inputs}, {Col.Mode}, {Col.Status}, {Col.Attempts}, {Col.DataErrors}, {Col.BookGaps})
                VALUES ($id, $policy, $seed, $inputs, $mode, 'running', 1, $errors, $gaps)
                ON CONFLICT({Col.RunId}) DO UPDATE SET {Col.Status} = 'running', {Col.Attempts} = {Col.Attempts} + 1, {Col.DataErrors} = $errors, {Col.BookGaps} = $gaps
                """;
            command.Parameters.AddWithValue("$errors", run.DataErrors);
            command.Parameters.AddWithValue("$gaps", run.BookGaps);
            command.Parameters.AddWithValue("$id", run.RunId);
            command.Parameters.AddWithValue("$policy", run.Policy);
            command.Parameters.AddWithValue("$seed", (long)run.Seed);
            command.Parameters.AddWithValue("$inputs", run.Inputs);
            command.Parameters.AddWithValue("$mode", run.Mode);
            command.ExecuteNonQuery();
        }
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
            Execute(_connection, $"DELETE FROM {table.Name} WHERE {Col.RunId} = $id", transaction, ("$id", runId));
        }
        transaction.Commit();
    }

    public void CompleteRun(string runId) =>
        Execute(_connection, $"UPDATE {Tables.Runs.Name} SET {Col.Status} = 'complete' WHERE {Col.RunId} = $id", ("$id", runId));

    /// <summary>Symbol toggles set by an operator: symbol -> enabled.</summary>
    public IReadOnlyDictionary<Symbol, bool> Toggles()
    {
        var toggles = new SortedDictionary<Symbol, bool>(Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Col.Symbol}, {Col.Enabled} FROM {Tables.Toggles.Name}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            toggles[new Symbol(reader.GetString(0))] = reader.GetInt64(1) != 0;
        }
        return toggles;
    }

    public void SetToggle(Symbol symbol, bool enabled, DateTimeOffset when) =>
        Execute(_connection, $"INSERT INTO {Tables.Toggles.Name} ({Col.Symbol}, {Col.Enabled}, {Col.Updated}) VALUES ($s, $e, $u) ON CONFLICT({Col.Symbol}) DO UPDATE SET {Col.Enabled} = $e, {Col.Updated} = $u",
            ("$s", symbol.Value), ("$e", enabled ? 1 : 0), ("$u", when.ToString("O", CultureInfo.InvariantCulture)));

    /// <summary>Runs a read-only query (for reports, the CLI and tests).</summary>
    public List<object?[]> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
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
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
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

    public void Dispose() => _connection.Dispose();

    private object? Scalar(string sql, params (string Name, object Value)[] parameters) => ScalarOn(_connection, sql, parameters);

    private static object? ScalarOn(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command.ExecuteScalar();
    }

    private static void Migrate(SqliteConnection connection)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var current = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > Schema.Migrations.Length)
        {
            throw new IOException($"the store has schema version {current}, newer than this fillwise ({Schema.Migrations.Length}); use a newer fillwise.");
        }
        for (var v = current; v < Schema.Migrations.Length; v++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Schema.Migrations[v] + $"; PRAGMA user_version = {v + 1};", transaction);
            transaction.Commit();
        }
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters) =>
        Execute(connection, sql, null, parameters);

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.ExecuteNonQuery();
    }
}
