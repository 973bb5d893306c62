using System.CommandLine;
using System.Globalization;
using Fillwise.Backtest;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.Venues.Binance;

namespace Fillwise.Cli;

/// <summary>`fillwise live`: the executor against Binance USDⓈ-M (or a Binance-compatible server); dry run unless --trade.</summary>
internal static class LiveCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var venue = new Option<string>("--venue") { Description = "binance, binance-testnet, or the http(s) URL of a Binance-compatible server (fillwise exchange).", Required = true };
        var symbols = new Option<string>("--symbols") { Description = "Comma-separated USDⓈ-M symbols to stream and trade (e.g. BTCUSDT,ETHUSDT).", Required = true };
        var signals = new Option<string?>("--signals") { Description = "Signals CSV: timestamp,symbol,side,target_qty|target_notional (timestamps on the venue's clock)." };
        var arrivals = new Option<string?>("--arrivals") { Description = "Seeded parent orders every EVERY (e.g. 3s)." };
        var notional = new Option<decimal>("--notional") { Description = "Notional of each arrival, quote currency (USDT).", DefaultValueFactory = _ => 5000m };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the arrivals.", DefaultValueFactory = _ => 1 };
        var duration = new Option<string>("--duration") { Description = "How long to run (e.g. 30s, 10m); the kill switch (Ctrl+C, SIGTERM) ends it earlier.", DefaultValueFactory = _ => "30s" };
        var policy = new Option<string>("--policy") { Description = "Execution policy.", DefaultValueFactory = _ => "intel" };
        var config = new Option<string?>("--config") { Description = "Executor options JSON (as for replay)." };
        var db = new Option<string>("--db") { Description = "Telemetry store: an SQLite file path or a PostgreSQL URI / connection string (the session is stored as a run).", DefaultValueFactory = _ => "fillwise.db" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON (the keys of replay --json, plus the venue's counters)." };
        var trade = new Option<bool>("--trade") { Description = "Send orders. Without it the session is a dry run: decisions are made and stored, nothing is sent." };
        var keyFile = new Option<string?>("--key-file") { Description = "File with the API key and secret on two lines, readable only by its owner (instead of FILLWISE_BINANCE_API_KEY / _SECRET)." };
        var serveOption = new Option<bool>("--serve") { Description = "Serve the dashboard over the store during the session, and after it until Ctrl+C." };
        var serve = new ServeCommand.ServeOptions();
        var mirror = new Option<bool>("--mirror") { Description = "Mirror health and intel to Firestore, best effort." };
        var mirrorProject = new Option<string>("--mirror-project") { Description = "Google Cloud project id.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FILLWISE_FIRESTORE_PROJECT") ?? "demo-fillwise" };
        var command = new Command("live", "Run the executor live on Binance USDⓈ-M (dry run unless --trade); the session is stored like a replay.");
        foreach (var option in new Option[] { venue, symbols, signals, arrivals, notional, seed, duration, policy, config, db, json, trade, keyFile, serveOption, mirror, mirrorProject })
        {
            command.Options.Add(option);
        }
        serve.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var endpoints = BinanceEndpoints.Parse(parse.GetValue(venue)!)
                ?? throw new UsageException($"--venue: '{parse.GetValue(venue)}' is not binance, binance-testnet or an http(s) URL.");
            var list = parse.GetValue(symbols)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => Fillwise.Core.Symbol.TryParse(s, out var symbol) ? symbol : throw new UsageException($"--symbols: '{s}' is not a symbol.")).Distinct().ToList();
            if (list.Count == 0)
            {
                throw new UsageException("--symbols needs at least one symbol.");
            }
            if (parse.GetValue(signals) is not null && parse.GetValue(arrivals) is not null)
            {
                throw new UsageException("--signals and --arrivals conflict: give one source of parent orders.");
            }
            var chosen = RunSetup.Policy(parse.GetValue(policy)!);
            var options = ConfigFile.Load(parse.GetValue(config));
            var length = Durations.Parse(parse.GetValue(duration)!, "--duration");
            Func<ISignalSource> orders;
            string label;
            if (parse.GetValue(signals) is { } path)
            {
                var parsed = SignalsCsv.Load(path, SymbolCatalog.Default, 0, long.MaxValue, list.ToHashSet());
                (orders, label) = (() => new ScheduledSignals(parsed), $"signals:{RunIdentity.FileHash(path)}");
            }
            else
            {
                var every = Durations.Parse(parse.GetValue(arrivals) ?? "10s", "--arrivals");
                var arrival = new ArrivalOptions(every, parse.GetValue(notional), parse.GetValue(seed));
                RunSetup.Guard(arrival.Validate);
                (orders, label) = (() => new SeededArrivals(arrival), string.Create(CultureInfo.InvariantCulture, $"arrivals:{every.TotalMilliseconds}ms:{arrival.Notional}"));
                options = Evaluation.TcaOptions(options);
            }
            if (options.HealthEvery == new ExecutorOptions().HealthEvery)
            {
                // The store commits once per health period: every 5 s, so the dashboard follows a live session closely.
                options = options with { HealthEvery = TimeSpan.FromSeconds(5) };
            }
            var credentials = Credentials(parse.GetValue(keyFile), parse.GetValue(trade));
            var venueOptions = new BinanceVenueOptions { Trade = parse.GetValue(trade) };
            RunSetup.Guard(venueOptions.Validate);
            var dbPath = parse.GetValue(db)!;
            stderr.WriteLine(venueOptions.Trade
                ? $"fillwise: TRADING on {endpoints.Rest} ({string.Join(',', list)}): orders are sent; Ctrl+C cancels every working order and exits."
                : $"fillwise: dry run on {endpoints.Rest} ({string.Join(',', list)}): decisions are stored, no order is sent (--trade sends).");
            // The kill switch: SIGINT/SIGTERM (ct) or the dashboard's POST /api/session/kill.
            using var kill = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var inbox = new SignalInbox(list);
            Microsoft.AspNetCore.Builder.WebApplication? app = null;
            if (parse.GetValue(serveOption))
            {
                using (Fillwise.Telemetry.TelemetryStore.Open(dbPath))
                {
                    // Create the store first so the dashboard can open it.
                }
                app = ServeCommand.Start(serve.For(parse, dbPath) with { Session = new Fillwise.Dashboard.SessionControl(kill, inbox) }, stdout, out var started);
                await started.ConfigureAwait(false);
            }
            var firestore = parse.GetValue(mirror) ? ReplayCommand.MirrorFor(parse.GetValue(mirrorProject)!, "live", TimeSpan.FromSeconds(5), stderr) : null;
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
            var rest = new BinanceRestClient(http, endpoints, credentials, venueOptions, TimeProvider.System);
            try
            {
                await using var live = new BinanceVenue(rest, list, venueOptions, TimeProvider.System);
                var spec = new LiveSpec(chosen, parse.GetValue(seed), orders, label, options, length, parse.GetValue(venue)!) { Inbox = inbox };
                LiveSummary summary;
                try
                {
                    summary = await Task.Factory.StartNew(() => LiveRun.Run(dbPath, live, spec, firestore, kill.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                }
                catch (Exception e) when (e is VenueException or CredentialsException)
                {
                    throw new UsageException(e.Message);
                }
                Print(stdout, stderr, summary, dbPath, parse.GetValue(json));
                if (app is not null && !ct.IsCancellationRequested)
                {
                    await ServeCommand.WaitForStop(ct).ConfigureAwait(false);
                }
            }
            finally
            {
                await ReplayCommand.Release(firestore, app).ConfigureAwait(false);
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>From --key-file, else the environment; required to trade, optional for a dry run (positions are then not read).</summary>
    private static BinanceCredentials? Credentials(string? keyFile, bool trade)
    {
        try
        {
            var credentials = keyFile is not null ? BinanceCredentials.FromKeyFile(keyFile) : BinanceCredentials.FromEnvironment(Environment.GetEnvironmentVariable);
            return credentials is null && trade
                ? throw new UsageException($"--trade needs API credentials: set {BinanceCredentials.KeyVariable} and {BinanceCredentials.SecretVariable}, or give --key-file.")
                : credentials;
        }
        catch (CredentialsException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static void Print(TextWriter stdout, TextWriter stderr, LiveSummary s, string dbPath, bool json)
    {
        var v = s.Venue;
        foreach (var p in s.Positions)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fillwise: position at start: {p.Symbol.Value} {p.Amount} @ {p.EntryPrice}"));
        }
        if (json)
        {
            var fields = ReplayCommand.SummaryFields(s.RunId, s.Policy, dbPath, 0, v.BookGaps, s.SwitchedOff, s.Stats, v.MarketEvents, v.Fills, s.Latency);
            fields.AddRange(
            [
                ("dry_run", s.DryRun),
                ("killed", s.Killed),
                ("orders_sent", v.OrdersSent),
                ("orders_accepted", v.OrdersAccepted),
                ("orders_rejected", v.OrdersRejected),
                ("kill_switch_rejects", v.KillSwitchRejects),
                ("cancels_sent", v.CancelsSent),
                ("recovered_fills", v.RecoveredFills),
                ("foreign_fee_fills", v.ForeignFeeFills),
                ("duplicate_fills_dropped", v.DuplicateFills),
                ("unknown_outcomes", v.UnknownOutcomes),
                ("market_reconnects", v.MarketReconnects),
                ("user_reconnects", v.UserReconnects),
                ("listen_keys", v.ListenKeysCreated),
                ("snapshots", v.Snapshots),
                ("max_queue_delay_ms", Math.Round(v.MaxQueueDelayNs / 1e6, 3)),
                ("reconciled_cancels", v.ReconciledCancels),
                ("kill_cancels", v.KillCancels),
            ]);
            stdout.WriteLine(ReplayCommand.SummaryJson(fields));
            return;
        }
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {s.RunId} (policy {s.Policy}, {(s.DryRun ? "dry run" : "trading")}{(s.Killed ? ", killed" : "")}) -> {dbPath}: {v.MarketEvents:N0} market events, {v.BookGaps} book gaps, {s.Stats.Orders} parent orders ({s.Stats.Denied} denied), {v.OrdersSent} orders sent, {v.Fills} fills ({v.RecoveredFills} recovered from REST), {ReplayCommand.CostText(s.Stats, withFillRatios: false)}, {v.MarketReconnects + v.UserReconnects} reconnects, {v.ReconciledCancels} orders cancelled at start, {v.KillCancels} at the end."));
    }
}
