using System.Text.Json;
using Fillwise.Core;
using Fillwise.Telemetry;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Dashboard;

/// <summary>The JSON API behind every panel (documented in the README), the live feed and the charts.</summary>
internal static class DashboardApi
{
    public sealed record ToggleRequest(bool Enabled);

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/runs", (DashboardQueries q) => Results.Ok(q.Runs()));
        api.MapGet("/symbols", (DashboardQueries q, string? run) => WithRun(q, run, id => Results.Ok(new { run_id = id, symbols = q.Symbols(id) })));
        api.MapGet("/symbols/{symbol}/score", (DashboardQueries q, string symbol, string? run) => WithSymbol(q, run, symbol, (id, s) =>
            q.GetSymbolScore(id, s) is { } score ? Results.Ok(score) : DashboardApp.NotFound("Unknown symbol.", $"{s} has no health in run {id}.")));
        api.MapGet("/symbols/{symbol}/offsets", (DashboardQueries q, string symbol, string? run) => WithSymbol(q, run, symbol, (id, s) =>
            q.OffsetHistory(id, s) is { Count: > 0 } history ? Results.Ok(history) : DashboardApp.NotFound("Unknown symbol.", $"{s} has no health in run {id}.")));
        api.MapGet("/expectancy", (DashboardQueries q, string? run, string? symbol) =>
        {
            if (symbol is null)
            {
                return WithRun(q, run, id => Results.Ok(q.GetHourlyExpectancy(id, null)));
            }
            return WithSymbol(q, run, symbol, (id, s) => Results.Ok(q.GetHourlyExpectancy(id, s)));
        });
        api.MapGet("/parents", (DashboardQueries q, string? run, int? limit) =>
            limit is < 1 or > 1000
                ? DashboardApp.BadRequest("Bad limit.", "limit must be between 1 and 1000.")
                : WithRun(q, run, id => Results.Ok(q.Parents(id, limit ?? 50))));
        api.MapGet("/parents/{id:long}", (DashboardQueries q, long id, string? run) => WithRun(q, run, runId =>
            q.Parent(runId, id) is { } parent ? Results.Ok(parent) : DashboardApp.NotFound("Unknown parent order.", $"No parent order {id} in run {runId}.")));
        api.MapGet("/toggles", (DashboardQueries q) =>
        {
            using var store = q.Open();
            return Results.Ok(store.Toggles().ToDictionary(t => t.Key.Value, t => t.Value));
        });
        api.MapGet("/antiforgery", (IAntiforgery antiforgery, HttpContext context) =>
            Results.Ok(new { token = antiforgery.GetAndStoreTokens(context).RequestToken, header = "X-CSRF-TOKEN" }));
        api.MapPost("/toggles/{symbol}", async (DashboardQueries q, IAntiforgery antiforgery, HttpContext context, string symbol, ToggleRequest body) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Anti-forgery token missing or invalid.", detail: "GET /api/antiforgery and send its token in the X-CSRF-TOKEN header.");
            }
            if (!Symbol.TryParse(symbol, out var s) || !SymbolCatalog.Default.TryGet(s, out _))
            {
                return DashboardApp.NotFound("Unknown symbol.", $"'{symbol}' is not in the symbol catalog.");
            }
            using var store = q.OpenForWrite();
            store.SetToggle(s, body.Enabled, TimeProvider.System.GetUtcNow());
            return Results.Ok(new { symbol = s.Value, enabled = body.Enabled });
        }).DisableAntiforgery();
        api.MapGet("/events", Events);
        app.MapGet("/charts/heatmap.png", (DashboardQueries q, string? run) => WithRun(q, run, id => Results.File(Charts.Heatmap(q, id), "image/png")));
        app.MapGet("/charts/offsets/{symbol}.png", (DashboardQueries q, string symbol, string? run) => WithSymbol(q, run, symbol, (id, s) =>
            q.OffsetHistory(id, s) is { Count: > 0 } history ? Results.File(Charts.Offsets(s, history), "image/png") : DashboardApp.NotFound("Unknown symbol.", $"{s} has no health in run {id}.")));
    }

    /// <summary>Server-sent events: one "update" whenever the store changes, so the page refetches only then.</summary>
    private static async Task Events(HttpContext context, DashboardQueries q, DashboardOptions options)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var ct = context.RequestAborted;
        (long, long, long, long)? last = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = q.Fingerprint();
                if (now != last)
                {
                    last = now;
                    var data = JsonSerializer.Serialize(new { health = now.Health, parents = now.Parents, fills = now.Fills });
                    await context.Response.WriteAsync($"event: update\ndata: {data}\n\n", ct).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
                await Task.Delay(options.PollEvery, TimeProvider.System, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away.
        }
    }

    private static IResult WithRun(DashboardQueries q, string? run, Func<string, IResult> then)
    {
        var id = q.ResolveRun(run);
        return id is not null ? then(id)
            : run is null ? Results.Ok(new { run_id = (string?)null, empty = true, message = "The store has no runs yet: start one with fillwise replay." })
            : DashboardApp.NotFound("Unknown run.", $"No run '{run}' in the store.");
    }

    private static IResult WithSymbol(DashboardQueries q, string? run, string symbol, Func<string, Symbol, IResult> then) =>
        !Symbol.TryParse(symbol, out var s)
            ? DashboardApp.BadRequest("Malformed symbol.", $"'{symbol}' is not a symbol (letters and digits, e.g. BTCUSDT).")
            : WithRun(q, run, id => then(id, s));
}
