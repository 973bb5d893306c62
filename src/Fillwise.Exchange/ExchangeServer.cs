using System.Globalization;
using System.Net;
using System.Text.Json;
using Fillwise.Core;
using Fillwise.MarketData;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fillwise.Exchange;

/// <summary>What the exchange is doing (GET /admin/status, the CLI's end-of-run line).</summary>
/// <param name="ConnectionsRefused">WebSocket upgrades refused (429) for too many connection attempts from one IP.</param>
/// <param name="FloodDisconnects">WebSockets closed for sending more messages per second than allowed.</param>
public sealed record ExchangeStatus(long ReplayTimeMs, long EventsConsumed, long MessagesPublished, bool RecordingEnded, int MarketConnections, int ListenKeys, long ConnectionsRefused, long FloodDisconnects);

/// <summary>
/// <c>fillwise exchange</c>: a Binance USDⓈ-M compatible paper exchange on loopback (Kestrel), backed by the replay
/// venue's queue-aware matching on recorded market data. REST (<see cref="RestRoutes"/>), combined and raw market
/// streams (<c>/stream?streams=…</c>, <c>/ws/&lt;stream&gt;</c>), the user-data stream (<c>/ws/&lt;listenKey&gt;</c>),
/// and fault injection for client tests (<c>/admin/faults</c>, loopback only).
/// </summary>
public sealed partial class ExchangeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IReadOnlyList<Symbol> _symbols;
    private long _floodDisconnects;
    private Task? _engineLoop;
    private ITimer? _expiry;

    private ExchangeServer(ExchangeOptions options, IReadOnlyList<IMarketEventSource> sources, IReadOnlyCollection<Symbol> symbols, SymbolCatalog catalog, TimeProvider time)
    {
        Options = options;
        Catalog = catalog;
        _symbols = [.. symbols.OrderBy(s => s.Value, StringComparer.Ordinal)];
        Clock = new ExchangeClock(time);
        Hub = new StreamHub(_symbols.Select(s => s.Value));
        Users = new UserStreams(Clock, options.ListenKeyLifetime, options.ApiKey);
        Faults = new FaultState();
        Limiter = new RateLimiter(options.RateLimits, Clock);
        Engine = new ExchangeEngine(sources, catalog, options, Clock, Hub, Users);
        _app = BuildApp();
    }

    internal ExchangeOptions Options { get; }
    internal SymbolCatalog Catalog { get; }
    internal ExchangeClock Clock { get; }
    internal StreamHub Hub { get; }
    internal UserStreams Users { get; }
    internal FaultState Faults { get; }
    internal RateLimiter Limiter { get; }
    internal ExchangeEngine Engine { get; }

    /// <summary>Completes when the recording is exhausted (market streams stop; the server stays up).</summary>
    public Task RecordingEnded => Engine.RecordingEnded;

    /// <summary>
    /// Validates the options and builds the server over the tick sources of the recording (the server owns and
    /// disposes them); <paramref name="symbols"/> are the symbols exchangeInfo lists (all in <paramref name="catalog"/>).
    /// </summary>
    public static ExchangeServer Build(ExchangeOptions options, IReadOnlyList<IMarketEventSource> sources, IReadOnlyCollection<Symbol> symbols, SymbolCatalog catalog, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(catalog);
        options.Validate();
        foreach (var symbol in symbols)
        {
            if (!catalog.TryGet(symbol, out _))
            {
                throw new OptionsException($"{symbol.Value} is not in the symbol catalog; add it with a symbols file.");
            }
        }
        return new ExchangeServer(options, sources, symbols, catalog, time ?? TimeProvider.System);
    }

    /// <summary>Starts listening and the paced replay; returns the base address actually bound (port 0 picks one).</summary>
    public async Task<string> StartAsync(CancellationToken ct = default)
    {
        await _app.StartAsync(ct).ConfigureAwait(false);
        _engineLoop = Task.Run(() => Engine.RunAsync(_stopping.Token), CancellationToken.None);
        _expiry = Clock.Wall.CreateTimer(_ => Users.Expire(all: false), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().TrimEnd('/');
    }

    /// <summary>The paced replay loop: faults when the engine breaks (the CLI reports it), completes on shutdown.</summary>
    public Task EngineStopped => _engineLoop ?? Task.CompletedTask;

    /// <summary>Wall time the whole recording took to replay, once it has ended.</summary>
    public TimeSpan ReplayedIn => Engine.ReplayedIn;

    public ExchangeStatus Status() => new(
        Engine.ReplayNowNs / 1_000_000, Engine.EventsConsumed, Engine.MessagesPublished, Engine.RecordingEnded.IsCompleted, Hub.Connections, Users.ActiveKeys,
        Limiter.ConnectionsRefused, Interlocked.Read(ref _floodDisconnects));

    /// <summary>Stops cleanly: sockets are closed, the engine stops between two steps, the recording is released.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Hub.CloseAll();
        Users.DropAll();
        if (_expiry is not null)
        {
            await _expiry.DisposeAsync().ConfigureAwait(false);
        }
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), Clock.Wall))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        if (_engineLoop is not null)
        {
            // A faulted engine was already reported through EngineStopped; shutting down goes on.
            await _engineLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        Engine.Dispose();
        _stopping.Dispose();
    }

    private WebApplication BuildApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(RefuseForeignHost);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromMinutes(3) });
        app.Map("/stream", MarketSocket);
        app.Map("/ws/{**name}", NamedSocket);
        app.Map("/ws", MarketSocket);
        app.MapPost("/admin/faults", (Func<HttpContext, Task<IResult>>)Fault);
        app.MapGet("/admin/status", (HttpContext ctx) => Loopback(ctx) ? Results.Json(Status(), ExchangeJson.Default.ExchangeStatus) : Results.StatusCode(403));
        app.MapFallback(Rest);
        return app;
    }

    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// On loopback, only loopback host names: a web page whose name an attacker re-points at 127.0.0.1 (DNS
    /// rebinding) still sends its own Host, so it cannot trade with the documented key or inject faults.
    /// </summary>
    private Task RefuseForeignHost(HttpContext ctx, RequestDelegate next)
    {
        var host = ctx.Request.Host;
        if (Options.AllowNonLoopback || !host.HasValue || ExchangeOptions.IsLoopback(host.Host))
        {
            return next(ctx);
        }
        return Write(ctx, Reply.Error(421, -1002, $"Unknown host '{host.Host}': the paper exchange on loopback answers only to localhost, 127.0.0.1 and [::1]."));
    }

    private static bool Loopback(HttpContext ctx) => ctx.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);

    private async Task Rest(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        if (Faults.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Faults.LatencyMs), Clock.Wall, ct).ConfigureAwait(false);
        }
        var body = string.Empty;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(ctx.Request.Body);
            try
            {
                body = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                // Kestrel's own refusals (a body over the limit, one sent too slowly) in Binance's error shape.
                await Write(ctx, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? Reply.Error(413, -1101, $"Request body too large: at most {MaxBodyBytes} bytes.")
                    : Reply.Error(e.StatusCode, -1000, $"Bad request: {e.Message}")).ConfigureAwait(false);
                return;
            }
        }
        var request = new RestRequest(ctx.Request.QueryString.Value ?? string.Empty, body);
        if (!RestRoutes.All.TryGetValue((ctx.Request.Method, ctx.Request.Path.Value ?? string.Empty), out var route))
        {
            await Write(ctx, Reply.Error(404, -5000, $"Path {ctx.Request.Path}, Method {ctx.Request.Method} is invalid")).ConfigureAwait(false);
            return;
        }
        if (Faults.TakeForced429())
        {
            ctx.Response.Headers.RetryAfter = "1";
            await Write(ctx, Reply.Error(429, -1003, "Too many requests; current limit is exceeded (injected fault). Please use the websocket for live updates to avoid polling the API.")).ConfigureAwait(false);
            return;
        }
        var ip = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var decision = Limiter.Check(ip, route.Weight(request), route.IsOrder);
        ctx.Response.Headers["X-MBX-USED-WEIGHT-1M"] = decision.UsedWeight.ToString(CultureInfo.InvariantCulture);
        if (route.IsOrder)
        {
            ctx.Response.Headers["X-MBX-ORDER-COUNT-1M"] = decision.Orders1M.ToString(CultureInfo.InvariantCulture);
            ctx.Response.Headers["X-MBX-ORDER-COUNT-10S"] = decision.Orders10S.ToString(CultureInfo.InvariantCulture);
        }
        if (decision.Refusal is { } refusal)
        {
            ctx.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await Write(ctx, refusal).ConfigureAwait(false);
            return;
        }
        var reply = Authenticate(ctx, route.Security, request) ?? await Handle(route, request, ct).ConfigureAwait(false);
        if (route.Path == "/fapi/v1/order" && route.Method is "POST" or "DELETE" && reply.Status == 200 && Faults.TakeUnknownOutcome())
        {
            // Executed, but the client is not told: the backend-timeout case of Binance's API.
            reply = Reply.Error(503, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.");
        }
        await Write(ctx, reply).ConfigureAwait(false);
    }

    private async Task<Reply> Handle(Route route, RestRequest request, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
        try
        {
            return await route.Handle(request, this, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return Reply.Error(503, -1001, "Internal error; unable to process your request. Please try again.");
        }
        catch (System.Threading.Channels.ChannelClosedException e)
        {
            return Reply.Error(503, -1001, $"Internal error: the paper exchange's engine stopped ({e.InnerException?.Message ?? e.Message}).");
        }
    }

    /// <summary>API key, then (SIGNED) signature, then timestamp against the exchange clock and recvWindow.</summary>
    private Reply? Authenticate(HttpContext ctx, Security security, RestRequest request)
    {
        if (security == Security.None)
        {
            return null;
        }
        var key = ctx.Request.Headers["X-MBX-APIKEY"].ToString();
        if (key.Length == 0)
        {
            return Reply.Error(401, -2014, "API-key format invalid.");
        }
        if (!string.Equals(key, Options.ApiKey, StringComparison.Ordinal))
        {
            return Reply.Error(401, -2015, $"Invalid API-key, IP, or permissions for action, request ip: {ctx.Connection.RemoteIpAddress}");
        }
        if (security != Security.Signed)
        {
            return null;
        }
        var signature = request.Required("signature");
        var timestamp = request.Long("timestamp", required: true);
        var window = request.Long("recvWindow") ?? 5000;
        if (request.Error is { } error)
        {
            return error;
        }
        if (window > 60_000)
        {
            return Reply.Error(400, -1131, "recvWindow must be less than 60000");
        }
        if (!BinanceSigning.Verify(Options.ApiSecret, request.TotalParams, signature!))
        {
            return Reply.Error(400, -1022, "Signature for this request is not valid.");
        }
        var now = Clock.NowMs;
        if (timestamp >= now + 1000)
        {
            return Reply.Error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
        }
        return now - timestamp > window ? Reply.Error(400, -1021, "Timestamp for this request is outside of the recvWindow.") : null;
    }

    private static async Task Write(HttpContext ctx, Reply reply)
    {
        ctx.Response.StatusCode = reply.Status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = reply.Body.Length;
        await ctx.Response.Body.WriteAsync(reply.Body, ctx.RequestAborted).ConfigureAwait(false);
    }

    private async Task<IResult> Fault(HttpContext ctx)
    {
        if (!Loopback(ctx))
        {
            return Results.StatusCode(403);
        }
        FaultRequest? fault;
        try
        {
            fault = await ctx.Request.ReadFromJsonAsync(ExchangeJson.Default.FaultRequest, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return FaultError($"the fault request is not valid JSON ({e.Message})");
        }
        if (fault is null)
        {
            return FaultError("send a JSON object such as {\"dropConnections\":true}");
        }
        var dropped = 0;
        var expired = 0;
        if (fault.DropConnections || fault.DropMarketStreams)
        {
            dropped += Hub.DropAll();
        }
        if (fault.DropConnections || fault.DropUserStreams)
        {
            dropped += Users.DropAll();
        }
        if (fault.UnknownOutcome is { } unknown)
        {
            Faults.SetUnknownOutcome(unknown);
        }
        if (fault.ExpireListenKeys)
        {
            expired = Users.Expire(all: true);
        }
        if (fault.Force429 is { } n)
        {
            Faults.SetForce429(n);
        }
        if (fault.ClockSkewMs is { } skew)
        {
            Clock.SkewMs = skew;
        }
        if (fault.LatencyMs is { } latency)
        {
            Faults.LatencyMs = latency;
        }
        return Results.Json(new FaultResult(dropped, expired, Faults.Force429Remaining, Faults.UnknownOutcomeRemaining, Clock.SkewMs, Faults.LatencyMs), ExchangeJson.Default.FaultResult);
    }

    private static IResult FaultError(string error) => Results.Json(new FaultError(error), ExchangeJson.Default.FaultError, statusCode: StatusCodes.Status400BadRequest);

    internal byte[] ExchangeInfo() => ExchangeInfoJson.Write(Clock.NowMs, Options.RateLimits, _symbols.Select(Catalog.Get));
}
