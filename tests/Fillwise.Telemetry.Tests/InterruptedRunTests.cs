using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fillwise.Telemetry.Tests;

/// <summary>
/// A writer killed with SIGKILL leaves its run 'running' in the row; the dashboard's read model shows it as
/// 'interrupted' at once, the next process that opens the store for writing marks it so, and a replay then
/// resumes it. While the writer lives, neither marks it: its run lock says it is alive (on PostgreSQL the lock
/// is the server's, so this holds for a writer on any host).
/// </summary>
internal static class InterruptedRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static async Task KilledWriterIsShownAndMarkedInterruptedAndResumes(string db)
    {
        string[] replay = ["replay", .. Cli.Capture, "--db", db];
        using (var writer = Cli.Start([.. replay, "--pace", "30"]))
        {
            try
            {
                await WaitForParents(db, writer);
                // Alive: another writer opening the store (which marks dead writers' runs) and a reader both see it running.
                TelemetryStore.Open(db).Dispose();
                Assert.Equal("running", Assert.Single(TelemetryReader.Open(db).Runs()).Status);
                Assert.Equal("running", await Status(db));
            }
            finally
            {
                writer.Kill(); // SIGKILL: no flush, no unlock.
                await writer.WaitForExitAsync();
            }
        }
        Assert.Equal("running", await Status(db));
        Assert.Equal("interrupted", Assert.Single(TelemetryReader.Open(db).Runs()).Status);
        using (var store = TelemetryStore.Open(db))
        {
            Assert.Equal(RunStatus.Interrupted, store.StatusOf(Assert.Single(store.Query("SELECT run_id FROM runs"))[0]!.ToString()!));
        }
        Assert.Equal("interrupted", await Status(db));

        var (exit, output, error) = Cli.Run(replay);
        Assert.True(exit == 0, error);
        Assert.Contains("resumed", output, StringComparison.Ordinal);
        Assert.Equal("complete", await Status(db));
    }

    /// <summary>runs.status as stored, read without opening the store as Fillwise does (which would mark it).</summary>
    private static async Task<string?> Status(string db)
    {
        if (db.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            var u = new Uri(db);
            await using var pg = new NpgsqlConnection($"Host={u.Host};Port={u.Port};Username=postgres;Database={u.AbsolutePath.Trim('/')};Pooling=false");
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT status FROM runs", pg);
            return (string?)await command.ExecuteScalarAsync();
        }
        await using var lite = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=false");
        await lite.OpenAsync();
        await using var query = lite.CreateCommand();
        query.CommandText = "SELECT status FROM runs";
        return (string?)await query.ExecuteScalarAsync();
    }

    private static async Task WaitForParents(string db, Process writer)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            Assert.False(writer.HasExited, $"the writer exited before the test could act: {(writer.HasExited ? await writer.StandardError.ReadToEndAsync() : "")}");
            try
            {
                if (TelemetryReader.Open(db).Parents(Assert.Single(TelemetryReader.Open(db).Runs()).RunId, 1).Count > 0)
                {
                    return;
                }
            }
            catch (Exception e) when (e is StoreException or Xunit.Sdk.SingleException)
            {
                // Not created or begun yet.
            }
            await Task.Delay(50);
        }
        Assert.Fail("timed out waiting for the writer's first parent order");
    }
}

public sealed class InterruptedRunSqliteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-interrupted-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public Task A_sqlite_writer_killed_with_sigkill_is_interrupted_not_running() =>
        InterruptedRun.KilledWriterIsShownAndMarkedInterruptedAndResumes(Path.Combine(_dir, "run.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class InterruptedRunPostgresTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_postgres_writer_killed_with_sigkill_is_interrupted_not_running() =>
        await InterruptedRun.KilledWriterIsShownAndMarkedInterruptedAndResumes(await server.NewDatabase("interrupted"));
}
