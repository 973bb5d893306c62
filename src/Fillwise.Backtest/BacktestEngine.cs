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

    /// <summary>What the input check found in the data (made by this run's read when the inputs are <see cref="BacktestInputs.CheckedInRun"/>).</summary>
    public required DataQuality Quality { get; init; }

    public PolicyStats Stats { get; } = PolicyStats.From(Tally, Markouts, MarkedCosts);
}

/// <summary>What to run: the policy by name, the seed, where parent orders come from, the executor's options; a learning policy may start from a prior learned earlier.</summary>
public sealed record BacktestSpec(string Policy, ulong Seed, Func<ISignalSource> Orders, ExecutorOptions Options, ReplayVenueOptions? Venue = null, IntelModel? Prior = null)
{
    /// <summary>
    /// False when only the run's statistics, marked costs and what it learned are wanted (a grid's cells, a prior's
    /// run): <see cref="BacktestEngine.RunMany"/> then sends the records nowhere and the run holds a few numbers per
    /// parent (its <see cref="RunTally"/>) instead of every record it wrote.
    /// </summary>
    public bool KeepRecords { get; init; } = true;
}

/// <summary>
/// The one engine loop (NautilusTrader's backtest engine): data -> replay venue -> executor -> telemetry,
/// stepped to the end of the data and of every order in flight. Deterministic: same inputs, spec and seed
/// give identical telemetry. <see cref="RunMany"/> steps several runs of the same data in lockstep.
/// </summary>
public static class BacktestEngine
{
    public static BacktestResult Run(BacktestInputs inputs, BacktestSpec spec, ITelemetrySink? sink = null, IRunHooks? hooks = null, IExecutionMirror? mirror = null, CancellationToken cancellationToken = default)
    {
        sink ??= SinkFor(spec);
        // The engine reads no closed order back from the venue: forgetting them keeps memory flat over long runs.
        using var check = inputs.CheckedInRun ? inputs.OpenChecked() : null;
        using var venue = check is null ? inputs.Venue(VenueOptions(spec)) : ReplayVenues.FromSources(check.Sources, inputs.Catalog, VenueOptions(spec));
        var run = new EngineRun(inputs, spec, venue, sink, mirror);
        long steps = 0;
        hooks?.AfterStep(steps, venue, run.Executor);
        while (venue.Step())
        {
            steps++;
            hooks?.AfterStep(steps, venue, run.Executor);
            if ((steps & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        // Read to the end: the input check is complete (and data without a market event is refused here).
        var quality = check?.Finish(venue.Books.Select(b => (b.Symbol, b.Gaps, b.IsValid))) ?? inputs.Quality;
        return run.Finish() with { Quality = quality };
    }

    /// <summary>
    /// Several runs of the same inputs (an evaluation's policies, a grid's cells), each result identical to its own
    /// <see cref="Run"/>. In tick mode the runs are dealt into one group per core, and each group steps its venues in
    /// lockstep over one read of the data and one book (<see cref="ReplayVenueGroup"/>): the book is built once per core
    /// instead of once per run. Bar mode runs each on its own, in parallel.
    /// </summary>
    public static BacktestResult[] RunMany(BacktestInputs inputs, IReadOnlyList<BacktestSpec> specs, CancellationToken cancellationToken = default)
    {
        if (inputs.CheckedInRun)
        {
            throw new InvalidOperationException("Runs in lockstep read checked inputs: load them without checkInRun.");
        }
        var results = new BacktestResult[specs.Count];
        if (specs.Count == 0)
        {
            return results; // no group to make (a parallelism of 0 is refused)
        }
        var groups = Math.Min(Environment.ProcessorCount, specs.Count);
        if (!inputs.IsTickMode)
        {
            Parallel.For(0, specs.Count, new ParallelOptions { MaxDegreeOfParallelism = groups }, i => results[i] = Run(inputs, specs[i], SinkFor(specs[i]), cancellationToken: cancellationToken));
            return results;
        }
        var members = Deal(specs, groups);
        Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = groups }, g =>
        {
            using var group = inputs.VenueGroup([.. members[g].Select(i => VenueOptions(specs[i]))]);
            var runs = members[g].Select((i, k) => new EngineRun(inputs, specs[i], group.Venues[k], SinkFor(specs[i]))).ToArray();
            group.RunToEnd(cancellationToken);
            for (var k = 0; k < members[g].Length; k++)
            {
                results[members[g][k]] = runs[k].Finish();
            }
        });
        return results;
    }

    /// <summary>
    /// Deals runs into groups of about equal work, the heaviest first, each to the group with the least so far: an
    /// intel run (its shadow orders) costs about three of the others, and the groups wait for the slowest. Which
    /// group a run steps in does not change its result.
    /// </summary>
    private static int[][] Deal(IReadOnlyList<BacktestSpec> specs, int groups)
    {
        static int Weight(BacktestSpec spec) => spec.Policy == "intel" ? 3 : 1;
        var load = new int[groups];
        var members = Enumerable.Range(0, groups).Select(_ => new List<int>()).ToArray();
        foreach (var i in Enumerable.Range(0, specs.Count).OrderByDescending(i => Weight(specs[i])).ThenBy(i => i))
        {
            var g = Array.IndexOf(load, load.Min());
            load[g] += Weight(specs[i]);
            members[g].Add(i);
        }
        return [.. members.Select(m => m.ToArray())];
    }

    private static ITelemetrySink? SinkFor(BacktestSpec spec) => spec.KeepRecords ? null : DiscardTelemetry.Instance;

    private static ReplayVenueOptions VenueOptions(BacktestSpec spec) => (spec.Venue ?? new ReplayVenueOptions()) with { Seed = spec.Seed, ForgetClosedOrders = true };

    /// <summary>One run's policy, executor and records around its venue: attached at construction, results at <see cref="Finish"/>.</summary>
    private sealed class EngineRun
    {
        private readonly BacktestInputs _inputs;
        private readonly BacktestSpec _spec;
        private readonly ReplayVenue _venue;
        private readonly IExecutionPolicy _policy;
        private readonly MemoryTelemetry _memory = new();
        private readonly RunTally _tally = new();

        public EngineRun(BacktestInputs inputs, BacktestSpec spec, ReplayVenue venue, ITelemetrySink? sink = null, IExecutionMirror? mirror = null)
        {
            _inputs = inputs;
            _spec = spec;
            _venue = venue;
            _policy = ExecutionPolicies.Create(spec.Policy, spec.Options, spec.Prior);
            // With a sink (the store) the records go there and only the tally stays in memory.
            Executor = new Executor(venue, inputs.Catalog, spec.Options, _policy, new TeeTelemetry(_tally, sink ?? _memory), spec.Orders())
            {
                Mirror = mirror,
            };
            venue.Attach(Executor);
        }

        public Executor Executor { get; }

        public BacktestResult Finish()
        {
            Executor.Finish();
            return new BacktestResult(_memory, _tally, _venue.Stats, Executor.Health(), Executor.DecisionLatency, Executor.Markouts, _tally.Marked(Executor.LastQuotes(), _inputs.Catalog, _spec.Options))
            {
                Learned = _policy.Learned,
                Quality = _inputs.Quality,
            };
        }
    }
}

/// <summary>Keeps no record: for runs whose statistics come from their tally alone.</summary>
internal sealed class DiscardTelemetry : ITelemetrySink
{
    public static readonly DiscardTelemetry Instance = new();

    public void Parent(ParentRecord record)
    {
    }

    public void Child(ChildRecord record)
    {
    }

    public void Fill(FillRecord record)
    {
    }

    public void Result(ParentResult result)
    {
    }

    public void RoundTrip(RoundTripRecord trade)
    {
    }

    public void Health(ExecutionHealth health)
    {
    }

    public void Flush()
    {
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
