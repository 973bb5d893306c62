using Fillwise.Execution;
using System.Data.Common;

namespace Fillwise.Telemetry;

/// <summary>
/// The executor's sink into the store: rows are buffered and written in one transaction per batch. Writes are
/// INSERT … ON CONFLICT DO NOTHING on natural keys, so replaying a crashed run's prefix again changes nothing.
/// On SQLite (in-process) each row is one prepared statement; on PostgreSQL the batch goes to the server as one
/// pipelined ADO.NET batch, one round trip instead of one per row.
/// </summary>
public sealed class TelemetryWriter : ITelemetrySink
{
    private readonly DbConnection _connection;
    private readonly string _runId;
    private readonly int _batchSize;
    private readonly List<IPendingRow> _pending = [];

    internal TelemetryWriter(DbConnection connection, string runId, int batchSize)
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
        using (var transaction = _connection.BeginTransaction())
        {
            if (_connection.CanCreateBatch)
            {
                WriteBatch(transaction);
            }
            else
            {
                WritePrepared(transaction);
            }
            transaction.Commit();
        }
        _pending.Clear();
        Batches++;
    }

    private void WritePrepared(DbTransaction transaction)
    {
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var row in _pending)
            {
                var (sql, columns, values) = (row.Sql, row.Columns, row.Values());
                if (!commands.TryGetValue(sql, out var command))
                {
                    command = Sql.Command(_connection, sql, [("@run", _runId), .. columns.Select(c => ("@" + c, (object?)null))]);
                    command.Transaction = transaction;
                    command.Prepare();
                    commands.Add(sql, command);
                }
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters[i + 1].Value = values[i] ?? DBNull.Value;
                }
                command.ExecuteNonQuery();
            }
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                command.Dispose();
            }
        }
    }

    private void WriteBatch(DbTransaction transaction)
    {
        using var batch = _connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var row in _pending)
        {
            var (sql, columns, values) = (row.Sql, row.Columns, row.Values());
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            Sql.Bind(command.Parameters, command.CreateParameter(), "@run", _runId);
            for (var i = 0; i < values.Length; i++)
            {
                Sql.Bind(command.Parameters, command.CreateParameter(), "@" + columns[i], values[i]);
            }
            batch.BatchCommands.Add(command);
        }
        batch.ExecuteNonQuery();
    }

    private void Add<T>(Table<T> table, T record)
    {
        // Records are immutable: their column values (boxing, and words such as a policy's reason that are kept as
        // values until read) are taken when the batch is written, not on the executor's decision path.
        _pending.Add(new PendingRow<T>(table, record));
        if (_pending.Count >= _batchSize)
        {
            Flush();
        }
    }

    private interface IPendingRow
    {
        string Sql { get; }
        IReadOnlyList<string> Columns { get; }
        object?[] Values();
    }

    private sealed class PendingRow<T>(Table<T> table, T record) : IPendingRow
    {
        public string Sql => table.InsertSql;
        public IReadOnlyList<string> Columns => table.Columns;
        public object?[] Values() => table.Values(record);
    }
}
