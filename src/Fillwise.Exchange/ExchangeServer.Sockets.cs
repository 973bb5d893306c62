using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange;

/// <summary>The WebSocket endpoints: market streams (combined and raw, with SUBSCRIBE) and the user-data stream.</summary>
public sealed partial class ExchangeServer
{
    private async Task MarketSocket(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            ctx.Response.StatusCode = 400;
            return;
        }
        if (await RefusedConnection(ctx).ConfigureAwait(false))
        {
            return;
        }
        var names = ctx.Request.Query["streams"].ToString().Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await RunMarket(ctx, names, combined: ctx.Request.Path.StartsWithSegments("/stream")).ConfigureAwait(false);
    }

    private async Task NamedSocket(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            ctx.Response.StatusCode = 400;
            return;
        }
        if (await RefusedConnection(ctx).ConfigureAwait(false))
        {
            return;
        }
        var name = ctx.Request.RouteValues["name"]?.ToString() ?? string.Empty;
        var streams = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (streams.Length == 0 || streams.All(s => StreamKey.TryParse(s, out _)))
        {
            await RunMarket(ctx, streams, combined: false).ConfigureAwait(false);
            return;
        }
        await RunUser(ctx, name).ConfigureAwait(false);
    }

    /// <summary>Counts the connection attempt; over the cap, answers it as Binance answers a limit (429, -1003, Retry-After) instead of upgrading.</summary>
    private async Task<bool> RefusedConnection(HttpContext ctx)
    {
        var decision = Limiter.CheckConnection(ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (decision.Refusal is not { } refusal)
        {
            return false;
        }
        ctx.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Write(ctx, refusal).ConfigureAwait(false);
        return true;
    }

    private SocketClient NewClient() => new(Options.SocketQueueCapacity, Options.RateLimits.IncomingMessagesPerSecond, Clock.Wall);

    private void CountFlood(SocketClient client)
    {
        if (client.Flooded)
        {
            Interlocked.Increment(ref _floodDisconnects);
        }
    }

    private async Task RunMarket(HttpContext ctx, IReadOnlyList<string> names, bool combined)
    {
        if (names.Count > StreamHub.MaxStreamsPerConnection)
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(Json.Error(-1101, $"Too many streams: {names.Count}; at most {StreamHub.MaxStreamsPerConnection} per connection."), ctx.RequestAborted).ConfigureAwait(false);
            return;
        }
        var client = NewClient();
        Hub.Add(client);
        foreach (var name in names)
        {
            Hub.Subscribe(client, name, combined);
        }
        try
        {
            using var socket = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
            await client.RunAsync(socket, text => StreamControl.Handle(Hub, client, text, combined), linked.Token).ConfigureAwait(false);
        }
        finally
        {
            Hub.Remove(client);
            CountFlood(client);
        }
    }

    private async Task RunUser(HttpContext ctx, string listenKey)
    {
        var client = NewClient();
        if (!Users.Attach(listenKey, client))
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(Json.Error(-1125, "This listenKey does not exist."), ctx.RequestAborted).ConfigureAwait(false);
            return;
        }
        try
        {
            using var socket = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
            await client.RunAsync(socket, _ => null, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            Users.Detach(listenKey, client);
            CountFlood(client);
        }
    }
}
