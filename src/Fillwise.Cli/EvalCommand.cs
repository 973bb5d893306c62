using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Spectre.Console;

namespace Fillwise.Cli;

/// <summary>`fillwise eval`: the A/B evaluation of execution policies on identical inputs and parent orders.</summary>
internal static class EvalCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var input = new InputOptions();
        var policies = new Option<string>("--policies") { Description = "Comma-separated policies: taker, static, intel.", DefaultValueFactory = _ => "taker,static,intel" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the arrival schedule and the venue's random models.", DefaultValueFactory = _ => 1 };
        var arrivals = new Option<string?>("--arrivals") { Description = "Parent-order arrival interval (default 10s on captures, 10m on klines)." };
        var notional = new Option<decimal>("--notional") { Description = "Notional of every parent order, USDT.", DefaultValueFactory = _ => 5000m };
        var report = new Option<string?>("--report") { Description = "Directory for the Markdown report." };
        var json = new Option<string?>("--json") { Description = "Write the JSON result to this file ('-' for stdout)." };
        var config = new Option<string?>("--config") { Description = "Executor options file (JSON: MakerOffset, RouterPolicy, Router, Regime sections)." };
        var command = new Command("eval", "Compare execution policies (taker, static, intel) on the same data and the same seeded parent orders.");
        foreach (var option in new Option[] { input.Capture, input.Klines, policies, seed, arrivals, notional, report, json, config })
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var inputs = input.Load(parse);
            var chosen = parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(RunInputs.ParsePolicy).Distinct().ToList();
            var every = parse.GetValue(arrivals) is { } a ? Durations.Parse(a, "--arrivals") : inputs.IsTickMode ? TimeSpan.FromSeconds(10) : TimeSpan.FromMinutes(10);
            var options = ConfigFile.Apply(parse.GetValue(config), new ExecutorOptions());
            var result = Evaluate(inputs, chosen, parse.GetValue(seed), every, parse.GetValue(notional), stderr, options);
            var jsonPath = parse.GetValue(json);
            if (jsonPath == "-")
            {
                stdout.WriteLine(result.ToJson());
            }
            else
            {
                EvalTable.Write(stdout, result);
                if (jsonPath is not null)
                {
                    File.WriteAllText(jsonPath, result.ToJson());
                }
            }
            if (parse.GetValue(report) is { } dir)
            {
                EvalReport.Write(dir, result, StaticGrid.Run(inputs, parse.GetValue(seed), every, parse.GetValue(notional), options));
                stderr.WriteLine($"fillwise: report written to {Path.Combine(dir, "report.md")}");
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// Options for parent orders from an arrival schedule (TCA): every policy trades identical orders (the intel
    /// size factor is recorded but not applied), and the account is large enough that the random schedule's P&L
    /// never trips the drawdown guard or the caps (gates still run; denials are reported). What is measured is
    /// execution cost, not the schedule's luck.
    /// </summary>
    public static ExecutorOptions TcaOptions(ExecutorOptions? baseOptions = null) => (baseOptions ?? new ExecutorOptions()) with
    {
        ApplyIntelSizing = false,
        StartingEquity = 100_000_000m,
        Risk = (baseOptions?.Risk ?? new()) with { MaxSymbolNotional = 1_000_000_000m, MaxGrossNotional = 10_000_000_000m },
    };

    public static EvalResult Evaluate(RunInputs inputs, IReadOnlyList<ExecutionPolicy> policies, ulong seed, TimeSpan every, decimal notional, TextWriter? log, ExecutorOptions? baseOptions = null)
    {
        if (policies.Count == 0)
        {
            throw new UsageException("--policies: name at least one of taker, static, intel.");
        }
        var arrivals = new ArrivalOptions(every, notional, seed);
        try
        {
            arrivals.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var options = TcaOptions(baseOptions);
        var runs = new SortedDictionary<string, PolicyOutcome>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            log?.WriteLine($"fillwise: eval {Name(policy)} on {string.Join(", ", inputs.Files.Select(Path.GetFileName))} ...");
            var (telemetry, venue, health, _) = PolicyRun.Run(inputs, policy, seed, arrivals, null, options);
            runs[Name(policy)] = new PolicyOutcome(PolicyStats.From(telemetry), telemetry, venue, health);
        }
        var difference = runs.TryGetValue("intel", out var intel) && runs.TryGetValue("static", out var stat)
            ? PairedDifference.Compute(intel.Telemetry, stat.Telemetry, seed)
            : null;
        return new EvalResult(runs, difference, seed, [.. inputs.Files], inputs.IsTickMode ? "tick" : "bar (coarser)", every, notional);
    }

    public static string Name(ExecutionPolicy policy) => policy.ToString().ToLowerInvariant();
}

internal sealed record PolicyOutcome(PolicyStats Stats, MemoryTelemetry Telemetry, Fillwise.Venues.Replay.ReplayStats Venue, IReadOnlyList<ExecutionHealth> Health);

internal sealed record EvalResult(
    SortedDictionary<string, PolicyOutcome> Policies,
    PairedDifference? IntelMinusStatic,
    ulong Seed,
    IReadOnlyList<string> Inputs,
    string Mode,
    TimeSpan Every,
    decimal Notional)
{
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("policies");
            foreach (var (name, run) in Policies)
            {
                var s = run.Stats;
                w.WriteStartObject(name);
                w.WriteNumber("orders", s.Orders);
                w.WriteNumber("filled_orders", s.FilledOrders);
                Number(w, "cost_bps_mean", s.CostBpsMean);
                Number(w, "cost_bps_median", s.CostBpsMedian);
                Number(w, "cost_bps_p90", s.CostBpsP90);
                Number(w, "fees_bps_mean", s.FeesBpsMean);
                Number(w, "maker_fill_ratio", s.MakerFillRatio);
                Number(w, "fallback_ratio", s.FallbackRatio);
                Number(w, "mean_time_to_fill_ms", s.MeanTimeToFillMs);
                w.WriteNumber("denied", s.Denied);
                w.WriteStartObject("denied_by");
                foreach (var (reason, count) in s.DeniedBy)
                {
                    w.WriteNumber(reason, count);
                }
                w.WriteEndObject();
                w.WriteStartObject("venue_rejects");
                foreach (var (code, count) in run.Venue.RejectsByCode)
                {
                    w.WriteNumber(code.ToString(CultureInfo.InvariantCulture), count);
                }
                w.WriteEndObject();
                w.WriteNumber("unfinished", s.Orders - run.Telemetry.Results.Count);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            if (IntelMinusStatic is { } d)
            {
                w.WriteStartObject("intel_minus_static_bps");
                Number(w, "mean", d.Mean);
                w.WriteStartArray("ci95");
                NumberValue(w, d.Low);
                NumberValue(w, d.High);
                w.WriteEndArray();
                w.WriteNumber("pairs", d.Pairs);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("intel_minus_static_bps");
            }
            w.WriteNumber("seed", Seed);
            w.WriteStartArray("inputs");
            foreach (var input in Inputs)
            {
                w.WriteStringValue(input);
            }
            w.WriteEndArray();
            w.WriteString("mode", Mode);
            w.WriteNumber("arrival_interval_s", Every.TotalSeconds);
            w.WriteNumber("notional", Notional);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Rounded to 4 decimals so the output is stable; NaN (nothing measured) is null.</summary>
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        NumberValue(w, value);
    }

    private static void NumberValue(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(Math.Round(value, 4));
        }
        else
        {
            w.WriteNullValue();
        }
    }
}

