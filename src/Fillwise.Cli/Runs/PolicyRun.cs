using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.Venues.Replay;

namespace Fillwise.Cli.Runs;

/// <summary>One replay of one policy: venue + executor + telemetry, run to the end of the data.</summary>
internal static class PolicyRun
{
    public static (MemoryTelemetry Telemetry, ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health) Run(
        RunInputs inputs, ExecutionPolicy policy, ulong seed, ArrivalOptions? arrivals, IReadOnlyList<ParentSignal>? signals,
        ExecutorOptions baseOptions, ITelemetrySink? extraSink = null, IReadOnlySet<Fillwise.Core.Symbol>? disabled = null, Action<ReplayVenue>? progress = null, bool keepRouter = false, BreakoutStrategy? strategy = null, CancellationToken cancellationToken = default)
    {
        using var venue = inputs.Venue(new ReplayVenueOptions { Seed = seed });
        var memory = new MemoryTelemetry();
        ITelemetrySink sink = extraSink is null ? memory : new TeeTelemetry(memory, extraSink);
        var executor = new Executor(venue, inputs.Catalog, (keepRouter ? inputs.Adapt(baseOptions) with { Router = baseOptions.Router } : inputs.Adapt(baseOptions)) with { Policy = policy }, sink, signals, arrivals, strategy);
        foreach (var symbol in disabled ?? new HashSet<Fillwise.Core.Symbol>())
        {
            executor.DisabledSymbols.Add(symbol);
        }
        venue.Attach(executor);
        long steps = 0;
        while (venue.Step())
        {
            if ((++steps & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(venue);
            }
        }
        executor.Finish();
        return (memory, venue.Stats, executor.Health());
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
