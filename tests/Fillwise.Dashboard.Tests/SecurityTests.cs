using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fillwise.Telemetry;

namespace Fillwise.Dashboard.Tests;

/// <summary>The dashboard as an attacker sees it: foreign hosts and origins, bad bodies, guessing, framing, caching.</summary>
public sealed class SecurityTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Token = "correct-horse-battery-staple";

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:{port}")]
    [InlineData("127.0.0.1.nip.io:{port}")]
    [InlineData("localhost:1")]
    [InlineData("[::2]:{port}")]
    public async Task AForeignHostGetsNoPageNoAntiforgeryTokenAndSwitchesNothing(string host)
    {
        var db = fixture.CopyOfStore($"rebinding-{Math.Abs(host.GetHashCode(StringComparison.Ordinal))}.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var foreign = host.Replace("{port}", new Uri(address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        foreach (var path in new[] { "/", "/api/antiforgery", "/api/symbols", "/api/events" })
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, path);
            get.Headers.Host = foreign;
            using var response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
            Assert.DoesNotContain("token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Even with a valid anti-forgery pair from the real origin, a foreign Host switches nothing.
        var csrf = await Antiforgery(http);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/toggles/BTCUSDT") { Content = JsonContent.Create(new { enabled = false }) };
        post.Headers.Host = foreign;
        post.Headers.Add("X-CSRF-TOKEN", csrf);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await http.SendAsync(post)).StatusCode);
        Assert.Empty(DashboardApp.Reader(app).Toggles());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task LoopbackNamesWithTheBoundPortAreServed(string name)
    {
        var db = fixture.CopyOfStore($"loopback-{name}.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/symbols");
        get.Headers.Host = $"{name}:{new Uri(address).Port}";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(get)).StatusCode);
    }

    [Theory]
    [InlineData("http://attacker.example")]
    [InlineData("null")]
    [InlineData("https://127.0.0.1")]
    public async Task AStateChangeFromAForeignOriginIsRefused(string origin)
    {
        var db = fixture.CopyOfStore($"origin-{Math.Abs(origin.GetHashCode(StringComparison.Ordinal))}.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var csrf = await Antiforgery(http);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/toggles/BTCUSDT") { Content = JsonContent.Create(new { enabled = false }) };
        post.Headers.Add("Origin", origin);
        post.Headers.Add("X-CSRF-TOKEN", csrf);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(post)).StatusCode);
        Assert.Empty(DashboardApp.Reader(app).Toggles());
    }

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeaders()
    {
        var db = fixture.CopyOfStore("headers.db");
        var (app, address) = await DashboardFixture.Serve(db, Token);
        await using var _ = app;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add(DashboardApp.TokenHeader, Token);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        var responses = new List<HttpResponseMessage>();
        foreach (var path in new[] { "/", "/app.js", "/app.css", "/login", "/api/symbols", "/api/parents", "/api/antiforgery", "/charts/heatmap.png", "/api/nothing-here" })
        {
            responses.Add(await http.GetAsync(path));
        }
        responses.Add(await anonymous.GetAsync("/api/symbols"));
        responses.Add(await anonymous.GetAsync("/"));
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/");
        foreign.Headers.Host = "attacker.example";
        responses.Add(await anonymous.SendAsync(foreign));
        foreach (var response in responses)
        {
            var path = response.RequestMessage!.RequestUri!.AbsolutePath;
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"), path);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path} {(int)response.StatusCode} is cacheable");
        }
        // The page has no inline script for the policy to block.
        Assert.DoesNotMatch("<script(?![^>]*src=)", await (await http.GetAsync("/")).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{}", "application/json", 400)]
    [InlineData("{\"enabled\": \"false\"}", "application/json", 400)]
    [InlineData("{\"enabled\": null}", "application/json", 400)]
    [InlineData("{\"enabled\": 0}", "application/json", 400)]
    [InlineData("{\"Enabled\": false}", "application/json", 400)]
    [InlineData("{\"enabled\": false, \"enabled\": true}", "application/json", 400)]
    [InlineData("{\"enabled\": false, \"symbol\": \"ETHUSDT\"}", "application/json", 400)]
    [InlineData("[false]", "application/json", 400)]
    [InlineData("false", "application/json", 400)]
    [InlineData("{\"enabled\": fal", "application/json", 400)]
    [InlineData("", "application/json", 400)]
    [InlineData("enabled=false", "application/x-www-form-urlencoded", 415)]
    [InlineData("{\"enabled\": false}", "text/plain", 415)]
    [InlineData("{\"enabled\": false, \"pad\": \"{big}\"}", "application/json", 413)]
    public async Task AToggleWithABadBodySwitchesNothing(string body, string contentType, int status)
    {
        var db = fixture.CopyOfStore($"toggle-body-{Math.Abs((body + contentType).GetHashCode(StringComparison.Ordinal))}.db");
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var csrf = await Antiforgery(http);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/toggles/BTCUSDT")
        {
            Content = new StringContent(body.Replace("{big}", new string('x', 20_000), StringComparison.Ordinal), Encoding.UTF8, contentType),
        };
        post.Headers.Add("X-CSRF-TOKEN", csrf);
        // Kestrel may close a connection whose body it refused unread (413): never reuse it for the next request,
        // or whether that request fails depends on timing.
        post.Headers.ConnectionClose = true;
        using var response = await http.SendAsync(post);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(DashboardApp.Reader(app).Toggles());

        // The same request with a proper body does switch, so the refusal above was about the body.
        using var good = new HttpRequestMessage(HttpMethod.Post, "/api/toggles/BTCUSDT") { Content = JsonContent.Create(new { enabled = false }) };
        good.Headers.Add("X-CSRF-TOKEN", csrf);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(good)).StatusCode);
        Assert.False(DashboardApp.Reader(app).Toggles()["BTCUSDT"]);
    }

    [Theory]
    [InlineData("{\"token\": \"correct-horse-battery-staple\"}", "application/json", 415)]
    [InlineData("", null, 415)]
    [InlineData("", "application/x-www-form-urlencoded", 401)]
    [InlineData("token={big}", "application/x-www-form-urlencoded", 413)]
    [InlineData("token=correct-horse-battery-staple&x={kb}", "application/x-www-form-urlencoded", 413)]
    [InlineData("--b\r\nnot a part", "multipart/form-data; boundary=b", 400)]
    public async Task ALoginWithABadBodyIsAClientErrorNeverA500(string body, string? contentType, int status)
    {
        var db = fixture.CopyOfStore($"login-body-{Math.Abs((body + contentType).GetHashCode(StringComparison.Ordinal))}.db");
        var (app, address) = await DashboardFixture.Serve(db, Token);
        await using var _ = app;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        var content = new StringContent(body.Replace("{big}", new string('x', 40_000), StringComparison.Ordinal).Replace("{kb}", new string('y', 2_000), StringComparison.Ordinal));
        content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await http.PostAsync("/login", content);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task GuessingTheTokenIsThrottledPerAddressWithRetryAfter()
    {
        var db = fixture.CopyOfStore("throttle.db");
        var (app, address) = await DashboardFixture.Serve(db, Token);
        await using var _ = app;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            using var wrong = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", $"guess-number-{i:00}-abcdefgh")]));
            statuses.Add((int)wrong.StatusCode);
        }
        Assert.Equal([401, 401, 401, 401, 401, 429, 429, 429], statuses);
        // Throttled means throttled: even the right token waits, and the answer says how long.
        using var right = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", Token)]));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(int.Parse(right.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 60);
        // Guessing through the header instead of the form is throttled the same way.
        using var header = new HttpRequestMessage(HttpMethod.Get, "/api/symbols");
        header.Headers.Add(DashboardApp.TokenHeader, "another-guess-abcdefgh");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.SendAsync(header)).StatusCode);
    }

    private static async Task<string> Antiforgery(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/antiforgery"));
        return json.RootElement.GetProperty("token").GetString()!;
    }
}