internal static class EvalTable
{
    public static void Write(TextWriter stdout, EvalResult result)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }
        var table = new Table().Title($"eval ({result.Mode}), seed {result.Seed}, one {result.Notional.ToString(CultureInfo.InvariantCulture)} USDT parent every {result.Every.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        foreach (var column in new[] { "policy", "orders", "filled", "cost mean bps", "median", "p90", "fees bps", "maker fill", "fallback", "time to fill ms", "denied" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var (name, run) in result.Policies)
        {
            var s = run.Stats;
            table.AddRow(name, s.Orders.ToString(CultureInfo.InvariantCulture), s.FilledOrders.ToString(CultureInfo.InvariantCulture), F(s.CostBpsMean), F(s.CostBpsMedian), F(s.CostBpsP90), F(s.FeesBpsMean), P(s.MakerFillRatio), P(s.FallbackRatio), F(s.MeanTimeToFillMs, "F0"), s.Denied.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        if (result.IntelMinusStatic is { } d)
        {
            stdout.WriteLine($"intel - static: {F(d.Mean)} bps, 95% CI [{F(d.Low)}, {F(d.High)}] over {d.Pairs} paired parent orders ({(d.High < 0 ? "intel is cheaper" : d.Low > 0 ? "intel is more expensive" : "no significant difference")}).");
        }
    }

    private static string F(double value, string format = "F3") => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string P(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "-";
}
