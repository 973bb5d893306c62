using Fillwise.Backtest;

namespace Fillwise.Telemetry.Tests;

/// <summary>
/// The dashboard's probe (TelemetryReader.Runs asks whether a running run's writer lives) and other writers'
/// stores being opened (which mark a dead writer's run interrupted) must never make a real writer's
/// RunLock.Take fail: the resume-after-kill-9 case with a dashboard polling /api/runs.
/// </summary>
internal static class LockProbe
{
    private const int Takes = 300;
    private const long MinimumRounds = 100;

    public static async Task ProbesNeverRefuseARealWriter(string db)
    {
        var run = new RunInfo("probed-run", "taker", 1, "a.gz", "tick");
        using var store = TelemetryStore.Open(db);
        using (RunLock.Take(store, run.RunId))
        {
            store.BeginRun(run);
        }
        // The run is left 'running' with no writer, as a process killed with kill -9 leaves it.
        var reader = TelemetryReader.Open(db);
        Assert.Equal("interrupted", Assert.Single(reader.Runs()).Status);

        using var stop = new CancellationTokenSource();
        var probes = 0L;
        var opens = 0L;
        var dashboard = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                reader.Runs();
                Interlocked.Increment(ref probes);
            }
        });
        var opener = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                TelemetryStore.Open(db).Dispose();
                Interlocked.Increment(ref opens);
            }
        });
        var refusals = new List<string>();
        var takes = 0;
        try
        {
            // Takes go on until both probing loops have run many times over them (or a minute has passed).
            var started = System.Diagnostics.Stopwatch.StartNew();
            for (; takes < Takes || ((Interlocked.Read(ref opens) < MinimumRounds || Interlocked.Read(ref probes) < MinimumRounds) && started.Elapsed < TimeSpan.FromMinutes(1)); takes++)
            {
                try
                {
                    // What a resuming writer does: take the lock, begin the run again (status 'running'), and die.
                    using (RunLock.Take(store, run.RunId))
                    {
                        store.BeginRun(run);
                    }
                }
                catch (RunRefusedException e)
                {
                    refusals.Add(e.Message);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(dashboard, opener);
        }
        Assert.True(Interlocked.Read(ref probes) >= MinimumRounds && Interlocked.Read(ref opens) >= MinimumRounds, $"the probes did not run: {probes} reads, {opens} opens");
        Assert.True(refusals.Count == 0, $"{refusals.Count} of {takes} takes refused ({probes} reads, {opens} opens); first: {refusals.FirstOrDefault()}");
    }

    /// <summary>A second writer really holding the lock is still refused, after the patience, not waited for.</summary>
    public static void AHeldLockIsStillRefused(string db)
    {
        using var holder = TelemetryStore.Open(db);
        using var second = TelemetryStore.Open(db);
        using var held = RunLock.Take(holder, "held-run");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var refused = Assert.Throws<RunRefusedException>(() => RunLock.Take(second, "held-run"));
        Assert.Contains("being written", refused.Message, StringComparison.Ordinal);
        Assert.InRange(waited.Elapsed, RunLock.Patience, RunLock.Patience + TimeSpan.FromSeconds(5));
    }
}

public sealed class LockProbeSqliteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-probe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public Task Sqlite_probes_and_opens_never_refuse_a_real_writer() => LockProbe.ProbesNeverRefuseARealWriter(Path.Combine(_dir, "run.db"));

    [Fact]
    public void Sqlite_a_held_lock_is_still_refused() => LockProbe.AHeldLockIsStillRefused(Path.Combine(_dir, "held.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class LockProbePostgresTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Postgres_probes_and_opens_never_refuse_a_real_writer() =>
        await LockProbe.ProbesNeverRefuseARealWriter(await server.NewDatabase("probed"));

    [PostgresFact]
    public async Task A_reader_on_a_hot_standby_shows_a_running_run_as_stored_not_as_interrupted()
    {
        // A standby cannot see the primary's locks: every live writer would look dead there.
        var db = await server.NewDatabase("standby_runs");
        using (var store = TelemetryStore.Open(db))
        {
            using (RunLock.Take(store, "left-running"))
            {
                store.BeginRun(new RunInfo("left-running", "taker", 1, "a.gz", "tick"));
            }
        }
        Assert.Equal("interrupted", Assert.Single(TelemetryReader.Open(db).Runs()).Status);
        var standby = $"postgresql://postgres@127.0.0.1:{await server.StartStandby()}/standby_runs";
        Assert.Equal("running", Assert.Single(TelemetryReader.Open(standby).Runs()).Status);
    }

    [PostgresFact]
    public async Task Postgres_a_held_lock_is_still_refused() => LockProbe.AHeldLockIsStillRefused(await server.NewDatabase("held"));
}
