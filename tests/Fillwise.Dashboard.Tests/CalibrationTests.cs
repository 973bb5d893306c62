using System.Globalization;
using System.Net;
using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Fillwise.Dashboard.Tests;

/// <summary>The calibration panel: its API over a real replay (the same numbers the eval computes in memory), its chart, and a run stored before predictions were.</summary>
public sealed class CalibrationTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private static string F(JsonElement value, int digits) => DashboardFixture.Number(value, digits);

    [Fact]
    public async Task TheApiGivesTheCalibrationTheEvalComputesForTheSameReplay()
    {
        var (app, address) = await DashboardFixture.Serve(fixture.CopyOfStore("calibration-api.db"));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/calibration"));
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("message").ValueKind);
        var c = root.GetProperty("calibration");

        // The eval's path: the same replay in memory, through the same statistic.
        var (inputs, spec, _) = DashboardFixture.ReplaySpec();
        var expected = FillCalibration.Build(FillCalibration.Samples(BacktestEngine.Run(inputs, spec).Telemetry));
        Assert.True(expected.Parents > 0, "the intel replay made no prediction");
        Assert.NotEmpty(expected.Rows);
        Assert.Equal(expected.Parents, c.GetProperty("parents").GetInt32());
        Assert.Equal(expected.OmittedParents, c.GetProperty("omitted_parents").GetInt32());
        Assert.Equal(10, c.GetProperty("buckets").GetInt32());
        Assert.Equal(5, c.GetProperty("min_parents").GetInt32());
        var rows = c.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(expected.Rows.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (want, got) = (expected.Rows[i], rows[i]);
            Assert.Equal(want.Lower, got.GetProperty("lower").GetDouble());
            Assert.Equal(want.Parents, got.GetProperty("parents").GetInt32());
            Assert.True(want.Parents >= 5);
            Assert.Equal(want.PredictedMean, got.GetProperty("predicted_mean").GetDouble());
            Assert.Equal(want.RealisedFillRate, got.GetProperty("realised_fill_rate").GetDouble());
            Assert.Equal(want.CostParents, got.GetProperty("cost_parents").GetInt32());
        }
        Assert.Equal(expected.Cost!.Parents, c.GetProperty("cost").GetProperty("parents").GetInt32());
        Assert.Equal(expected.Cost.ExpectedMeanBps, c.GetProperty("cost").GetProperty("expected_mean_bps").GetDouble());
        Assert.Equal(expected.Cost.RealisedMeanBps, c.GetProperty("cost").GetProperty("realised_mean_bps").GetDouble());

        // Per symbol: the sample is BTCUSDT only.
        Assert.Equal(c.GetRawText(), JsonDocument.Parse(await http.GetStringAsync("/api/calibration?symbol=BTCUSDT")).RootElement.GetProperty("calibration").GetRawText());
        using var eth = JsonDocument.Parse(await http.GetStringAsync("/api/calibration?symbol=ETHUSDT"));
        Assert.StartsWith("No predictions stored for ETHUSDT in run ", eth.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/charts/calibration.png?symbol=ETHUSDT")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/calibration?run=no-such-run")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/calibration?symbol=BTC-USDT")).StatusCode);
        var png = await http.GetAsync("/charts/calibration.png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);

        // Each decision's prediction in the parents list is the one the policy made in memory.
        var predictions = BacktestEngine.Run(inputs, spec).Telemetry.Parents.ToDictionary(p => p.ParentId, p => p.Context?.PredictedFillProbability);
        using var parents = JsonDocument.Parse(await http.GetStringAsync("/api/parents?limit=1000"));
        Assert.All(parents.RootElement.EnumerateArray(), p =>
        {
            var stored = p.GetProperty("predicted_fill");
            var made = predictions[p.GetProperty("parent_id").GetInt64()];
            double? want = made is { } m && double.IsFinite(m) ? m : null;
            double? got = stored.ValueKind == JsonValueKind.Null ? null : stored.GetDouble();
            Assert.Equal(want, got);
        });
    }

    [Fact]
    public async Task TheChartAndTableRenderTheApisNumbersAndEachParentShowsItsPrediction()
    {
        var (app, address) = await DashboardFixture.Serve(fixture.CopyOfStore("calibration-page.db"));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/calibration"));
        var c = json.RootElement.GetProperty("calibration");
        var rows = c.GetProperty("rows").EnumerateArray().ToList();

        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("body[data-ready]");
        var chart = page.Locator("[data-testid=calibration-chart]");
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('[data-testid=calibration-chart]'); return img.complete && img.naturalWidth > 0; }");
        Assert.True(await chart.IsVisibleAsync());
        Assert.Equal(600, await chart.EvaluateAsync<int>("img => img.naturalWidth"));
        Assert.True(await page.Locator("[data-testid=calibration-message]").IsHiddenAsync());
        Assert.Equal(rows.Count, await page.Locator("[data-testid=calibration] tbody tr").CountAsync());
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = page.Locator($"[data-testid=calibration-{i}] td");
            Assert.Equal(rows[i].GetProperty("parents").GetInt32().ToString(CultureInfo.InvariantCulture), await cells.Nth(1).InnerTextAsync());
            Assert.Equal(F(rows[i].GetProperty("predicted_mean"), 3), await cells.Nth(2).InnerTextAsync());
            Assert.Equal(F(rows[i].GetProperty("realised_fill_rate"), 3), await cells.Nth(3).InnerTextAsync());
            Assert.Equal(F(rows[i].GetProperty("realised_cost_mean_bps"), 2), await cells.Nth(6).InnerTextAsync());
        }
        Assert.StartsWith($"{c.GetProperty("parents").GetInt32()} parents with a prediction; {c.GetProperty("omitted_parents").GetInt32()} in buckets of fewer than 5 not shown.",
            await page.Locator("[data-testid=calibration-summary]").InnerTextAsync(), StringComparison.Ordinal);

        using var parents = JsonDocument.Parse(await http.GetStringAsync("/api/parents?limit=25"));
        var predicted = parents.RootElement.EnumerateArray().First(p => p.GetProperty("predicted_fill").ValueKind == JsonValueKind.Number);
        var row = page.Locator($"[data-testid=parent-{predicted.GetProperty("parent_id").GetInt64()}] td");
        Assert.Equal(F(predicted.GetProperty("predicted_fill"), 3), await row.Nth(9).InnerTextAsync());
        Assert.Equal(F(predicted.GetProperty("expected_cost_bps"), 3), await row.Nth(10).InnerTextAsync());

        await page.Locator("section", new() { Has = page.Locator("[data-testid=calibration]") })
            .ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(DashboardFixture.Screenshots, "calibration.png") });
    }

    [Fact]
    public async Task ARunStoredBeforePredictionsSaysSoInsteadOfABrokenChart()
    {
        var db = fixture.CopyOfStore("calibration-old.db");
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var downgrade = c.CreateCommand();
            downgrade.CommandText = "ALTER TABLE parents DROP COLUMN predicted_fill; ALTER TABLE parents DROP COLUMN expected_cost_bps; PRAGMA user_version = 5;";
            downgrade.ExecuteNonQuery();
        }
        using (TelemetryStore.Open(db))
        {
            // A writer migrates the schema-5 store forward; its run keeps no predictions.
        }
        var (app, address) = await DashboardFixture.Serve(db);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/calibration"));
        var message = json.RootElement.GetProperty("message").GetString()!;
        Assert.StartsWith("No predictions stored for run ", message, StringComparison.Ordinal);
        Assert.Equal(0, json.RootElement.GetProperty("calibration").GetProperty("parents").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/charts/calibration.png")).StatusCode);

        var page = await fixture.Browser.NewPageAsync();
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add(request.Url);
        page.Response += (_, response) => { if (response.Status >= 400 && response.Url.Contains("calibration", StringComparison.Ordinal)) failed.Add(response.Url); };
        await page.GotoAsync(address + "/");
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(message, await page.Locator("[data-testid=calibration-message]").InnerTextAsync());
        Assert.True(await page.Locator("[data-testid=calibration-chart]").IsHiddenAsync());
        Assert.Equal(0, await page.Locator("[data-testid=calibration] tbody tr").CountAsync());
        Assert.Equal("–", await page.Locator("[data-testid=parents] tbody tr").First.Locator("td").Nth(9).InnerTextAsync());
        Assert.Empty(failed);
    }
}
