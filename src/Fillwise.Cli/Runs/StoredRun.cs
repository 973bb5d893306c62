using System.Security.Cryptography;
using System.Text;
using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.Telemetry;

namespace Fillwise.Cli.Runs;

/// <summary>A replay that writes its telemetry to the store, resuming a crashed run with the same identity.</summary>
internal static class StoredRun
{
    public sealed record Summary(string RunId, bool Resumed, PolicyStats Stats, Fillwise.Venues.Replay.ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health, DecisionLatency Latency);

    public static Summary Run(string dbPath, RunInputs inputs, ExecutionPolicy policy, ulong seed, ArrivalOptions? arrivals, IReadOnlyList<ParentSignal>? signals, string signalsLabel, TextWriter? progress, BreakoutStrategy? strategy = null, double? pace = null, IExecutionMirror? mirror = null)
    {
        var identity = $"{(inputs.IsTickMode ? "tick" : "bar")}|{string.Join(';', inputs.Files.Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}"))}|{policy}|{seed}|{signalsLabel}";
        var runId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
        using var store = TelemetryStore.Open(dbPath);
        var resumed = store.StatusOf(runId) == RunStatus.Running;
        var writer = store.BeginRun(new RunInfo(runId, EvalCommand.Name(policy), seed, string.Join(';', inputs.Files), inputs.IsTickMode ? "tick" : "bar"));
        var options = arrivals is null ? new ExecutorOptions() : EvalCommand.TcaOptions();
        var crashAfter = long.TryParse(Environment.GetEnvironmentVariable("FILLWISE_CRASH_AFTER_STEPS"), out var n) ? n : long.MaxValue;
        long steps = 0;
        // The time range drives the bar; scanning a capture for it is only worth it when someone watches.
        var range = progress is null ? default : inputs.TimeRange();
        IReadOnlySet<Fillwise.Core.Symbol> Disabled() => store.Toggles().Where(t => !t.Value).Select(t => t.Key).ToHashSet();
        var control = new RunControl(Disabled, pace, Mirror: mirror, Progress: v =>
        {
            steps += 0x4000;
            // Crash-test hook: die like kill -9, no flush, no cleanup.
            if (steps >= crashAfter)
            {
                Environment.FailFast("FILLWISE_CRASH_AFTER_STEPS reached (crash test).");
            }
            progress?.Write(ProgressBar.Render(v.NowNs, range, v.Stats.MarketEvents, v.Stats.Fills));
        });
        var (memory, venue, health, latency) = PolicyRun.Run(inputs, policy, seed, arrivals, signals, options, writer, control, strategy: strategy);
        progress?.WriteLine();
        writer.Flush();
        store.CompleteRun(runId);
        return new Summary(runId, resumed, PolicyStats.From(memory), venue, health, latency);
    }
}

/// <summary>A one-line progress bar for an interactive terminal: share of the data's time range replayed.</summary>
internal static class ProgressBar
{
    private const int Width = 30;

    public static string Render(long nowNs, (long StartNs, long EndNs) range, long events, long fills)
    {
        var span = Math.Max(1, range.EndNs - range.StartNs);
        var done = Math.Clamp((double)(nowNs - range.StartNs) / span, 0, 1);
        var filled = (int)Math.Round(done * Width);
        var when = DateTimeOffset.UnixEpoch.AddTicks(nowNs / 100);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"\rreplay [{new string('#', filled)}{new string('.', Width - filled)}] {done,4:P0}  {events:N0} events  {fills:N0} fills  {when:yyyy-MM-dd HH:mm:ss}   ");
    }
}
