using System.Diagnostics;
using Npgsql;

namespace Fillwise.Telemetry.Tests;

/// <summary>
/// Several `fillwise replay` processes writing one PostgreSQL database: concurrent runs, a writer killed with
/// SIGKILL and resumed, and a second writer of the same run refused while the first holds its advisory lock.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrentWritersTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [PostgresFact]
    public async Task FourWriterProcessesWithDifferentPoliciesStartedAtOnceAllCompleteAndAreAllListed()
    {
        // A new database: the four processes also race to migrate it.
        var pg = await server.NewDatabase("four_writers");
        string[] policies = ["intel", "rules", "static", "taker"];
        var processes = policies.Select(p => Cli.Start([.. Replay, "--db", pg, "--policy", p])).ToList();
        var finished = await Task.WhenAll(processes.Select(p => Cli.Finish(p, Patience)));
        foreach (var process in processes)
        {
            process.Dispose();
        }
        Assert.All(finished, f => Assert.True(f.Exit == 0, f.Err));

        var runs = TelemetryReader.Open(pg).Runs();
        Assert.Equal(policies, runs.Select(r => r.Policy).Order(StringComparer.Ordinal));
        Assert.Equal(4, runs.Select(r => r.RunId).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(("complete", 1L, 47L), (r.Status, r.Attempts, r.Parents)));
        var (exit, output, error) = Cli.Run("intel", "show", "--db", pg, "--run", runs[0].RunId);
        Assert.True(exit == 0, error);
        Assert.Contains("BTCUSDT", output, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AWriterKilledWithSigkillMidRunAndResumedLeavesTheSameRowsAsAnUninterruptedRun()
    {
        var clean = await server.NewDatabase("uninterrupted");
        var (cleanExit, _, cleanError) = Cli.Run([.. Replay, "--db", clean]);
        Assert.True(cleanExit == 0, cleanError);

        var killed = await server.NewDatabase("killed");
        // Paced (8 minutes of data in about 8 s) so that it is surely killed between two committed batches.
        using (var writer = Cli.Start([.. Replay, "--db", killed, "--pace", "60"]))
        {
            await WaitFor(killed, "SELECT COUNT(*) FROM parents", n => n > 0, writer);
            writer.Kill(); // SIGKILL: no flush, no unlock, no goodbye to the server.
            await writer.WaitForExitAsync();
        }
        var parentsAtKill = await Count(killed, "SELECT COUNT(*) FROM parents");
        Assert.InRange(parentsAtKill, 1, 46);
        Assert.Equal(1, await Count(killed, "SELECT COUNT(*) FROM runs WHERE status = 'running'"));

        // The server dropped the dead session's advisory lock: the next attempt takes it and resumes.
        var (exit, output, error) = Cli.Run([.. Replay, "--db", killed]);
        Assert.True(exit == 0, error);
        Assert.Contains("resumed", output, StringComparison.Ordinal);
        using var a = TelemetryStore.Open(clean);
        using var b = TelemetryStore.Open(killed);
        Assert.Equal(a.Dump(), b.Dump());
        Assert.Equal(2, await Count(killed, "SELECT attempts FROM runs"));
    }

    [PostgresFact]
    public async Task ASecondProcessOnTheSameRunIsRefusedWhileTheFirstHoldsIt()
    {
        var pg = await server.NewDatabase("one_writer");
        using var first = Cli.Start([.. Replay, "--db", pg, "--pace", "30"]);
        try
        {
            // The lock is taken before the run is begun, so a 'running' row means it is held.
            await WaitFor(pg, "SELECT COUNT(*) FROM runs WHERE status = 'running'", n => n == 1, first);
            using var second = Cli.Start([.. Replay, "--db", pg]);
            var (exit, _, error) = await Cli.Finish(second, Patience);
            Assert.Equal(2, exit);
            Assert.Contains("is being written to postgresql://postgres@127.0.0.1:", error, StringComparison.Ordinal);
            Assert.Contains("advisory lock", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            Assert.Equal(1, await Count(pg, "SELECT attempts FROM runs"));
        }
        finally
        {
            first.Kill();
            await first.WaitForExitAsync();
        }
    }

    private static readonly string[] Replay = ["replay", .. Cli.Capture];

    private static async Task<long> Count(string uri, string sql)
    {
        var u = new Uri(uri);
        await using var connection = new NpgsqlConnection($"Host={u.Host};Port={u.Port};Username=postgres;Database={u.AbsolutePath.Trim('/')};Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until <paramref name="done"/> holds (the tables may not exist yet), failing if the writer exits first.</summary>
    private static async Task WaitFor(string uri, string sql, Func<long, bool> done, Process writer)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            Assert.False(writer.HasExited, $"the writer exited (code {(writer.HasExited ? writer.ExitCode : 0)}) before the test could act: {(writer.HasExited ? await writer.StandardError.ReadToEndAsync() : "")}");
            try
            {
                if (done(await Count(uri, sql)))
                {
                    return;
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Not migrated yet.
            }
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for `{sql}`");
    }
}
