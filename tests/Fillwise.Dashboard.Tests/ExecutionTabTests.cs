using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fillwise.Telemetry;
using Microsoft.Playwright;

namespace Fillwise.Dashboard.Tests;

/// <summary>The Execution tab in headless Debian Chromium against the real app on a random loopback port.</summary>
public sealed class ExecutionTabTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private static string F(JsonElement value, int digits) => DashboardFixture.Number(value, digits);

    [Fact]
    public async Task EveryPanelRendersTheNumbersOfTheApi()
    {
        var db = fixture.ReplayedStore("panels.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var symbolsJson = JsonDocument.Parse(await http.GetStringAsync("/api/symbols"));
        var btc = symbolsJson.RootElement.GetProperty("symbols")[0];

        var page = await fixture.Browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add(message.Text);
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("body[data-ready]");

        var score = page.Locator("[data-testid=score-BTCUSDT] td");
        Assert.Equal("BTCUSDT", await score.Nth(0).InnerTextAsync());
        Assert.Equal(F(btc.GetProperty("score").GetProperty("score"), 3), await score.Nth(1).InnerTextAsync());
        Assert.Equal(F(btc.GetProperty("score").GetProperty("router"), 3), await score.Nth(4).InnerTextAsync());
        var policy = page.Locator("[data-testid=policy-BTCUSDT] td");
        Assert.Equal(btc.GetProperty("regime").GetString(), await policy.Nth(1).InnerTextAsync());
        Assert.Equal(btc.GetProperty("quality").GetString(), await policy.Nth(3).InnerTextAsync());
        Assert.Equal(btc.GetProperty("reason").GetString(), await policy.Nth(6).InnerTextAsync());
        var offset = page.Locator("[data-testid=offset-BTCUSDT] td");
        Assert.Equal(F(btc.GetProperty("offset").GetProperty("offset_bps"), 3), await offset.Nth(1).InnerTextAsync());
        Assert.Equal(F(btc.GetProperty("offset").GetProperty("regime_base_bps"), 3), await offset.Nth(2).InnerTextAsync());
        var sizing = page.Locator("[data-testid=sizing-BTCUSDT] td");
        Assert.Equal(F(btc.GetProperty("intel_size_factor"), 3), await sizing.Nth(1).InnerTextAsync());
        Assert.Equal(F(btc.GetProperty("final_size_factor"), 3), await sizing.Nth(2).InnerTextAsync());
        Assert.Equal(btc.GetProperty("parents").GetInt64().ToString(CultureInfo.InvariantCulture), await sizing.Nth(4).InnerTextAsync());
        var last = btc.GetProperty("last_sizing");
        var lastSizing = page.Locator("[data-testid=last-sizing-BTCUSDT] td");
        Assert.Equal(last.GetProperty("parent_id").GetInt64().ToString(CultureInfo.InvariantCulture), await lastSizing.Nth(1).InnerTextAsync());
        Assert.Equal(F(last.GetProperty("inverse_vol_factor"), 3), await lastSizing.Nth(3).InnerTextAsync());
        Assert.Equal(F(last.GetProperty("sharpe_multiplier"), 3), await lastSizing.Nth(4).InnerTextAsync());
        Assert.Equal(F(last.GetProperty("final_size_factor"), 3), await lastSizing.Nth(7).InnerTextAsync());
        Assert.Equal(last.GetProperty("quantity").GetString(), await lastSizing.Nth(9).InnerTextAsync());
        var kpis = page.Locator("[data-testid=kpis-BTCUSDT] td");
        Assert.Equal(btc.GetProperty("kpis").GetProperty("orders").GetInt64().ToString(CultureInfo.InvariantCulture), await kpis.Nth(1).InnerTextAsync());

        using var hours = JsonDocument.Parse(await http.GetStringAsync("/api/expectancy"));
        Assert.Equal(24, await page.Locator("[data-testid=expectancy] tbody tr").CountAsync());
        var busiest = hours.RootElement.GetProperty("hours").EnumerateArray().MaxBy(h => h.GetProperty("samples").GetInt32());
        var hourRow = page.Locator($"[data-testid=hour-{busiest.GetProperty("hour").GetInt32()}] td");
        Assert.Equal(busiest.GetProperty("samples").GetInt32().ToString(CultureInfo.InvariantCulture), await hourRow.Nth(4).InnerTextAsync());
        Assert.Equal(F(busiest.GetProperty("cost_mean_bps"), 2), await hourRow.Nth(5).InnerTextAsync());
        Assert.True(await page.Locator("[data-testid=heatmap]").EvaluateAsync<int>("img => img.naturalWidth") > 100);

        // The page per parent order: its RouterContext and its fills, as the API has them.
        var firstParent = page.Locator("[data-testid=parents] tbody tr").First;
        var parentId = await firstParent.Locator("a").InnerTextAsync();
        await firstParent.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=context-final_size_factor]");
        using var parent = JsonDocument.Parse(await http.GetStringAsync($"/api/parents/{parentId}"));
        Assert.Equal(parent.RootElement.GetProperty("fills").GetArrayLength(), await page.Locator("[data-testid=parent-fills] tbody tr").CountAsync());
        Assert.Equal(parent.RootElement.GetProperty("reason").ToString(), await page.Locator("[data-testid=context-reason] td").Nth(1).InnerTextAsync());

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.Screenshots, "execution-tab.png"), FullPage = true });
        // The Content-Security-Policy blocked nothing the page needs.
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheLiveViewUpdatesWhileAReplayRuns()
    {
        var db = Path.Combine(fixture.Directory, "live.db");
        TelemetryStore.Open(db).Dispose();
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("[data-testid=empty]:not([hidden])");

        // 8 minutes of market data at 40x: about 12 s, writing a health batch every replay minute.
        var replay = Task.Run(() => DashboardFixture.Replay(db, pace: 40));
        await page.WaitForFunctionAsync("() => Number(document.getElementById('live').dataset.parents || 0) > 0", null, new() { Timeout = 30_000 });
        var first = int.Parse(await page.Locator("[data-testid=live]").GetAttributeAsync("data-parents") ?? "0", CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('live').dataset.parents || 0) > {first}", null, new() { Timeout = 30_000 });
        Assert.False(replay.IsCompleted, "the page updated while the replay was still running");
        await page.WaitForSelectorAsync("[data-testid=score-BTCUSDT]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.Screenshots, "live-update.png"), FullPage = true });
        Assert.True((await replay).Stats.Orders > 0, "the replay ran to its end");
    }

    [Fact]
    public async Task TogglingASymbolOffMakesTheExecutorDenyItsNextSignal()
    {
        var db = fixture.ReplayedStore("toggle.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("body[data-ready]");

        // A second, paced replay (another seed: another run) is trading while the operator switches BTCUSDT off.
        var replay = Task.Run(() => DashboardFixture.Replay(db, seed: 2, pace: 40));
        using (var store = TelemetryStore.Open(db))
        {
            for (var i = 0; i < 300 && (long)store.Query("SELECT COUNT(*) FROM parents p JOIN runs r USING (run_id) WHERE r.seed = 2").Single()[0]! < 5; i++)
            {
                await Task.Delay(100);
            }
        }
        await page.Locator("[data-testid=toggle-BTCUSDT]").UncheckAsync();
        await page.WaitForSelectorAsync("[data-testid=toggles] .off");
        Assert.True((await replay).Stats.Orders > 0, "the replay ran to its end");

        using var check = TelemetryStore.Open(db);
        var reasons = check.Query("SELECT p.risk_reason FROM parents p JOIN runs r USING (run_id) WHERE r.seed = 2 ORDER BY p.parent_id").Select(r => (string)r[0]!).ToList();
        var firstDenied = reasons.IndexOf("SymbolDisabled");
        Assert.True(firstDenied >= 5, $"routed before the switch: {firstDenied}");
        Assert.All(reasons.Skip(firstDenied), r => Assert.Equal("SymbolDisabled", r));
        Assert.False(check.Toggles()[new Fillwise.Core.Symbol("BTCUSDT")]);
    }

    [Fact]
    public async Task WithATokenEveryRequestNeedsIt()
    {
        const string token = "correct-horse-battery-staple";
        var db = fixture.ReplayedStore("token.db");
        var (app, address) = await DashboardFixture.Serve(db, token);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/toggles/BTCUSDT", new { enabled = false })).StatusCode);
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/api/symbols");
        withToken.Headers.Add(DashboardApp.TokenHeader, token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withToken)).StatusCode);
        // With the token but without the anti-forgery token, a toggle is refused.
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/toggles/BTCUSDT") { Content = JsonContent.Create(new { enabled = false }) };
        forged.Headers.Add(DashboardApp.TokenHeader, token);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(forged)).StatusCode);

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(address + "/");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        await page.FillAsync("[data-testid=token]", token);
        await page.ClickAsync("[data-testid=login]");
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(1, await page.Locator("[data-testid=score-BTCUSDT]").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.Screenshots, "after-login.png"), FullPage = true });
    }

    [Theory]
    [InlineData("/api/symbols/BTC-USD/score", 400)]
    [InlineData("/api/symbols/DOGEUSDT/score", 404)]
    [InlineData("/api/parents?limit=0", 400)]
    [InlineData("/api/parents?limit=abc", 400)]
    [InlineData("/api/parents/424242", 404)]
    [InlineData("/api/symbols?run=nope", 404)]
    [InlineData("/api/nothing-here", 404)]
    public async Task BadRequestsGetProblemDetailsNeverAStackTrace(string path, int status)
    {
        var db = fixture.ReplayedStore($"problems-{status}-{Math.Abs(path.GetHashCode(StringComparison.Ordinal))}.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var response = await http.GetAsync(path);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyStoreIsAFriendlyEmptyState()
    {
        var db = Path.Combine(fixture.Directory, "empty.db");
        TelemetryStore.Open(db).Dispose();
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/symbols"));
        Assert.True(json.RootElement.GetProperty("empty").GetBoolean());
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("[data-testid=empty]:not([hidden])");
    }
}
