using Fillwise.Execution;
using Microsoft.Data.Sqlite;

namespace Fillwise.Telemetry;

/// <summary>
/// The executor's sink into the store: rows are buffered and written in one transaction per batch. Writes are
/// INSERT OR IGNORE on natural keys, so replaying a crashed run's prefix again changes nothing.
/// </summary>
public sealed class TelemetryWriter : ITelemetrySink
{
    private readonly SqliteConnection _connection;
    private readonly string _runId;
    private readonly int _batchSize;
    private readonly List<(string Sql, IReadOnlyList<string> Columns, object?[] Values)> _pending = [];

    internal TelemetryWriter(SqliteConnection connection, string runId, int batchSize)
    {
        _connection = connection;
        _runId = runId;
        _batchSize = Math.Max(1, batchSize);
    }

    /// <summary>Batches committed so far (each one transaction).</summary>
    public long Batches { get; private set; }

    // What each column holds is defined once, in Tables; this class only buffers and commits.
    public void Parent(ParentRecord r) => Add(Tables.Parents, r);

    public void Child(ChildRecord r) => Add(Tables.Children, r);

    public void Fill(FillRecord r) => Add(Tables.Fills, r);

    public void Result(ParentResult r) => Add(Tables.Results, r);

    public void RoundTrip(RoundTripRecord r) => Add(Tables.RoundTrips, r);

    public void Health(ExecutionHealth h) => Add(Tables.Health, h);

    /// <summary>Commits everything buffered in one transaction.</summary>
    public void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        using var transaction = _connection.BeginTransaction();
        var commands = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var (sql, columns, values) in _pending)
            {
                if (!commands.TryGetValue(sql, out var command))
                {
                    command = _connection.CreateCommand();
                    command.CommandText = sql;
                    command.Transaction = transaction;
                    command.Parameters.AddWithValue("$run", _runId);
                    for (var i = 0; i < values.Length; i++)
                    {
                        command.Parameters.Add(new SqliteParameter("$" + columns[i], DBNull.Value));
                    }
                    command.Prepare();
                    commands.Add(sql, command);
                }
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters[i + 1].Value = values[i] ?? DBNull.Value;
                }
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                command.Dispose();
            }
        }
        _pending.Clear();
        Batches++;
    }

    private void Add<T>(Table<T> table, T record)
    {
        _pending.Add((table.InsertSql, table.Columns, table.Values(record)));
        if (_pending.Count >= _batchSize)
        {
            Flush();
        }
    }
}
