using System.Diagnostics;
using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Exchange;
using Fillwise.TestData;
using Fillwise.Venues.Binance;

namespace Fillwise.Cli.Tests;

/// <summary>
/// `fillwise live` as a process against the paper exchange (in-process, loopback, speed 5 over the sample
/// capture): the kill switch on SIGINT, and a kill -9 with working orders followed by a restart that reconciles.
/// </summary>
[Collection("live processes")]
public sealed class LiveCommandTests : IAsyncLifetime
{
    private ExchangeServer? _server;
    private string _address = string.Empty;
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-live-cli-").FullName;

    public async Task InitializeAsync()
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture("btcusdt_20240718.gz")], null, SymbolCatalog.Default);
        _server = ExchangeServer.Build(new ExchangeOptions { Urls = "http://127.0.0.1:0", Speed = 5 }, inputs.TickSources(), inputs.Quality.Symbols, inputs.Catalog);
        _address = await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sigint_is_the_kill_switch_every_working_order_is_cancelled_and_the_run_is_stored()
    {
        using var process = StartLive(Path.Combine(_dir, "sigint.db"), "60s");
        var working = await WaitForWorkingOrders(process);
        Assert.NotEmpty(working);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("killed").GetBoolean());
        Assert.True(json.RootElement.GetProperty("kill_cancels").GetInt64() >= 1);
        Assert.Empty(await OpenOrders()); // nothing of ours left on the book
        using var store = Fillwise.Telemetry.TelemetryStore.Open(Path.Combine(_dir, "sigint.db"));
        Assert.Equal("complete", store.Query("SELECT status FROM runs").Single()[0]);
    }

    [Fact]
    public async Task After_kill_9_with_working_orders_a_restart_cancels_them_and_sends_nothing_twice()
    {
        var db = Path.Combine(_dir, "crash.db");
        using (var process = StartLive(db, "60s"))
        {
            await WaitForWorkingOrders(process);
            // Alive, it holds its run's lock: another process opening the store does not take its run for a dead one.
            using (var alive = Fillwise.Telemetry.TelemetryStore.Open(db))
            {
                Assert.Equal("running", Assert.Single(alive.Query("SELECT status FROM runs"))[0]);
            }
            Assert.Equal("running", Assert.Single(Fillwise.Telemetry.TelemetryReader.Open(db).Runs()).Status);
            process.Kill(); // SIGKILL: no kill switch, no cleanup
            await process.WaitForExitAsync();
            Assert.Equal("interrupted", Assert.Single(Fillwise.Telemetry.TelemetryReader.Open(db).Runs()).Status);
        }
        var orphans = await OpenOrders();
        Assert.NotEmpty(orphans);
        Assert.All(orphans, o => Assert.StartsWith("fw-", o.ClientOrderId, StringComparison.Ordinal));

        using var restart = StartLive(db, "4s");
        var stdout = await restart.StandardOutput.ReadToEndAsync();
        await restart.WaitForExitAsync();
        Assert.True(restart.ExitCode == 0, await restart.StandardError.ReadToEndAsync());
        using var json = JsonDocument.Parse(stdout);
        // An orphan can still fill between the listing above and the restart's reconciliation (the paper exchange keeps
        // matching; under a loaded CI machine the restart takes seconds): each one ends cancelled by the restart or filled.
        var ends = new List<string>();
        foreach (var orphan in orphans)
        {
            ends.Add((await Order(orphan.ClientOrderId)).Status);
        }
        Assert.All(ends, status => Assert.Contains(status, (string[])["CANCELED", "FILLED"]));
        Assert.Equal(ends.Count(status => status == "CANCELED"), json.RootElement.GetProperty("reconciled_cancels").GetInt64());
        var left = await OpenOrders();
        Assert.DoesNotContain(left, o => orphans.Any(x => x.ClientOrderId == o.ClientOrderId));
        // The restarted session's client ids carry a new session: none equals a crashed one's (never sent twice).
        var session = orphans[0].ClientOrderId.Split('-')[1];
        using var store = Fillwise.Telemetry.TelemetryStore.Open(db);
        var runs = store.Query("SELECT run_id, status FROM runs ORDER BY run_id");
        Assert.Equal(2, runs.Count);
        // The killed session's run is not left 'running': its process is gone (its run lock is free).
        Assert.Contains(runs, r => ((string)r[0]!).EndsWith(session, StringComparison.Ordinal) && (string)r[1]! == "interrupted");
        Assert.Contains(runs, r => !((string)r[0]!).EndsWith(session, StringComparison.Ordinal) && (string)r[1]! == "complete");
    }

    private Process StartLive(string db, string duration) =>
        FillwiseProcess.Start(_dir, new Dictionary<string, string?>
        {
            [BinanceCredentials.KeyVariable] = ExchangeOptions.DefaultApiKey,
            [BinanceCredentials.SecretVariable] = ExchangeOptions.DefaultApiSecret,
        }, "live", "--venue", _address, "--symbols", "BTCUSDT", "--arrivals", "500ms", "--duration", duration, "--policy", "static", "--trade", "--json", "--db", db);

    /// <summary>Waits until the exchange holds at least one resting order of ours (maker legs of the static policy).</summary>
    private async Task<IReadOnlyList<OrderUpdate>> WaitForWorkingOrders(Process process)
    {
        for (var i = 0; i < 60; i++)
        {
            var open = await OpenOrders();
            if (open.Count > 0)
            {
                return open;
            }
            if (process.HasExited)
            {
                Assert.Fail($"live exited early (exit {process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("no working order within 15 s");
    }

    private async Task<IReadOnlyList<OrderUpdate>> OpenOrders() =>
        // With the symbol: weight 1 (without: 40), so polling never eats the live process's budget (same IP).
        BinanceJson.ParseOrders(await Signed("/fapi/v1/openOrders", ("symbol", "BTCUSDT")));

    private async Task<OrderUpdate> Order(string clientOrderId) =>
        BinanceJson.ParseOrder(await Signed("/fapi/v1/order", ("symbol", "BTCUSDT"), ("origClientOrderId", clientOrderId)));

    private async Task<string> Signed(string path, params (string, string)[] query)
    {
        using var http = new HttpClient();
        var rest = new BinanceRestClient(http, BinanceEndpoints.Parse(_address)!, new BinanceCredentials(ExchangeOptions.DefaultApiKey, ExchangeOptions.DefaultApiSecret), new BinanceVenueOptions(), TimeProvider.System);
        await rest.SyncTimeAsync(default);
        var result = await rest.SendAsync(HttpMethod.Get, path, query, Security.Signed, default);
        Assert.True(result.Ok, result.ToString());
        return result.Body;
    }
}

/// <summary>`live` refuses bad usage with one sentence and exit 2, before anything is sent.</summary>
public sealed class LiveCommandUsageTests
{
    [Fact]
    public void Bad_venue_missing_keys_and_an_open_key_file_are_refused_in_one_sentence()
    {
        var venue = Cli.Run("live", "--venue", "ftp://example", "--symbols", "BTCUSDT");
        Assert.Equal(2, venue.Exit);
        Assert.Contains("--venue: 'ftp://example' is not binance, binance-testnet or an http(s) URL", venue.Err, StringComparison.Ordinal);

        var noKeys = Cli.Run("live", "--venue", "http://127.0.0.1:9", "--symbols", "BTCUSDT", "--trade");
        if (Environment.GetEnvironmentVariable(BinanceCredentials.KeyVariable) is null)
        {
            Assert.Equal(2, noKeys.Exit);
            Assert.Contains("--trade needs API credentials", noKeys.Err, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            using var keys = TempFile.WithText("k3y-value\ns3cr3t-value\n", "keys.txt");
            File.SetUnixFileMode(keys.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var open = Cli.Run("live", "--venue", "http://127.0.0.1:9", "--symbols", "BTCUSDT", "--key-file", keys.Path);
            Assert.Equal(2, open.Exit);
            Assert.Contains("readable only by its owner", open.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3t-value", open.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("k3y-value", open.Err, StringComparison.Ordinal);
        }

        var unreachable = Cli.Run("live", "--venue", "http://127.0.0.1:9", "--symbols", "BTCUSDT", "--duration", "1s");
        Assert.Equal(2, unreachable.Exit);
        Assert.Contains("did not answer GET /fapi/v1/time", unreachable.Err, StringComparison.Ordinal);
    }
}
