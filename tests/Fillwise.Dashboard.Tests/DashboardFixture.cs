using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.TestData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Fillwise.Dashboard.Tests;

/// <summary>A real dashboard on a random loopback port over a store made by replaying the real sample data, and a headless Debian Chromium.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public static readonly string[] Capture = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    private IPlaywright? _playwright;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("fillwise-dashboard-").FullName;
    public IBrowser Browser { get; private set; } = null!;
    public static string Screenshots { get; } = System.IO.Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        await EnsureChromium();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>
    /// So that `dotnet test` works on a fresh machine: installs Debian's chromium when it is missing and we are
    /// root (no browser download at run time; the machines only reach package registries), else one sentence.
    /// </summary>
    /// <summary>A JSON number as the page prints it (fixed digits, invariant culture; null as a dash).</summary>
    public static string Number(System.Text.Json.JsonElement value, int digits) =>
        value.ValueKind == System.Text.Json.JsonValueKind.Null ? "–" : value.GetDouble().ToString("F" + digits, System.Globalization.CultureInfo.InvariantCulture);

    public static async Task EnsureChromium()
    {
        await Installing.WaitAsync();
        try
        {
            if (File.Exists(ChromiumPath))
            {
                return;
            }
            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException($"{ChromiumPath} is missing: run `sudo apt-get install -y chromium` (Debian's package; the dashboard tests drive it headless), then test again.");
            }
            await DebianPackage.Install("chromium");
            if (!File.Exists(ChromiumPath))
            {
                throw new InvalidOperationException($"apt-get installed chromium but {ChromiumPath} is still missing.");
            }
        }
        finally
        {
            Installing.Release();
        }
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A store with one finished replay of the sample capture.</summary>
    public string ReplayedStore(string name)
    {
        var db = Path.Combine(Directory, name);
        Replay(db);
        return db;
    }

    /// <summary>
    /// What `fillwise replay --capture` (defaults) writes into <paramref name="db"/>: the intel policy, a seeded
    /// parent order of 5,000 USDT every 10 s, the TCA options adapted to tick mode; paced when asked.
    /// </summary>
    public static StoredBacktest.Summary Replay(string db, ulong seed = 1, double? pace = null)
    {
        var (inputs, spec, adaptations) = ReplaySpec(seed);
        return StoredBacktest.Run(db, inputs, spec, "arrivals:10000ms:5000", adaptations, pace is { } p ? new PaceHook(p, TimeProvider.System) : null)
            ?? throw new InvalidOperationException($"{db} already holds this run complete; use a new store.");
    }

    /// <summary>The inputs and spec <see cref="Replay"/> runs, for running the same replay in memory (as the eval does).</summary>
    public static (BacktestInputs Inputs, BacktestSpec Spec, IReadOnlyList<string> Adaptations) ReplaySpec(ulong seed = 1)
    {
        var inputs = BacktestInputs.Load(Capture, null, SymbolCatalog.Default);
        var (options, adaptations) = inputs.Adapt(Evaluation.TcaOptions());
        var arrivals = new ArrivalOptions(TimeSpan.FromSeconds(10), 5_000m, seed);
        return (inputs, new BacktestSpec("intel", seed, () => new SeededArrivals(arrivals), options), adaptations);
    }

    private readonly Lock _replaying = new();
    private string? _template;

    /// <summary>A private copy of one replayed store (replaying once per fixture: the sample takes seconds).</summary>
    public string CopyOfStore(string name)
    {
        lock (_replaying)
        {
            _template ??= ReplayedStore("template.db");
        }
        var db = Path.Combine(Directory, name);
        File.Copy(_template, db, overwrite: true);
        return db;
    }

    public static Task<(WebApplication App, string Address)> Serve(string db, string? token = null) =>
        Serve(new DashboardOptions { DatabasePath = db, Urls = "http://127.0.0.1:0", Token = token, PollEvery = TimeSpan.FromMilliseconds(100) });

    public static async Task<(WebApplication App, string Address)> Serve(DashboardOptions options)
    {
        var app = DashboardApp.Build(options);
        var address = await DashboardApp.StartAsync(app);
        return (app, address);
    }
}
