using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;

namespace Fillwise.Dashboard.Tests;

/// <summary>The running session's controls on the dashboard: the kill switch and posted parent orders.</summary>
public sealed class SessionControlTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private static readonly Symbol Btc = new("BTCUSDT");

    [Fact]
    public async Task Signals_are_queued_for_the_executor_and_the_kill_switch_ends_the_session()
    {
        using var kill = new CancellationTokenSource();
        var inbox = new SignalInbox([Btc], capacity: 2);
        var options = new DashboardOptions { DatabasePath = fixture.CopyOfStore("session.db"), Urls = "http://127.0.0.1:0", Session = new SessionControl(kill, inbox) };
        var (app, address) = await DashboardFixture.Serve(options);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var csrf = await Antiforgery(http);
        using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/session")))
        {
            Assert.True(status.RootElement.GetProperty("active").GetBoolean());
            Assert.False(status.RootElement.GetProperty("killed").GetBoolean());
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Post(http, "/api/session/signals", new { symbol = "BTCUSDT", side = "buy", notional = 5000 }, csrf)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(http, "/api/session/signals", new { symbol = "BTCUSDT", side = "sell", quantity = 0.01 }, csrf)).StatusCode);
        // Full: refused with 503, nothing dropped silently.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Post(http, "/api/session/signals", new { symbol = "BTCUSDT", side = "sell", quantity = 0.01 }, csrf)).StatusCode);
        foreach (var bad in new object[]
        {
            new { symbol = "ETHUSDT", side = "buy", notional = 5000 },
            new { symbol = "BTCUSDT", side = "long", notional = 5000 },
            new { symbol = "BTCUSDT", side = "buy", notional = 5000, quantity = 1 },
            new { symbol = "BTCUSDT", side = "buy", notional = -5 },
            new { symbol = "BTCUSDT", side = "buy" },
            new { symbol = "BTCUSDT", side = "buy", notional = 5000, price = 1 },
        })
        {
            var response = await Post(http, "/api/session/signals", bad, csrf);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(bad)}: {response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(http, "/api/session/kill", new { }, csrf: null)).StatusCode);
        Assert.False(kill.IsCancellationRequested);

        var host = new RecordingHost(1_000);
        inbox.OnMarket(default, host);
        Assert.Equal(2, host.Emitted.Count);
        Assert.Equal((Btc, Side.Buy, (decimal?)null, (decimal?)5000m, 1_000L, SignalInbox.SourceName), (host.Emitted[0].Symbol, host.Emitted[0].Side, host.Emitted[0].Quantity, host.Emitted[0].Notional, host.Emitted[0].TimeNs, host.Emitted[0].Source));
        Assert.Equal((Side.Sell, (decimal?)0.01m), (host.Emitted[1].Side, host.Emitted[1].Quantity));
        Assert.Equal((2, 1), (inbox.Accepted, inbox.Refused));

        Assert.Equal(HttpStatusCode.OK, (await Post(http, "/api/session/kill", new { }, csrf)).StatusCode);
        Assert.True(kill.IsCancellationRequested);
        using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/session")))
        {
            Assert.True(status.RootElement.GetProperty("killed").GetBoolean());
        }
        Assert.Equal(HttpStatusCode.Conflict, (await Post(http, "/api/session/signals", new { symbol = "BTCUSDT", side = "buy", notional = 5000 }, csrf)).StatusCode);
    }

    [Fact]
    public async Task The_page_shows_the_kill_switch_of_a_running_session_and_it_fires()
    {
        using var kill = new CancellationTokenSource();
        var options = new DashboardOptions { DatabasePath = fixture.ReplayedStore("session-page.db"), Urls = "http://127.0.0.1:0", Session = new SessionControl(kill, new SignalInbox([Btc])) };
        var (app, address) = await DashboardFixture.Serve(options);
        await using var _ = app;
        var page = await fixture.Browser.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.True(await page.Locator("[data-testid=session]").IsVisibleAsync());
        Assert.Equal("running (BTCUSDT)", await page.Locator("[data-testid=session-state]").InnerTextAsync());

        await page.Locator("[data-testid=kill]").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=session-state]').textContent.startsWith('killed')");
        Assert.True(kill.IsCancellationRequested);
        Assert.True(await page.Locator("[data-testid=kill]").IsDisabledAsync());
    }

    [Fact]
    public async Task A_dashboard_without_a_session_has_no_session_controls()
    {
        var (app, address) = await DashboardFixture.Serve(fixture.CopyOfStore("no-session.db"));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var csrf = await Antiforgery(http);
        using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/session")))
        {
            Assert.False(status.RootElement.GetProperty("active").GetBoolean());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Post(http, "/api/session/kill", new { }, csrf)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(http, "/api/session/signals", new { symbol = "BTCUSDT", side = "buy", notional = 5000 }, csrf)).StatusCode);
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, string path, object body, string? csrf)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (csrf is not null)
        {
            post.Headers.Add("X-CSRF-TOKEN", csrf);
        }
        return await http.SendAsync(post);
    }

    private static async Task<string> Antiforgery(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/antiforgery"));
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private sealed class RecordingHost(long nowNs) : ISignalHost
    {
        public List<ParentSignal> Emitted { get; } = [];

        public long NowNs => nowNs;

        public IReadOnlyList<Symbol> QuotedSymbols() => [Btc];

        public void WakeAt(ISignalSource source, long dueNs, long payload)
        {
        }

        public void Emit(ParentSignal signal) => Emitted.Add(signal);
    }
}
