using System.Net;
using System.Text.RegularExpressions;

namespace Fillwise.Dashboard.Tests;

/// <summary>/metrics on the dashboard host: the executor's meter in Prometheus format, behind the token.</summary>
public sealed partial class MetricsTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Token = "correct-horse-battery-staple";

    [Fact]
    public async Task MetricsShowTheExecutorsCountersMovingAndNeedTheToken()
    {
        var db = fixture.CopyOfStore("metrics.db");
        var (app, address) = await DashboardFixture.Serve(new DashboardOptions { DatabasePath = db, Urls = "http://127.0.0.1:0", Token = Token });
        await using var _ = app;
        using var anonymous = new HttpClient { BaseAddress = new Uri(address) };
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add(DashboardApp.TokenHeader, Token);

        DashboardFixture.Replay(Path.Combine(fixture.Directory, "metrics-run-1.db"), seed: 11);
        var first = await http.GetStringAsync("/metrics");
        DashboardFixture.Replay(Path.Combine(fixture.Directory, "metrics-run-2.db"), seed: 12);
        // The exporter may answer from its scrape cache (a few hundred ms) when the second replay was quicker than that.
        var second = await http.GetStringAsync("/metrics");
        for (var i = 0; i < 20 && Parents(second) == Parents(first); i++)
        {
            await Task.Delay(250);
            second = await http.GetStringAsync("/metrics");
        }

        Assert.Contains("fillwise_decision_latency_seconds_bucket", second, StringComparison.Ordinal);
        Assert.Contains("liquidity=\"maker\"", second, StringComparison.Ordinal);
        Assert.Matches("fillwise_execution_cost_bps_(bucket|count)", second);
        Assert.True(Parents(second) > Parents(first) && Parents(first) > 0, $"parent orders {Parents(first)} -> {Parents(second)}");
    }

    /// <summary>The intel policy's BTCUSDT parent-order count in a scrape.</summary>
    private static double Parents(string scrape) =>
        ParentsLine().Matches(scrape).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^fillwise_parent_orders_total\{[^}]*policy=""intel""[^}]*symbol=""BTCUSDT""[^}]*\} (\S+)", RegexOptions.Multiline)]
    private static partial Regex ParentsLine();
}
