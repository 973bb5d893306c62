using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Backtest;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Execution.Signals;

namespace Fillwise.Cli;

/// <summary>`fillwise replay`: one policy through the executor over recorded data, telemetry into the store.</summary>
internal static class ReplayCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var setup = new RunSetup();
        var signals = new Option<string?>("--signals") { Description = "Signals CSV: timestamp,symbol,side,target_qty|target_notional." };
        var strategy = new Option<string?>("--strategy") { Description = "Built-in reference strategy on bars: breakout (Donchian 60-bar)." };
        var policy = new Option<string>("--policy") { Description = $"Execution policy: {string.Join(", ", ExecutionPolicies.Names)}.", DefaultValueFactory = _ => "intel" };
        var db = new Option<string>("--db") { Description = "Telemetry store: an SQLite file path, or PostgreSQL as postgresql://user@host:port/db or Host=…;Database=… (created or migrated if needed; a crashed run with the same inputs resumes).", DefaultValueFactory = _ => "fillwise.db" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var force = new Option<bool>("--force") { Description = "Replace a complete run with the same id (its rows are deleted first); without it a complete run is not run again." };
        var serveOption = new Option<bool>("--serve") { Description = "Serve the dashboard over the store while the replay runs, and after it until Ctrl+C." };
        var pace = new Option<double?>("--pace") { Description = "Replay speed in replay seconds per wall second (e.g. 60); default: as fast as possible." };
        var serve = new ServeCommand.ServeOptions();
        var mirror = new Option<bool>("--mirror") { Description = "Mirror health and intel to Firestore (FIRESTORE_EMULATOR_HOST or GOOGLE_APPLICATION_CREDENTIALS), best effort." };
        var mirrorProject = new Option<string>("--mirror-project") { Description = "Google Cloud project id.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FILLWISE_FIRESTORE_PROJECT") ?? "demo-fillwise" };
        var mirrorEnv = new Option<string>("--mirror-env") { Description = "Documents go under fillwise/{env}/.", DefaultValueFactory = _ => "replay" };
        var mirrorPeriod = new Option<string>("--mirror-period") { Description = "One Commit per period.", DefaultValueFactory = _ => "5s" };
        var intelPrior = new Option<string?>("--intel-prior") { Description = "Start the intel policy from a model learned earlier (a file --intel-save wrote) instead of cold." };
        var intelSave = new Option<string?>("--intel-save") { Description = "Write what the intel policy learned (its prior included) to this file after the run." };
        var command = new Command("replay", "Replay recorded data through the executor and the replay venue; store orders, fills, health.");
        foreach (var option in setup.All.Concat([signals, strategy, policy, db, json, force, serveOption, pace, mirror, mirrorProject, mirrorEnv, mirrorPeriod, intelPrior, intelSave]))
        {
            command.Options.Add(option);
        }
        serve.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var signalsPath = parse.GetValue(signals);
            var strategyName = parse.GetValue(strategy);
            if ((signalsPath is not null ? 1 : 0) + (parse.GetValue(setup.Arrivals) is not null ? 1 : 0) + (strategyName is not null ? 1 : 0) > 1)
            {
                throw new UsageException("--signals, --arrivals and --strategy conflict: give one source of parent orders.");
            }
            if (strategyName is not null && strategyName != BreakoutStrategy.Name)
            {
                throw new UsageException($"--strategy: unknown strategy '{strategyName}'; built in: {BreakoutStrategy.Name}.");
            }
            if (parse.GetValue(pace) is { } p && !(p >= 0.001 && p <= 1e6))
            {
                // Below 0.001 a capture's first second would take over 15 minutes to show; the wait arithmetic stays in range.
                throw new UsageException($"--pace must be between 0.001 and 1e6 replay seconds per wall second (got {p.ToString(CultureInfo.InvariantCulture)}).");
            }
            var chosen = RunSetup.Policy(parse.GetValue(policy)!);
            if ((parse.GetValue(intelPrior) is not null || parse.GetValue(intelSave) is not null) && chosen != "intel")
            {
                throw new UsageException($"--intel-prior and --intel-save go with --policy intel (not {chosen}).");
            }
            // Read before the data: a bad model file is refused before anything is parsed or stored.
            var prior = parse.GetValue(intelPrior) is { } priorPath ? IntelModelFile.Load(priorPath) : null;
            // A run driven by seeded arrivals needs nothing from the data before it starts: it checks its own read, and reads the data once.
            var inputs = setup.Inputs(parse, checkInRun: signalsPath is null);
            var options = setup.Options(parse);
            setup.WarnUnused(parse, [chosen], inputs.IsTickMode, stderr);
            Func<ISignalSource> orders;
            string label;
            if (strategyName is not null)
            {
                if (inputs.IsTickMode)
                {
                    throw new UsageException("--strategy runs on bars: use --klines.");
                }
                (orders, label) = (() => new BreakoutStrategy(), $"strategy:{BreakoutStrategy.Name}");
            }
            else if (signalsPath is not null)
            {
                var (start, end) = inputs.TimeRange();
                // Validated in full before the store is opened: a bad file never half-writes a run.
                var parsed = SignalsCsv.Load(signalsPath, inputs.Catalog, start, end, inputs.Quality.Symbols);
                (orders, label) = (() => new ScheduledSignals(parsed), $"signals:{RunIdentity.FileHash(signalsPath)}");
            }
            else
            {
                (orders, label) = setup.ArrivalSource(parse, inputs);
                options = Evaluation.TcaOptions(options);
            }
            var (adapted, adaptations) = inputs.Adapt(options, !parse.GetValue(setup.NoAdapt));
            foreach (var change in adaptations)
            {
                stderr.WriteLine($"fillwise: adapted {change} (--no-adapt keeps options as given)");
            }
            var spec = new BacktestSpec(chosen, parse.GetValue(setup.Seed), orders, adapted, Prior: prior);
            var dbPath = parse.GetValue(db)!;
            // What messages show: the path, or the PostgreSQL URI without its password.
            var shown = Fillwise.Telemetry.StoreTarget.Parse(dbPath).Display;
            if (!inputs.CheckedInRun)
            {
                PrintQuality(inputs.Quality, stderr);
            }
            Microsoft.AspNetCore.Builder.WebApplication? app = null;
            if (parse.GetValue(serveOption))
            {
                using (Fillwise.Telemetry.TelemetryStore.Open(dbPath))
                {
                    // Create the store first so the dashboard can open it.
                }
                app = ServeCommand.Start(serve.For(parse, dbPath), stdout, out var started);
                await started.ConfigureAwait(false);
            }
            Fillwise.Mirror.FirestoreMirror? firestore = null;
            if (parse.GetValue(mirror))
            {
                firestore = MirrorFor(parse.GetValue(mirrorProject)!, parse.GetValue(mirrorEnv)!, Durations.Parse(parse.GetValue(mirrorPeriod)!, "--mirror-period"), stderr);
            }
            try
            {
                var hooks = RunHooksFor(inputs, parse.GetValue(pace), Console.IsErrorRedirected ? null : stderr, ct);
                void Announce(IReadOnlyList<Fillwise.Core.Symbol> off)
                {
                    foreach (var symbol in off)
                    {
                        stderr.WriteLine($"fillwise: {symbol.Value} is switched off by a toggle in {shown}: every {symbol.Value} order of this run will be denied (switch it on in the dashboard, fillwise serve --db {shown}).");
                    }
                }
                var summary = await Task.Run(() => StoredBacktest.Run(dbPath, inputs, spec, label, adaptations, hooks, firestore, parse.GetValue(force), Announce, cancellationToken: ct), ct).ConfigureAwait(false);
                if (!Console.IsErrorRedirected)
                {
                    stderr.WriteLine();
                }
                if (summary is null)
                {
                    var runId = StoredBacktest.RunId(inputs, spec, label);
                    stderr.WriteLine($"fillwise: run {runId} is already complete in {shown} (use --force to replace it); nothing was written.");
                    if (parse.GetValue(json))
                    {
                        stdout.WriteLine(SummaryJson([("run_id", runId), ("policy", chosen), ("already_complete", true), ("db", shown)], indented: false));
                    }
                    return CliApp.ExitOk;
                }
                if (inputs.CheckedInRun && summary.Quality is { } quality)
                {
                    PrintQuality(quality, stderr);
                }
                if (firestore is not null)
                {
                    await firestore.DisposeAsync().ConfigureAwait(false);
                    var m = firestore.Status;
                    stderr.WriteLine($"fillwise: mirror {firestore.Target}: {m.Commits} commits, {m.Drops} drops, {m.Retries} retries, {m.Failures} failed periods{(m.LastError is null ? "" : ", last error " + m.LastError)}.");
                    firestore = null;
                }
                if (parse.GetValue(intelSave) is { } savePath && summary.Learned is { } learned)
                {
                    IntelModelFile.Save(savePath, learned);
                    stderr.WriteLine($"fillwise: intel model ({learned.TotalSamples:N0} shadow outcomes{(prior is null ? "" : $", {prior.TotalSamples:N0} of them from {parse.GetValue(intelPrior)}")}) -> {savePath}");
                }
                Print(stdout, summary, shown, parse.GetValue(json));
                if (app is not null)
                {
                    await ServeCommand.WaitForStop(ct).ConfigureAwait(false);
                }
            }
            finally
            {
                await Release(firestore, app).ConfigureAwait(false);
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Flushes the mirror (if it is still open) and stops the dashboard (if one was served), in that order.</summary>
    internal static async Task Release(Fillwise.Mirror.FirestoreMirror? firestore, Microsoft.AspNetCore.Builder.WebApplication? app)
    {
        if (firestore is not null)
        {
            await firestore.DisposeAsync().ConfigureAwait(false);
        }
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The Firestore mirror, or null with one sentence on stderr: a bad configuration never stops the replay.</summary>
    internal static Fillwise.Mirror.FirestoreMirror? MirrorFor(string project, string environment, TimeSpan period, TextWriter stderr)
    {
        try
        {
            return Fillwise.Mirror.FirestoreMirror.Create(new Fillwise.Mirror.MirrorOptions { ProjectId = project, Environment = environment, Period = period });
        }
        catch (Fillwise.Mirror.MirrorConfigException e)
        {
            stderr.WriteLine($"fillwise: mirror disabled: {e.Message}");
            return null;
        }
    }

    /// <summary>The end of the JIT profile, pacing, the progress bar on an interactive terminal, and the crash-test hook (FILLWISE_CRASH_AFTER_STEPS: die like kill -9, no flush).</summary>
    private static IRunHooks RunHooksFor(BacktestInputs inputs, double? pace, TextWriter? progress, CancellationToken ct)
    {
        // Compiles ahead on the other core end when the engine starts: the decisions get the cores (JitProfile).
        var hooks = new List<IRunHooks> { new JitProfile.StopAtFirstStep() };
        if (pace is { } p)
        {
            hooks.Add(new PaceHook(p, TimeProvider.System, ct));
        }
        var crashAfter = long.TryParse(Environment.GetEnvironmentVariable("FILLWISE_CRASH_AFTER_STEPS"), out var n) ? n : long.MaxValue;
        if (progress is not null || crashAfter != long.MaxValue)
        {
            // The time range drives the bar; a run that checks its own read learns it only at the end (then no bar).
            var range = progress is null || inputs.CheckedInRun ? default : inputs.TimeRange();
            hooks.Add(new ProgressHook((venue, steps) =>
            {
                if (steps >= crashAfter)
                {
                    Environment.FailFast("FILLWISE_CRASH_AFTER_STEPS reached (crash test).");
                }
                progress?.Write(ProgressBar.Render(venue.NowNs, range, venue.Stats.MarketEvents, venue.Stats.Fills));
            }));
        }
        return new RunHooks(hooks);
    }

    internal static void Print(TextWriter stdout, StoredBacktest.Summary s, string dbPath, bool json)
    {
        if (json)
        {
            var fields = SummaryFields(s.RunId, s.Policy, dbPath, s.Quality?.DataErrors ?? 0, s.Quality?.BookGaps ?? 0, s.SwitchedOff, s.Stats, s.Venue.MarketEvents, s.Venue.Fills, s.Latency);
            fields.Insert(2, ("resumed", s.Resumed));
            fields.Insert(3, ("replaced", s.Replaced));
            fields.Insert(7, ("market", (s.Quality?.Market ?? Market.UsdM).Name()));
            stdout.WriteLine(SummaryJson(fields));
            return;
        }
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {s.RunId} (policy {s.Policy}){(s.Resumed ? " (resumed after an interrupted attempt)" : "")}{(s.Replaced ? " (replaced the complete run)" : "")} -> {dbPath}: {s.Venue.MarketEvents:N0} market events, {s.Quality?.DataErrors ?? 0:N0} data errors, {s.Quality?.BookGaps ?? 0:N0} book gaps, {s.Stats.Orders} parent orders ({s.Stats.Denied} denied), {s.Venue.Fills} fills, {CostText(s.Stats)}."));
        if (s.SwitchedOff.Count > 0)
        {
            stdout.WriteLine($"  switched off by a toggle in the store for this run (orders denied): {string.Join(", ", s.SwitchedOff.Select(x => x.Value))}");
        }
        foreach (var h in s.Health)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {h.Symbol,-10} {h.Regime,-6} router {h.PolicyQuality,-8} maker-first {(h.PolicyMakerFirst ? "yes" : "no "),-3} bias {h.PolicyTakerBias:F2} offset {h.MakerOffset.OffsetBps:F2} bps size x{h.FinalSizeFactor:F2} score {h.Score.Score:F2}  {h.PolicyReason}"));
        }
    }

    /// <summary>
    /// "cost 3.44 bps mean, maker fill 94.7 %, fallback 6.5 %", or, when no parent filled (every one denied), says so
    /// instead of printing NaN (the JSON has null there).
    /// </summary>
    internal static string CostText(PolicyStats stats, bool withFillRatios = true) =>
        !double.IsFinite(stats.CostBpsMean) ? "no parent filled, so no cost"
        : withFillRatios ? string.Create(CultureInfo.InvariantCulture, $"cost {stats.CostBpsMean:F2} bps mean, maker fill {stats.MakerFillRatio:P1}, fallback {stats.FallbackRatio:P1}")
        : string.Create(CultureInfo.InvariantCulture, $"cost {stats.CostBpsMean:F2} bps mean");

    /// <summary>The summary keys every run command prints with --json (replay, live), in this order.</summary>
    internal static List<(string Key, JsonNode? Value)> SummaryFields(string runId, string policy, string dbPath, long dataErrors, long bookGaps, IEnumerable<Fillwise.Core.Symbol> switchedOff, PolicyStats stats, long marketEvents, long fills, DecisionLatency latency) =>
    [
        ("run_id", runId),
        ("policy", policy),
        ("db", dbPath),
        ("data_errors", dataErrors),
        ("book_gaps", bookGaps),
        ("switched_off", new JsonArray([.. switchedOff.Select(x => (JsonNode)x.Value)])),
        ("orders", stats.Orders),
        ("filled_orders", stats.FilledOrders),
        ("denied", stats.Denied),
        ("cost_bps_mean", Finite(stats.CostBpsMean)),
        ("maker_fill_ratio", Finite(stats.MakerFillRatio)),
        ("fallback_ratio", Finite(stats.FallbackRatio)),
        ("market_events", marketEvents),
        ("fills", fills),
        ("decision_latency_p50_us", Finite(latency.PercentileMicroseconds(0.5))),
        ("decision_latency_p99_us", Finite(latency.PercentileMicroseconds(0.99))),
    ];

    /// <summary>
    /// The fields as one JSON object, keys in the given order. Values are JSON nodes (numbers, strings, true/false,
    /// null, lists), so the summary is written without the reflection serializer a native build does not have.
    /// </summary>
    internal static string SummaryJson(IEnumerable<(string Key, JsonNode? Value)> fields, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                writer.WritePropertyName(key);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The quality line when the input has data errors or book gaps.</summary>
    private static void PrintQuality(DataQuality quality, TextWriter stderr)
    {
        if (!quality.IsClean || quality.BookGaps > 0)
        {
            stderr.WriteLine(QualityLine(quality));
        }
    }

    /// <summary>Problems inside usable input: counted, printed, stored with the run (eval refuses them unless allowed).</summary>
    internal static string QualityLine(DataQuality q) =>
        $"fillwise: the input has {q.DataErrors:N0} data error(s){(q.FirstErrors.Count > 0 ? $" (first: {q.FirstErrors[0]})" : "")} and {q.BookGaps:N0} book gap(s); malformed lines are left out and a book is not used from a gap until its next snapshot.";

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;
}
