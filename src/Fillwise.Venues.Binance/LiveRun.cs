using System.Globalization;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Signals;
using Fillwise.Telemetry;

namespace Fillwise.Venues.Binance;

/// <summary>What to run live: policy, seed, parent-order source (and its label), executor options, how long.</summary>
public sealed record LiveSpec(string Policy, ulong Seed, Func<ISignalSource> Orders, string OrderSource, ExecutorOptions Options, TimeSpan Duration, string VenueName)
{
    /// <summary>Parent orders posted while the session runs (the dashboard's), besides <see cref="Orders"/>.</summary>
    public SignalInbox? Inbox { get; init; }
}

/// <summary>What a live session did: the same statistics as a replay's summary, plus the venue's counters.</summary>
public sealed record LiveSummary(string RunId, string Policy, bool DryRun, bool Killed, PolicyStats Stats, LiveStats Venue, IReadOnlyList<ExecutionHealth> Health, DecisionLatency Latency, IReadOnlyList<PositionRisk> Positions, IReadOnlyList<Symbol> SwitchedOff);

/// <summary>
/// A live session stored like a replay (runs/parents/children/fills/health rows, mode "live"): the executor and
/// telemetry of a backtest over the live venue, stepped on one thread until the duration ends or the kill switch
/// (<paramref name="kill"/>: SIGINT/SIGTERM) fires; then every working order is cancelled before the run is
/// completed. Operator toggles in the store are read every second, as a replay reads them.
/// </summary>
public static class LiveRun
{
    public static LiveSummary Run(string dbPath, BinanceVenue venue, LiveSpec spec, IExecutionMirror? mirror, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(venue);
        ArgumentNullException.ThrowIfNull(spec);
        venue.StartAsync(kill).GetAwaiter().GetResult();
        using var store = TelemetryStore.Open(dbPath);
        var started = venue.Time.GetUtcNow();
        var runId = $"live-{started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{venue.Ids.Session}";
        var mode = venue.DryRun ? "live (dry run)" : "live (trade)";
        var inputs = $"{spec.VenueName} {string.Join(',', venue.Symbols.Select(s => s.Value))} {spec.OrderSource}";
        // Held until the run is complete: a process that opens the store meanwhile sees a live writer, and once this
        // process dies (kill -9 included) the lock is gone and the next one marks the run interrupted.
        using var runLock = RunLock.Take(store, runId);
        var writer = store.BeginRun(new RunInfo(runId, spec.Policy, spec.Seed, inputs, mode));
        var memory = new MemoryTelemetry();
        using var background = new BackgroundTelemetry(writer);
        var executor = new Executor(venue, venue.Catalog, spec.Options, ExecutionPolicies.Create(spec.Policy, spec.Options), new TeeTelemetry(memory, background), spec.Inbox is { } inbox ? [spec.Orders(), inbox] : [spec.Orders()])
        {
            Mirror = mirror,
        };
        var off = store.Toggles().Where(t => !t.Value && venue.Symbols.Contains(t.Key)).Select(t => t.Key).ToList();
        executor.DisabledSymbols.UnionWith(off);
        venue.Attach(executor);
        var wall = venue.Time;
        if (!venue.DryRun)
        {
            // Orders go out only once the user stream is up: no fill can happen before we listen.
            var ready = venue.NowNs + 10_000_000_000;
            while (!venue.UserStreamReady && !kill.IsCancellationRequested && venue.Step(ready, kill))
            {
            }
            if (!venue.UserStreamReady && !kill.IsCancellationRequested)
            {
                throw new VenueException("The user-data stream did not connect within 10 s; no order was sent.");
            }
        }
        var end = venue.NowNs + spec.Duration.Ticks * 100;
        var lastToggles = wall.GetTimestamp();
        while (!kill.IsCancellationRequested && venue.Step(end, kill))
        {
            if (wall.GetElapsedTime(lastToggles) >= TimeSpan.FromSeconds(1))
            {
                lastToggles = wall.GetTimestamp();
                executor.DisabledSymbols.Clear();
                executor.DisabledSymbols.UnionWith(store.Toggles().Where(t => !t.Value).Select(t => t.Key));
            }
        }
        // End of the session or the kill switch: nothing of ours stays on the book.
        venue.Kill();
        executor.Finish();
        background.Complete();
        writer.Flush();
        store.CompleteRun(runId, dataErrors: 0, bookGaps: 0); // a live feed is not a file: its errors and gaps are not counted here
        var stats = PolicyStats.From(memory, executor.Markouts, MarkedCosts.Of(memory, executor.LastQuotes(), venue.Catalog, spec.Options));
        return new LiveSummary(runId, spec.Policy, venue.DryRun, kill.IsCancellationRequested, stats, venue.Stats, executor.Health(), executor.DecisionLatency, venue.StartPositions, off);
    }
}
