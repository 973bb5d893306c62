using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Execution.Signals;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>
/// How a run is driven from outside, between events: operator toggles, pacing, progress, crash injection.
/// Called on the engine's thread after every step; implementations keep it cheap (check a counter).
/// </summary>
public interface IRunHooks
{
    void AfterStep(long steps, ReplayVenue venue, Executor executor);
}

/// <summary>
/// What one backtest produced: everything the executor wrote (in <see cref="Telemetry"/> when the run had no other
/// sink; empty when a store records it, so memory does not grow with the run), the tally its statistics come
/// from, the venue's counters, final health, decision latencies.
/// </summary>
public sealed record BacktestResult(MemoryTelemetry Telemetry, RunTally Tally, ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health, DecisionLatency Latency, Markouts Markouts, IReadOnlyDictionary<long, double> MarkedCosts)
{
    /// <summary>What a learning policy learned over the run (the prior of a later one); null for the others.</summary>
    public IntelModel? Learned { get; init; }

    public PolicyStats Stats { get; } = PolicyStats.From(Tally, Markouts, MarkedCosts);
}

/// <summary>What to run: the policy by name, the seed, where parent orders come from, the executor's options; a learning policy may start from a prior learned earlier.</summary>
public sealed record BacktestSpec(string Policy, ulong Seed, Func<ISignalSource> Orders, ExecutorOptions Options, ReplayVenueOptions? Venue = null, IntelModel? Prior = null);

/// <summary>
/// The one engine loop (NautilusTrader's backtest engine): data -> replay venue -> executor -> telemetry,
/// stepped to the end of the data and of every order in flight. Deterministic: same inputs, spec and seed
/// give identical telemetry.
/// </summary>
public static class BacktestEngine
{
    public static BacktestResult Run(BacktestInputs inputs, BacktestSpec spec, ITelemetrySink? sink = null, IRunHooks? hooks = null, IExecutionMirror? mirror = null, CancellationToken cancellationToken = default)
    {
        var policy = ExecutionPolicies.Create(spec.Policy, spec.Options, spec.Prior);
        // The engine reads no closed order back from the venue: forgetting them keeps memory flat over long runs.
        using var venue = inputs.Venue((spec.Venue ?? new ReplayVenueOptions()) with { Seed = spec.Seed, ForgetClosedOrders = true });
        // With a sink (the store) the records go there and only the tally stays in memory.
        var memory = new MemoryTelemetry();
        var tally = new RunTally();
        var executor = new Executor(venue, inputs.Catalog, spec.Options, policy, new TeeTelemetry(tally, sink ?? memory), spec.Orders())
        {
            Mirror = mirror,
        };
        venue.Attach(executor);
        long steps = 0;
        hooks?.AfterStep(steps, venue, executor);
        while (venue.Step())
        {
            steps++;
            hooks?.AfterStep(steps, venue, executor);
            if ((steps & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        executor.Finish();
        return new BacktestResult(memory, tally, venue.Stats, executor.Health(), executor.DecisionLatency, executor.Markouts, tally.Marked(executor.LastQuotes(), inputs.Catalog, spec.Options))
        {
            Learned = policy.Learned,
        };
    }
}

/// <summary>Writes every record to two sinks (memory for the summary, the store for the record).</summary>
public sealed class TeeTelemetry(ITelemetrySink first, ITelemetrySink second) : ITelemetrySink
{
    public void Parent(ParentRecord record) { first.Parent(record); second.Parent(record); }
    public void Child(ChildRecord record) { first.Child(record); second.Child(record); }
    public void Fill(FillRecord record) { first.Fill(record); second.Fill(record); }
    public void Result(ParentResult result) { first.Result(result); second.Result(result); }
    public void RoundTrip(RoundTripRecord trade) { first.RoundTrip(trade); second.RoundTrip(trade); }
    public void Health(ExecutionHealth health) { first.Health(health); second.Health(health); }
    public void Flush() { first.Flush(); second.Flush(); }
}

/// <summary>Operator toggles from the store, polled every 4,096 steps, so a switch takes effect at the executor's next signal.</summary>
public sealed class ToggleHook(Func<IReadOnlySet<Symbol>> disabled) : IRunHooks
{
    public void AfterStep(long steps, ReplayVenue venue, Executor executor)
    {
        if ((steps & 0xFFF) == 0)
        {
            executor.DisabledSymbols.Clear();
            executor.DisabledSymbols.UnionWith(disabled());
        }
    }
}

/// <summary>Replay seconds per wall second (watching a replay live): waits until the wall clock has caught up.</summary>
public sealed class PaceHook(double pace, TimeProvider wall, CancellationToken cancellationToken = default) : IRunHooks
{
    private long _startNs = long.MinValue;
    private long _wallStart;

    public void AfterStep(long steps, ReplayVenue venue, Executor executor)
    {
        if (_startNs == long.MinValue)
        {
            _startNs = venue.NowNs;
            _wallStart = wall.GetTimestamp();
            return;
        }
        var due = TimeSpan.FromTicks((long)((venue.NowNs - _startNs) / 100 / pace));
        var ahead = due - wall.GetElapsedTime(_wallStart);
        if (ahead > TimeSpan.FromMilliseconds(1))
        {
            Task.Delay(ahead, wall, cancellationToken).Wait(cancellationToken);
        }
    }
}

/// <summary>Progress every 16,384 steps (a progress bar, a crash-test trigger).</summary>
public sealed class ProgressHook(Action<ReplayVenue, long> progress) : IRunHooks
{
    public void AfterStep(long steps, ReplayVenue venue, Executor executor)
    {
        if (steps > 0 && (steps & 0x3FFF) == 0)
        {
            progress(venue, steps);
        }
    }
}

/// <summary>Several hooks in order.</summary>
public sealed class RunHooks(params IReadOnlyList<IRunHooks> hooks) : IRunHooks
{
    // An array walked by index: a foreach over the interface boxed an enumerator on every step (72 bytes a step
    // with the store's hooks around the CLI's).
    private readonly IRunHooks[] _hooks = [.. hooks];

    public void AfterStep(long steps, ReplayVenue venue, Executor executor)
    {
        for (var i = 0; i < _hooks.Length; i++)
        {
            _hooks[i].AfterStep(steps, venue, executor);
        }
    }
}
