using System.CommandLine;
using Fillwise.Cli.Runs;
using Fillwise.Dashboard;
using Microsoft.AspNetCore.Builder;

namespace Fillwise.Cli;

/// <summary>`fillwise serve`: the operator dashboard over a telemetry store (also used by `replay --serve` and `demo --serve`).</summary>
internal static class ServeCommand
{
    public sealed class ServeOptions
    {
        public Option<string> Urls { get; } = new("--urls") { Description = "Where to listen (127.0.0.1 only, unless --token is given).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        public Option<string?> Token { get; } = new("--token") { Description = "Require this token (>= 16 characters, >= 8 different ones) on every request; needed to bind beyond loopback." };
        public Option<string?> Cert { get; } = new("--cert") { Description = "PKCS#12 (.pfx) certificate for https:// URLs (default: a self-signed one made at start)." };
        public Option<string?> CertPassword { get; } = new("--cert-password") { Description = "Password of the --cert file." };
        public Option<bool> AllowHttp { get; } = new("--allow-http") { Description = "Allow a token over plain http beyond loopback (only behind a TLS-terminating proxy)." };

        public void AddTo(Command command)
        {
            command.Options.Add(Urls);
            command.Options.Add(Token);
            command.Options.Add(Cert);
            command.Options.Add(CertPassword);
            command.Options.Add(AllowHttp);
        }

        public DashboardOptions For(ParseResult parse, string db) => new()
        {
            DatabasePath = db,
            Urls = parse.GetValue(Urls)!,
            Token = parse.GetValue(Token) ?? Environment.GetEnvironmentVariable("FILLWISE_DASHBOARD_TOKEN"),
            CertificatePath = parse.GetValue(Cert),
            CertificatePassword = parse.GetValue(CertPassword) ?? Environment.GetEnvironmentVariable("FILLWISE_CERT_PASSWORD"),
            AllowHttp = parse.GetValue(AllowHttp),
        };
    }

    public static Command Build(TextWriter stdout)
    {
        var db = new Option<string>("--db") { Description = "The telemetry store: an SQLite file path or a PostgreSQL URI / connection string.", Required = true };
        var serve = new ServeOptions();
        var command = new Command("serve", "Serve the operator dashboard (Execution tab, JSON API, live updates) over a telemetry store.");
        command.Options.Add(db);
        serve.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var app = Start(serve.For(parse, parse.GetValue(db)!), stdout, out var started);
            await started.ConfigureAwait(false);
            await WaitForStop(ct).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Builds and starts the dashboard; the task completes once it listens (and says where).</summary>
    public static WebApplication Start(DashboardOptions options, TextWriter stdout, out Task started)
    {
        WebApplication app;
        try
        {
            app = DashboardApp.Build(options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        // A StoreException (not a Fillwise store, corrupted, older schema) is an IOException: one sentence, exit 2.
        started = Announce(app, options, stdout);
        return app;
    }

    public static async Task WaitForStop(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C.
        }
    }

    private static async Task Announce(WebApplication app, DashboardOptions options, TextWriter stdout)
    {
        var address = await DashboardApp.StartAsync(app).ConfigureAwait(false);
        if (DashboardApp.TlsDescription(app) is { } tls)
        {
            stdout.WriteLine($"dashboard: {tls}.");
        }
        stdout.WriteLine($"dashboard: {address}/ over {Fillwise.Telemetry.StoreTarget.Parse(options.DatabasePath).Display}{(options.Token is null ? "" : " (token required)")} — Ctrl+C to stop.");
    }
}
