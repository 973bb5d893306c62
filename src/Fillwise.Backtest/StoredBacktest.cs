using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Telemetry;
using Fillwise.Venues.Replay;
using System.Data.Common;

using Fillwise.Execution.Policies.Intel;

namespace Fillwise.Backtest;

/// <summary>
/// A backtest that writes its telemetry to the store. The run's identity (<see cref="RunIdentity"/>) decides what
/// happens: a new id runs; an interrupted attempt (status running) is resumed — the replay is deterministic and
/// writes are idempotent, so a resumed run's store equals an uninterrupted one; a complete run is not run again
/// unless <c>force</c> replaces it. One process at a time writes a run (<see cref="RunLock"/>). A run that fails
/// (an exception, or no parent order at all) is deleted, so a store never holds a run left 'running' by an error
/// or a 'complete' run computed from nothing.
/// </summary>
public static class StoredBacktest
{
    public sealed record Summary(string RunId, string Policy, bool Resumed, PolicyStats Stats, ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health, DecisionLatency Latency, IReadOnlyList<string> Adaptations)
    {
        /// <summary>The input's data errors and book gaps (stored with the run as well).</summary>
        public DataQuality? Quality { get; init; }

        /// <summary>A complete run with this id was deleted first (<c>--force</c>).</summary>
        public bool Replaced { get; init; }

        /// <summary>Symbols of this run's data that an operator toggle in the store had switched off when it started: their orders are denied.</summary>
        public IReadOnlyList<Symbol> SwitchedOff { get; init; } = [];

        /// <summary>What a learning policy learned over the run (prior included), for <c>--intel-save</c>.</summary>
        public IntelModel? Learned { get; init; }
    }

    public static string RunId(BacktestInputs inputs, BacktestSpec spec, string orderSource) =>
        RunIdentity.Of(inputs, spec.Policy, spec.Seed, orderSource, spec.Options, spec.Prior is { } prior ? IntelModelFile.Fingerprint(prior) : null);

    /// <summary>
    /// Runs and stores, or returns null without writing when a complete run with the same id is in the store and
    /// <paramref name="force"/> is false. <paramref name="orderSource"/> names the order source for the identity
    /// (e.g. "arrivals:10s:5000" or "signals:&lt;sha256&gt;"). <paramref name="switchedOff"/> is told, before the
    /// first event, which of the data's symbols a stored toggle switches off. <paramref name="wallClock"/> spaces
    /// the commits (<see cref="PacedCommits"/>).
    /// </summary>
    public static Summary? Run(string dbPath, BacktestInputs inputs, BacktestSpec spec, string orderSource, IReadOnlyList<string> adaptations,
        IRunHooks? hooks = null, IExecutionMirror? mirror = null, bool force = false, Action<IReadOnlyList<Symbol>>? switchedOff = null, TimeProvider? wallClock = null,
        CancellationToken cancellationToken = default)
    {
        // Compiles the decision path on the other core while the store is set up (see EngineWarmUp).
        using var warmUp = EngineWarmUp.Start(inputs, spec, wallClock);
        var runId = RunId(inputs, spec, orderSource);
        using var store = TelemetryStore.Open(dbPath);
        try
        {
            using var runLock = RunLock.Take(store, runId);
            return RunLocked(store, runId, inputs, spec, adaptations, hooks, mirror, force, switchedOff, wallClock ?? TimeProvider.System, warmUp, cancellationToken);
        }
        catch (DbException e)
        {
            // A page damaged after the open-time check, a full disk, a file made read-only, a database server gone:
            // one sentence, not a stack.
            throw store.Explain(e);
        }
    }

    private static Summary? RunLocked(TelemetryStore store, string runId, BacktestInputs inputs, BacktestSpec spec, IReadOnlyList<string> adaptations,
        IRunHooks? hooks, IExecutionMirror? mirror, bool force, Action<IReadOnlyList<Symbol>>? switchedOff, TimeProvider wallClock, EngineWarmUp warmUp, CancellationToken cancellationToken)
    {
        var status = store.StatusOf(runId);
        if (status == RunStatus.Complete && !force)
        {
            return null;
        }
        var replaced = status == RunStatus.Complete;
        if (replaced)
        {
            store.DeleteRun(runId);
        }
        // A run whose process died is resumed, whether it is still 'running' or already marked 'interrupted'.
        var resumed = status is RunStatus.Running or RunStatus.Interrupted;
        var offAtStart = store.Toggles().Where(t => !t.Value).Select(t => t.Key).ToList();
        // Before reading, the symbols are those of the files' first events (a run that checks its own read learns the rest on the way).
        switchedOff?.Invoke([.. offAtStart.Where(inputs.Quality.Symbols.Contains)]);
        var mode = adaptations.Count == 0 ? inputs.Mode : $"{inputs.Mode}; adapted: {string.Join("; ", adaptations)}";
        var q = inputs.Quality;
        var writer = store.BeginRun(new RunInfo(runId, spec.Policy, spec.Seed, string.Join(';', inputs.Files), mode, q.DataErrors, q.BookGaps));
        IReadOnlySet<Symbol> Disabled() => store.Toggles().Where(t => !t.Value).Select(t => t.Key).ToHashSet();
        var all = hooks is null ? (IRunHooks)new ToggleHook(Disabled) : new RunHooks(new ToggleHook(Disabled), hooks);
        BacktestResult result;
        using var background = new BackgroundTelemetry(writer);
        try
        {
            warmUp.Wait();
            result = BacktestEngine.Run(inputs, spec, new PacedCommits(background, wallClock), all, mirror, cancellationToken);
            q = result.Quality;
            background.Complete();
            writer.Flush();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            background.Dispose();
            // An error is deterministic (the same inputs fail the same way), so there is nothing to resume: leave no
            // half-written 'running' run behind. Cancellation (Ctrl+C) keeps it, to be resumed like a crash.
            store.DeleteRun(runId);
            if (e is OverflowException or ArithmeticException)
            {
                throw new RunRefusedException($"run {runId} overflowed ({e.Message.TrimEnd('.')}): a size or price in the input is out of range; nothing was stored.", e);
            }
            throw;
        }
        if (result.Tally.Parents == 0)
        {
            store.DeleteRun(runId);
            var unsynced = q.NotSyncedSentence() is { } sentence ? $" {sentence}" : "";
            throw new RunRefusedException($"run {runId}: no parent order was placed over the data ({q.MarketEvents:N0} market events); nothing was stored. Check the order source's times and symbols against the data.{unsynced}");
        }
        store.CompleteRun(runId, q.DataErrors, q.BookGaps);
        return new Summary(runId, spec.Policy, resumed, result.Stats, result.Venue, result.Health, result.Latency, adaptations)
        {
            Quality = q,
            Replaced = replaced,
            SwitchedOff = [.. offAtStart.Where(q.Symbols.Contains)],
            Learned = result.Learned,
        };
    }
}
