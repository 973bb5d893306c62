using System.Text.Json;
using Fillwise.Core;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Dashboard;

/// <summary>
/// POST /api/session/kill and POST /api/session/signals: the running session's kill switch and its inbox for
/// parent orders, behind the token and the anti-forgery header like the toggles. A dashboard without a session
/// (plain <c>serve</c>, <c>replay --serve</c>) answers 404.
/// </summary>
internal static class SessionApi
{
    private const string Shape = "{\"symbol\": \"BTCUSDT\", \"side\": \"buy\" | \"sell\", \"notional\": 5000} (or \"quantity\" instead of \"notional\")";

    /// <summary>Whether this dashboard serves a running session (the page shows its kill switch only then).</summary>
    public static IResult Status(DashboardOptions options) => Results.Ok(new SessionStatusResponse(
        Active: options.Session is not null,
        Killed: options.Session?.Killed ?? false,
        Symbols: options.Session?.Inbox.Symbols.Select(s => s.Value).Order(StringComparer.Ordinal).ToArray() ?? [],
        Posted: options.Session?.Inbox.Accepted ?? 0));

    public static async Task<IResult> Kill(DashboardOptions options, IAntiforgery antiforgery, HttpContext context)
    {
        if (await Refused(options, antiforgery, context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        options.Session!.Kill();
        return Results.Ok(new KillResponse(true, "The session cancels every working order and ends."));
    }

    public static async Task<IResult> Post(DashboardOptions options, IAntiforgery antiforgery, HttpContext context)
    {
        if (await Refused(options, antiforgery, context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var session = options.Session!;
        var (body, problem) = await DashboardApi.ReadSmallJson(context, Shape, Bad).ConfigureAwait(false);
        using (body)
        {
            if (problem is not null)
            {
                return problem;
            }
            var root = body!.RootElement;
            if (root.EnumerateObject().Any(p => p.Name is not ("symbol" or "side" or "notional" or "quantity")))
            {
                return Bad("only symbol, side and one of notional or quantity are allowed");
            }
            if (!root.TryGetProperty("symbol", out var symbolText) || symbolText.ValueKind != JsonValueKind.String
                || !Symbol.TryParse(symbolText.GetString(), out var symbol) || !session.Inbox.Symbols.Contains(symbol))
            {
                return Bad($"\"symbol\" must be one of the session's symbols ({string.Join(", ", session.Inbox.Symbols)})");
            }
            if (!root.TryGetProperty("side", out var sideText) || sideText.GetString() is not ("buy" or "sell"))
            {
                return Bad("\"side\" must be \"buy\" or \"sell\"");
            }
            var notional = Positive(root, "notional");
            var quantity = Positive(root, "quantity");
            if (notional is null == quantity is null || notional == 0 || quantity == 0)
            {
                return Bad("give exactly one of \"notional\" and \"quantity\", a positive number");
            }
            if (session.Killed)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The session is ending.", detail: "The kill switch fired: no new parent order is taken.");
            }
            var side = sideText.GetString() == "buy" ? Side.Buy : Side.Sell;
            if (!session.Inbox.TryPost(symbol, side, quantity, notional))
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The inbox is full.", detail: "The session has not taken the signals already posted; nothing was queued, try again.");
            }
            return Results.Accepted(value: new SignalAcceptedResponse(symbol.Value, sideText.GetString(), notional, quantity, "Queued: the executor takes it at its next market update (risk, sizing and the policy decide)."));
        }
    }

    /// <summary>No session (404) or no anti-forgery token (400); null when the request may act.</summary>
    private static async Task<IResult?> Refused(DashboardOptions options, IAntiforgery antiforgery, HttpContext context) =>
        options.Session is null
            ? DashboardApp.NotFound("No session.", "This dashboard serves a store, not a running session (fillwise live --serve has one).")
            : !await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false)
                ? DashboardApp.BadRequest("Anti-forgery token missing or invalid.", "GET /api/antiforgery and send its token in the X-CSRF-TOKEN header.")
                : null;

    /// <summary>The property as a positive decimal; null when absent, 0 when present but not a positive number.</summary>
    private static decimal? Positive(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d > 0 && d < 1_000_000_000m ? d
        : 0m;

    private static IResult Bad(string why) => DashboardApp.BadRequest("Bad signal.", $"Nothing was queued: {why}; send {Shape}.");
}
