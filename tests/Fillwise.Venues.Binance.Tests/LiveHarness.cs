using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.Telemetry;
using Fillwise.TestData;

namespace Fillwise.Venues.Binance.Tests;

/// <summary>Runs a stored live session against the paper exchange and reads back what the store and the exchange hold.</summary>
internal static class LiveHarness
{
    public static LiveSpec Arrivals(TimeSpan every, TimeSpan duration, string policy = "static") =>
        new(policy, 1, () => new SeededArrivals(new ArrivalOptions(every, 5000m, 1)), $"arrivals:{every.TotalMilliseconds}ms", Evaluation.TcaOptions(new ExecutorOptions()), duration, "paper");

    /// <summary>Runs the session on a thread of its own; <paramref name="during"/> acts on the exchange meanwhile (fault injection).</summary>
    public static async Task<LiveSummary> RunAsync(BinanceVenue venue, LiveSpec spec, string db, Func<Task>? during = null, CancellationToken kill = default)
    {
        var run = Task.Factory.StartNew(() => LiveRun.Run(db, venue, spec, null, kill), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (during is not null)
        {
            await during();
        }
        return await run;
    }

    /// <summary>Fill ids (Binance trade ids) the store holds for the run, in order.</summary>
    public static List<long> StoredFillIds(string db, string runId)
    {
        using var store = TelemetryStore.Open(db);
        return [.. store.Query("SELECT fill_id FROM fills WHERE run_id = $id ORDER BY fill_id", ("$id", runId)).Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture))];
    }

    public static long Count(string db, string table, string runId)
    {
        using var store = TelemetryStore.Open(db);
        return Convert.ToInt64(store.Query($"SELECT COUNT(*) FROM {table} WHERE run_id = $id", ("$id", runId)).Single()[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Steps the venue (engine thread = the test's) until <paramref name="done"/> or the timeout.</summary>
    public static bool StepUntil(BinanceVenue venue, Func<bool> done, TimeSpan timeout)
    {
        var until = venue.NowNs + timeout.Ticks * 100;
        while (!done())
        {
            if (!venue.Step(until) && venue.NowNs >= until)
            {
                return done();
            }
        }
        return true;
    }

    public static string TempDb(string name) => Path.Combine(Directory.CreateTempSubdirectory("fillwise-live-").FullName, name);
}
