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
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does.");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A store with one finished replay of the sample capture.</summary>
    public string ReplayedStore(string name, params string[] extra)
    {
        var db = Path.Combine(Directory, name);
        var (exit, _, error) = Cli(["replay", "--capture", .. Capture, "--db", db, .. extra]);
        Assert.True(exit == 0, error);
        return db;
    }

    public static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Fillwise.Cli.CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static async Task<(WebApplication App, string Address)> Serve(string db, string? token = null)
    {
        var app = DashboardApp.Build(new DashboardOptions { DatabasePath = db, Urls = "http://127.0.0.1:0", Token = token, PollEvery = TimeSpan.FromMilliseconds(100) });
        var address = await DashboardApp.StartAsync(app);
        return (app, address);
    }
}
