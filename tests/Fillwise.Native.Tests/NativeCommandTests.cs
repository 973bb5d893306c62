using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Fillwise.Cli;
using Fillwise.TestData;

namespace Fillwise.Native.Tests;

/// <summary>
/// Every command of the native `fillwise` against the same command of the JIT build (in-process) on the same inputs:
/// the same results, run ids and JSON, field for field (only wall-clock measurements and paths differ). A command that
/// needed the reflection serializer, or code the native build trimmed away, fails here.
/// </summary>
public sealed class NativeCommandTests(NativeBuild native) : IClassFixture<NativeBuild>, IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Capture = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-native-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Inspect_replay_and_intel_show_equal_the_jit_build()
    {
        string[] inspect = ["data", "inspect", .. Capture, "--json"];
        Assert.Equal(Jit(inspect), await Native(inspect));

        string[] replay = ["replay", "--capture", .. Capture, "--policy", "intel", "--arrivals", "2s", "--seed", "1", "--json"];
        var jit = Summary(Jit([.. replay, "--db", Path.Combine(_dir, "jit.db")]));
        var nat = Summary(await Native([.. replay, "--db", Path.Combine(_dir, "native.db")]));
        Assert.True(jit["orders"]!.GetValue<long>() > 0);
        Assert.Equal(jit.ToJsonString(), nat.ToJsonString());

        string[] show = ["intel", "show", "--json", "--db"];
        Assert.Equal(Jit([.. show, Path.Combine(_dir, "jit.db")]), await Native([.. show, Path.Combine(_dir, "jit.db")]));
        Assert.Equal(Jit([.. show, Path.Combine(_dir, "jit.db")]), await Native([.. show, Path.Combine(_dir, "native.db")]));
    }

    [Fact]
    public async Task A_config_file_and_an_intel_model_give_the_same_run_as_the_jit_build()
    {
        var config = Path.Combine(_dir, "config.json");
        File.WriteAllText(config, """
            // comments are allowed
            { "Intel": { "Shrinkage": 100, "PatiencesS": [5, 30, 120] }, "Router": { "MakerTimeout": "00:00:20" } }
            """);
        var model = Path.Combine(_dir, "model.json");
        await Native(["replay", "--capture", .. Capture, "--policy", "intel", "--arrivals", "5s", "--seed", "3", "--json", "--config", config, "--db", Path.Combine(_dir, "save.db"), "--intel-save", model]);
        Assert.True(File.Exists(model));

        string[] replay = ["replay", "--capture", .. Capture, "--policy", "intel", "--arrivals", "2s", "--seed", "1", "--json", "--config", config, "--intel-prior", model];
        var jit = Summary(Jit([.. replay, "--db", Path.Combine(_dir, "jit.db")]));
        var nat = Summary(await Native([.. replay, "--db", Path.Combine(_dir, "native.db")]));
        Assert.Equal(jit.ToJsonString(), nat.ToJsonString());

        // A bad config is refused in the same sentence by both builds.
        File.WriteAllText(config, """{ "Intel": { "Shrinkage": "many" } }""");
        var refusedJit = Cli(["replay", "--capture", .. Capture, "--config", config, "--db", Path.Combine(_dir, "bad.db")]);
        var refusedNative = await NativeBuild.Run(native.Binary, CommandTimeout, ["replay", "--capture", .. Capture, "--config", config, "--db", Path.Combine(_dir, "bad.db")]);
        Assert.Equal(2, refusedJit.Exit);
        Assert.Equal(2, refusedNative.Exit);
        Assert.Equal(refusedJit.Err.Trim(), refusedNative.Error.Trim());
    }

    [Fact]
    public async Task Eval_with_the_grid_equals_the_jit_build()
    {
        string[] eval = ["eval", "--capture", .. Capture, "--grid", "--policies", "taker,static,rules,intel", "--arrivals", "informed:2s", "--seed", "7", "--json", "-"];
        Assert.Equal(Jit(eval), await Native(eval));
    }

    [Fact]
    public async Task The_demo_and_an_eval_report_equal_the_jit_build()
    {
        var jitDb = Path.Combine(_dir, "demo-jit.db");
        var nativeDb = Path.Combine(_dir, "demo-native.db");
        var jit = Jit(["demo", "--db", jitDb, "--samples", TestPaths.Samples]);
        var nat = await Native(["demo", "--db", nativeDb, "--samples", TestPaths.Samples]);
        Assert.Contains("intel - static", jit, StringComparison.Ordinal);
        Assert.Equal(jit.Replace(jitDb, "DB", StringComparison.Ordinal), nat.Replace(nativeDb, "DB", StringComparison.Ordinal));

        string[] eval = ["eval", "--capture", .. Capture, "--policies", "static,intel", "--arrivals", "5s", "--seed", "2"];
        Jit([.. eval, "--report", Path.Combine(_dir, "report-jit")]);
        await Native([.. eval, "--report", Path.Combine(_dir, "report-native")]);
        var files = Directory.GetFiles(Path.Combine(_dir, "report-jit")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f!.EndsWith(".png", StringComparison.Ordinal));
        Assert.Equal(files, Directory.GetFiles(Path.Combine(_dir, "report-native")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        foreach (var markdown in files.Where(f => f!.EndsWith(".md", StringComparison.Ordinal)))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(_dir, "report-jit", markdown!)), File.ReadAllText(Path.Combine(_dir, "report-native", markdown!)));
        }
    }

    [Fact]
    public async Task A_catalog_written_natively_replays_as_the_jit_build_replays_it()
    {
        var catalog = Path.Combine(_dir, "catalog");
        await Native(["data", "convert", .. Capture, "--catalog", catalog]);
        string[] replay = ["replay", "--catalog", catalog, "--symbols", "BTCUSDT", "--policy", "intel", "--arrivals", "2s", "--seed", "1", "--json"];
        var jit = Summary(Jit([.. replay, "--db", Path.Combine(_dir, "jit.db")]));
        var nat = Summary(await Native([.. replay, "--db", Path.Combine(_dir, "native.db")]));
        Assert.True(jit["market_events"]!.GetValue<long>() > 50_000);
        Assert.Equal(jit.ToJsonString(), nat.ToJsonString());
    }

    [Fact]
    public async Task Bars_replay_as_in_the_jit_build()
    {
        string[] replay = ["replay", "--klines", TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), "--policy", "intel", "--json"];
        var jit = Summary(Jit([.. replay, "--db", Path.Combine(_dir, "jit.db")]));
        var nat = Summary(await Native([.. replay, "--db", Path.Combine(_dir, "native.db")]));
        Assert.Equal(jit.ToJsonString(), nat.ToJsonString());
    }

    [Fact]
    public async Task The_native_dashboard_serves_what_the_jit_dashboard_serves()
    {
        var db = Path.Combine(_dir, "served.db");
        Jit(["replay", "--capture", .. Capture, "--policy", "intel", "--arrivals", "2s", "--seed", "1", "--json", "--db", db]);
        var jitPort = FreePort();
        var nativePort = FreePort();
        using var jitServer = FillwiseProcess.Start(_dir, null, "serve", "--db", db, "--urls", $"http://127.0.0.1:{jitPort}");
        using var nativeServer = StartNative("serve", "--db", db, "--urls", $"http://127.0.0.1:{nativePort}");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilUp(http, jitPort);
            await WaitUntilUp(http, nativePort);
            foreach (var path in new[] { "/api/runs", "/api/symbols", "/api/symbols/BTCUSDT/score", "/api/symbols/BTCUSDT/offsets", "/api/expectancy",
                "/api/parents?limit=20", "/api/parents/1", "/api/calibration", "/api/toggles", "/api/session", "/api/symbols/NOPE1/score", "/api/parents?limit=0" })
            {
                var expected = await http.GetAsync(new Uri($"http://127.0.0.1:{jitPort}{path}"));
                var actual = await http.GetAsync(new Uri($"http://127.0.0.1:{nativePort}{path}"));
                Assert.True(expected.StatusCode == actual.StatusCode, $"{path}: {actual.StatusCode} natively, {expected.StatusCode} with the JIT");
                Assert.Equal(WithoutTraceId(await expected.Content.ReadAsStringAsync()), WithoutTraceId(await actual.Content.ReadAsStringAsync()));
            }
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{nativePort}/api/runs"))).StatusCode);
            var png = await http.GetByteArrayAsync(new Uri($"http://127.0.0.1:{nativePort}/charts/heatmap.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
        finally
        {
            jitServer.Kill();
            nativeServer.Kill();
        }
    }

    [Fact]
    public async Task Native_live_trading_against_the_native_paper_exchange_completes_its_run()
    {
        var port = FreePort();
        using var exchange = StartNative(["exchange", "--capture", .. Capture, "--speed", "5", "--urls", $"http://127.0.0.1:{port}"]);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var status = await WaitForJson(http, $"http://127.0.0.1:{port}/admin/status");
            Assert.NotNull(status["replayTimeMs"]);
            var faults = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/admin/faults"), new StringContent("""{"latencyMs": 0}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, faults.StatusCode);
            Assert.Equal(0, JsonNode.Parse(await faults.Content.ReadAsStringAsync())!["latencyMs"]!.GetValue<long>());
            var bad = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/admin/faults"), new StringContent("[1]", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.NotNull(JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]);

            var (exit, output, error) = await NativeBuild.Run("env", CommandTimeout,
                $"{Fillwise.Venues.Binance.BinanceCredentials.KeyVariable}={Fillwise.Exchange.ExchangeOptions.DefaultApiKey}",
                $"{Fillwise.Venues.Binance.BinanceCredentials.SecretVariable}={Fillwise.Exchange.ExchangeOptions.DefaultApiSecret}",
                native.Binary, "live", "--venue", $"http://127.0.0.1:{port}", "--symbols", "BTCUSDT", "--arrivals", "500ms", "--duration", "6s",
                "--policy", "static", "--trade", "--json", "--db", Path.Combine(_dir, "live.db"));
            Assert.True(exit == 0, error);
            var summary = JsonNode.Parse(output)!;
            // Signed REST orders went out and were acknowledged; rejects are the kill switch's at the end of the run.
            Assert.True(summary["orders_sent"]!.GetValue<long>() > 0, output);
            Assert.Equal(summary["orders_sent"]!.GetValue<long>(), summary["orders_accepted"]!.GetValue<long>());
            Assert.Equal(summary["orders_rejected"]!.GetValue<long>(), summary["kill_switch_rejects"]!.GetValue<long>());
            Assert.Equal(0, summary["market_reconnects"]!.GetValue<long>());
        }
        finally
        {
            exchange.Kill();
        }
    }

    [Fact]
    public async Task A_service_account_key_and_its_token_exchange_work_natively_as_with_the_jit()
    {
        // Google's client reads the key and the token response by reflection (Newtonsoft.Json). The key is generated
        // for the test and its token endpoint is a loopback listener answering as Google's does; the mirror then
        // fails to reach firestore.googleapis.com (no internet here), after the token, which is what is compared.
        var port = FreePort();
        using var tokenServer = new HttpListener();
        tokenServer.Prefixes.Add($"http://127.0.0.1:{port}/");
        tokenServer.Start();
        var assertions = 0;
        var serving = Task.Run(async () =>
        {
            while (tokenServer.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await tokenServer.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var form = await new StreamReader(context.Request.InputStream).ReadToEndAsync();
                if (form.Contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", StringComparison.Ordinal) && form.Contains("assertion=", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref assertions);
                }
                var body = System.Text.Encoding.UTF8.GetBytes("""{"access_token":"test-token","expires_in":3600,"token_type":"Bearer"}""");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = Path.Combine(_dir, "service-account.json");
        File.WriteAllText(key, new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "fillwise-test",
            ["private_key_id"] = "test",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "test@fillwise-test.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = $"http://127.0.0.1:{port}/token",
        }.ToJsonString());
        string[] replay = ["replay", "--capture", Capture[0], "--policy", "static", "--arrivals", "10s", "--mirror", "--mirror-project", "fillwise-test"];
        var environment = new Dictionary<string, string?> { ["GOOGLE_APPLICATION_CREDENTIALS"] = key, ["FIRESTORE_EMULATOR_HOST"] = null };
        string jitMirror;
        using (var jit = FillwiseProcess.Start(_dir, environment, [.. replay, "--db", Path.Combine(_dir, "jit.db")]))
        {
            var jitOutput = jit.StandardOutput.ReadToEndAsync();
            var jitError = await jit.StandardError.ReadToEndAsync();
            await jit.WaitForExitAsync();
            await jitOutput;
            Assert.True(jit.ExitCode == 0, jitError);
            jitMirror = LastMirrorError(jitError);
        }
        var afterJit = Volatile.Read(ref assertions);
        Assert.True(afterJit > 0, "the JIT build never asked the token endpoint");
        var (exit, _, error) = await NativeBuild.Run("env", CommandTimeout, ["-u", "FIRESTORE_EMULATOR_HOST", $"GOOGLE_APPLICATION_CREDENTIALS={key}", native.Binary, .. replay, "--db", Path.Combine(_dir, "native.db")]);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("not a readable service-account key", error, StringComparison.Ordinal);
        Assert.Equal(jitMirror, LastMirrorError(error));
        Assert.True(Volatile.Read(ref assertions) > afterJit, "the native build never asked the token endpoint");
        tokenServer.Stop();
        await serving;
    }

    /// <summary>A problem response names its request (trace_id), which differs from server to server.</summary>
    private static string WithoutTraceId(string json) =>
        JsonNode.Parse(json) is JsonObject { } problem && problem.Remove("trace_id") ? problem.ToJsonString() : json;

    /// <summary>The mirror's closing line from "last error" on (its counts depend on timing).</summary>
    private static string LastMirrorError(string stderr)
    {
        var line = stderr.Split('\n').Single(l => l.StartsWith("fillwise: mirror https://firestore.googleapis.com", StringComparison.Ordinal));
        return line[line.IndexOf("last error", StringComparison.Ordinal)..];
    }

    private static (int Exit, string Out, string Err) Cli(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Jit(string[] args)
    {
        var (exit, output, error) = Cli(args);
        Assert.True(exit == 0, $"fillwise {string.Join(' ', args)} (JIT) exited {exit}: {error}");
        return output;
    }

    private async Task<string> Native(string[] args)
    {
        var (exit, output, error) = await NativeBuild.Run(native.Binary, CommandTimeout, args);
        Assert.True(exit == 0, $"fillwise {string.Join(' ', args)} (native) exited {exit}: {error}");
        return output;
    }

    private System.Diagnostics.Process StartNative(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(native.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        args.ToList().ForEach(start.ArgumentList.Add);
        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>A run's JSON summary without what is measured, not computed: wall-clock latencies and the store's path.</summary>
    private static JsonObject Summary(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var key in new[] { "db", "decision_latency_p50_us", "decision_latency_p99_us" })
        {
            Assert.True(node.Remove(key), $"the summary has no '{key}'");
        }
        return node;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilUp(HttpClient http, int port) => await WaitForJson(http, $"http://127.0.0.1:{port}/api/runs");

    private static async Task<JsonNode> WaitForJson(HttpClient http, string url)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return JsonNode.Parse(await http.GetStringAsync(new Uri(url)))!;
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(100);
            }
        }
    }
}
