using System.Data.Common;
using System.Text.Json;
using Fillwise.Core;
using Fillwise.Telemetry;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace Fillwise.Dashboard;

/// <summary>The JSON API behind every panel (documented in the README), the live feed and the charts.</summary>
internal static class DashboardApi
{
    /// <summary>A toggle body is {"enabled": true|false}: a few bytes. Anything bigger is refused before it is read.</summary>
    private const long MaxToggleBody = 1024;

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/runs", (TelemetryReader q) => Results.Ok(q.Runs()));
        api.MapGet("/symbols", (TelemetryReader q, string? run) => WithRun(q, run, id => Results.Ok(new SymbolsResponse(id, q.Symbols(id)))));
        api.MapGet("/symbols/{symbol}/score", (TelemetryReader q, string symbol, string? run) => WithSymbol(q, run, symbol, (id, s) =>
            q.GetSymbolScore(id, s) is { } score ? Results.Ok(score) : DashboardApp.NotFound("Unknown symbol.", $"{s} has no health in run {id}.")));
        api.MapGet("/symbols/{symbol}/offsets", (TelemetryReader q, string symbol, string? run) => WithSymbol(q, run, symbol, (id, s) =>
            q.OffsetHistory(id, s) is { Count: > 0 } history ? Results.Ok(history) : DashboardApp.NotFound("Unknown symbol.", $"{s} has no health in run {id}.")));
        api.MapGet("/expectancy", (TelemetryReader q, string? run, string? symbol) => WithOptionalSymbol(q, run, symbol, (id, s) => Results.Ok(q.GetHourlyExpectancy(id, s))));
        api.MapGet("/parents", (TelemetryReader q, string? run, int? limit) =>
            limit is < 1 or > 1000
                ? DashboardApp.BadRequest("Bad limit.", "limit must be between 1 and 1000.")
                : WithRun(q, run, id => Results.Ok(q.Parents(id, limit ?? 50))));
        api.MapGet("/parents/{id:long}", (TelemetryReader q, long id, string? run) => WithRun(q, run, runId =>
            q.Parent(runId, id) is { } parent ? Results.Ok(parent) : DashboardApp.NotFound("Unknown parent order.", $"No parent order {id} in run {runId}.")));
        api.MapGet("/calibration", (TelemetryReader q, string? run, string? symbol) => WithOptionalSymbol(q, run, symbol, (id, s) => Results.Ok(q.Calibration(id, s))));
        api.MapGet("/toggles", (TelemetryReader q) => Results.Ok(q.Toggles()));
        api.MapGet("/antiforgery", (IAntiforgery antiforgery, HttpContext context) =>
            Results.Ok(new AntiforgeryResponse(antiforgery.GetAndStoreTokens(context).RequestToken, "X-CSRF-TOKEN")));
        api.MapPost("/toggles/{symbol}", Toggle).DisableAntiforgery();
        api.MapGet("/session", SessionApi.Status);
        api.MapPost("/session/kill", SessionApi.Kill).DisableAntiforgery();
        api.MapPost("/session/signals", SessionApi.Post).DisableAntiforgery();
        api.MapGet("/events", Events);
        app.MapGet("/charts/heatmap.png", (TelemetryReader q, string? run) => WithRun(q, run, id => Results.File(Charts.Heatmap(q, id), "image/png")));
        app.MapGet("/charts/calibration.png", (TelemetryReader q, string? run, string? symbol) => WithOptionalSymbol(q, run, symbol, (id, s) =>
            q.Calibration(id, s) is var view && view.Calibration.Rows.Count > 0 ? Results.File(Charts.Calibration(view), "image/png") : DashboardApp.NotFound("Nothing to plot.", view.Message!)));
        app.MapGet("/charts/offsets/{symbol}.png", (TelemetryReader q, string symbol, string? run) => WithSymbol(q, run, symbol, (id, s) =>
            q.OffsetHistory(id, s) is { Count: > 0 } history ? Results.File(Charts.Offsets(s, history), "image/png") : DashboardApp.NotFound("Unknown symbol.", $"{s} has no health in run {id}.")));
    }

    /// <summary>
    /// Switches a symbol on or off. Only a complete, well-formed body switches anything: a missing or non-boolean
    /// "enabled" (e.g. <c>{}</c>) is 400, never "off" by default.
    /// </summary>
    private static async Task<IResult> Toggle(TelemetryReader q, IAntiforgery antiforgery, HttpContext context, string symbol, TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return DashboardApp.BadRequest("Anti-forgery token missing or invalid.", "GET /api/antiforgery and send its token in the X-CSRF-TOKEN header.");
        }
        if (!Symbol.TryParse(symbol, out var s) || !SymbolCatalog.Default.TryGet(s, out _))
        {
            return DashboardApp.NotFound("Unknown symbol.", $"'{symbol}' is not in the symbol catalog.");
        }
        var (enabled, problem) = await ReadToggle(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }
        try
        {
            using var store = TelemetryStore.OpenExisting(q.Target);
            store.SetToggle(s, enabled, time.GetUtcNow());
        }
        catch (DbException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The toggle could not be saved.",
                detail: $"The store did not take the write ({e.Message.TrimEnd('.')}); a read-only store cannot be toggled.");
        }
        return Results.Ok(new ToggleResponse(s.Value, enabled));
    }

    private static async Task<(bool Enabled, IResult? Problem)> ReadToggle(HttpContext context)
    {
        var (body, problem) = await ReadSmallJson(context, "{\"enabled\": true} or {\"enabled\": false}", BadToggle).ConfigureAwait(false);
        using (body)
        {
            if (problem is not null)
            {
                return (false, problem);
            }
            var properties = body!.RootElement.EnumerateObject().ToList();
            if (properties.Count != 1 || properties[0].Name != "enabled" || properties[0].Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (false, BadToggle("it must have exactly one field, \"enabled\", set to true or false"));
            }
            return (properties[0].Value.GetBoolean(), null);
        }
    }

    /// <summary>
    /// An operator's small JSON object body (a few hundred bytes at most): refused before it is read when it is not
    /// JSON (415) or too large (413), and with <paramref name="bad"/>'s 400 when it does not parse as an object.
    /// </summary>
    internal static async Task<(JsonDocument? Body, IResult? Problem)> ReadSmallJson(HttpContext context, string expected, Func<string, IResult> bad)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON.", detail: $"The body must be application/json: {expected}."));
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxToggleBody;
        }
        if (context.Request.ContentLength > MaxToggleBody)
        {
            return (null, TooLarge(MaxToggleBody));
        }
        try
        {
            var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                body.Dispose();
                return (null, bad("the body is not a JSON object"));
            }
            return (body, null);
        }
        catch (JsonException)
        {
            return (null, bad("the body is not valid JSON"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(MaxToggleBody));
        }
    }

    private static IResult BadToggle(string why) =>
        DashboardApp.BadRequest("Bad toggle.", $"Nothing was switched: {why}; send {{\"enabled\": true}} or {{\"enabled\": false}}.");

    internal static IResult TooLarge(long limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large.", detail: $"This endpoint takes at most {limit} bytes.");

    /// <summary>
    /// Server-sent events: one "update" whenever the store changes, so the page refetches only then. Clients do
    /// no database work of their own: they await the shared <see cref="ChangeFeed"/>.
    /// </summary>
    private static async Task Events(HttpContext context, ChangeFeed feed, IHostApplicationLifetime lifetime)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        try
        {
            await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            for (long seen = 0; ;)
            {
                var update = await feed.NextAsync(seen, ct).ConfigureAwait(false);
                seen = update.Number;
                await context.Response.WriteAsync($"event: update\ndata: {update.Data}\n\n", ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away, or the server is stopping.
        }
    }

    private static IResult WithRun(TelemetryReader q, string? run, Func<string, IResult> then)
    {
        var id = q.ResolveRun(run);
        return id is not null ? then(id)
            : run is null ? Results.Ok(new EmptyStoreResponse(null, true, "The store has no runs yet: start one with fillwise replay."))
            : DashboardApp.NotFound("Unknown run.", $"No run '{run}' in the store.");
    }

    /// <summary>A panel over all symbols (no <c>symbol</c>) or one.</summary>
    private static IResult WithOptionalSymbol(TelemetryReader q, string? run, string? symbol, Func<string, Symbol?, IResult> then) =>
        symbol is null ? WithRun(q, run, id => then(id, null)) : WithSymbol(q, run, symbol, (id, s) => then(id, s));

    private static IResult WithSymbol(TelemetryReader q, string? run, string symbol, Func<string, Symbol, IResult> then) =>
        !Symbol.TryParse(symbol, out var s)
            ? DashboardApp.BadRequest("Malformed symbol.", $"'{symbol}' is not a symbol (letters and digits, e.g. BTCUSDT).")
            : WithRun(q, run, id => then(id, s));
}
