using Fillwise.Execution;
using Fillwise.Telemetry;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>
/// A backtest that writes its telemetry to the store: the run's identity (<see cref="RunIdentity"/>) decides
/// whether an interrupted attempt is resumed. The replay is deterministic and writes are idempotent, so a resumed
/// run's store equals an uninterrupted one.
/// </summary>
public static class StoredBacktest
{
    public sealed record Summary(string RunId, string Policy, bool Resumed, PolicyStats Stats, ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health, DecisionLatency Latency, IReadOnlyList<string> Adaptations);

    /// <summary><paramref name="orderSource"/> names the order source for the identity (e.g. "arrivals:10s:5000" or "signals:&lt;sha256&gt;").</summary>
    public static Summary Run(string dbPath, BacktestInputs inputs, BacktestSpec spec, string orderSource, IReadOnlyList<string> adaptations, IRunHooks? hooks = null, IExecutionMirror? mirror = null)
    {
        var runId = RunIdentity.Of(inputs, spec.Policy, spec.Seed, orderSource, spec.Options);
        using var store = TelemetryStore.Open(dbPath);
        var resumed = store.StatusOf(runId) == RunStatus.Running;
        var mode = adaptations.Count == 0 ? inputs.Mode : $"{inputs.Mode}; adapted: {string.Join("; ", adaptations)}";
        var writer = store.BeginRun(new RunInfo(runId, spec.Policy, spec.Seed, string.Join(';', inputs.Files), mode));
        IReadOnlySet<Fillwise.Core.Symbol> Disabled() => store.Toggles().Where(t => !t.Value).Select(t => t.Key).ToHashSet();
        var all = hooks is null ? (IRunHooks)new ToggleHook(Disabled) : new RunHooks(new ToggleHook(Disabled), hooks);
        var result = BacktestEngine.Run(inputs, spec, writer, all, mirror);
        writer.Flush();
        store.CompleteRun(runId);
        return new Summary(runId, spec.Policy, resumed, result.Stats, result.Venue, result.Health, result.Latency, adaptations);
    }
}
