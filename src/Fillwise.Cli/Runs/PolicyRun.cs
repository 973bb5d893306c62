using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.Venues.Replay;

namespace Fillwise.Cli.Runs;

/// <summary>
/// How a stored run is driven from outside: operator toggles (polled between events, so a switch takes effect
/// at the executor's next signal), pacing (replay seconds per wall second, for watching a replay live), progress.
/// </summary>
internal sealed record RunControl(Func<IReadOnlySet<Fillwise.Core.Symbol>>? Toggles = null, double? Pace = null, Action<ReplayVenue>? Progress = null, IExecutionMirror? Mirror = null);

/// <summary>One replay of one policy: venue + executor + telemetry, run to the end of the data.</summary>
internal static class PolicyRun
{
    public static (MemoryTelemetry Telemetry, ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health, DecisionLatency Latency) Run(
        RunInputs inputs, ExecutionPolicy policy, ulong seed, ArrivalOptions? arrivals, IReadOnlyList<ParentSignal>? signals,
        ExecutorOptions baseOptions, ITelemetrySink? extraSink = null, RunControl? control = null, bool keepRouter = false, BreakoutStrategy? strategy = null, CancellationToken cancellationToken = default)
    {
        using var venue = inputs.Venue(new ReplayVenueOptions { Seed = seed });
        var memory = new MemoryTelemetry();
        ITelemetrySink sink = extraSink is null ? memory : new TeeTelemetry(memory, extraSink);
        var executor = new Executor(venue, inputs.Catalog, (keepRouter ? inputs.Adapt(baseOptions) with { Router = baseOptions.Router } : inputs.Adapt(baseOptions)) with { Policy = policy }, sink, signals, arrivals, strategy);
        control ??= new RunControl();
        executor.Mirror = control.Mirror;
        ApplyToggles(executor, control);
        venue.Attach(executor);
        long steps = 0;
        var startNs = venue.NowNs;
        var wallStart = TimeProvider.System.GetTimestamp();
        while (venue.Step())
        {
            if (control.Pace is { } pace)
            {
                Pace(venue.NowNs - startNs, pace, wallStart, cancellationToken);
            }
            if ((++steps & 0xFFF) == 0)
            {
                ApplyToggles(executor, control);
            }
            if ((steps & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                control.Progress?.Invoke(venue);
            }
        }
        executor.Finish();
        return (memory, venue.Stats, executor.Health(), executor.DecisionLatency);
    }

    private static void ApplyToggles(Executor executor, RunControl control)
    {
        if (control.Toggles is null)
        {
            return;
        }
        var disabled = control.Toggles();
        executor.DisabledSymbols.Clear();
        executor.DisabledSymbols.UnionWith(disabled);
    }

    /// <summary>Waits until the wall clock has caught up with the replay clock divided by the pace.</summary>
    private static void Pace(long replayElapsedNs, double pace, long wallStart, CancellationToken cancellationToken)
    {
        var due = TimeSpan.FromTicks((long)(replayElapsedNs / 100 / pace));
        var ahead = due - TimeProvider.System.GetElapsedTime(wallStart);
        if (ahead > TimeSpan.FromMilliseconds(1))
        {
            Task.Delay(ahead, TimeProvider.System, cancellationToken).Wait(cancellationToken);
        }
    }
}

internal sealed class TeeTelemetry(ITelemetrySink first, ITelemetrySink second) : ITelemetrySink
{
    public void Parent(ParentRecord record) { first.Parent(record); second.Parent(record); }
    public void Child(ChildRecord record) { first.Child(record); second.Child(record); }
    public void Fill(FillRecord record) { first.Fill(record); second.Fill(record); }
    public void Result(ParentResult result) { first.Result(result); second.Result(result); }
    public void RoundTrip(RoundTripRecord trade) { first.RoundTrip(trade); second.RoundTrip(trade); }
    public void Health(ExecutionHealth health) { first.Health(health); second.Health(health); }
    public void Flush() { first.Flush(); second.Flush(); }
}
