using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using Fillwise.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Fillwise.Dashboard;

/// <summary>
/// The operator dashboard: ASP.NET Core minimal APIs over a telemetry store opened read-only, a static page,
/// server-rendered charts and a server-sent-events feed. Problems are RFC 7807 JSON, never a stack trace.
/// </summary>
public static class DashboardApp
{
    public const string TokenHeader = "X-Fillwise-Token";
    public const string TokenCookie = "fillwise_token";

    /// <summary>No request needs more: the login form and a toggle are a few hundred bytes.</summary>
    public const long MaxRequestBody = 16 * 1024;

    /// <summary>
    /// Validates the options and the store (a <see cref="StoreException"/> says what is wrong with it), then
    /// builds the app. Nothing is written to the store here or by any GET.
    /// </summary>
    public static WebApplication Build(DashboardOptions options, TimeProvider? time = null)
    {
        options.Validate();
        time ??= TimeProvider.System;
        var reader = TelemetryReader.Open(options.DatabasePath);
        var tls = DashboardTls.For(options, time);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        // The slim builder leaves HTTPS out; it is needed for --urls https://….
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBody;
            if (tls is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = tls.Certificate);
            }
        });
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // A damaged or replaced store is the operator's business: say what is wrong, not "internal error".
            if (c.Exception is StoreException e)
            {
                c.ProblemDetails.Title = "The store cannot be read.";
                c.ProblemDetails.Detail = e.Message;
            }
        });
        builder.Services.AddAntiforgery(o => o.HeaderName = "X-CSRF-TOKEN");
        builder.Services.Configure<FormOptions>(o =>
        {
            o.ValueCountLimit = 16;
            o.KeyLengthLimit = 64;
            o.ValueLengthLimit = 1024;
            o.MultipartBodyLengthLimit = MaxRequestBody;
        });
        builder.Services.AddSingleton(reader);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(new LoginThrottle(options));
        if (tls is not null)
        {
            builder.Services.AddSingleton(tls);
        }
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddHostedService(s => s.GetRequiredService<ChangeFeed>());
        // The executor's meter (decisions, parent orders, fills, cost) in Prometheus format on /metrics, behind the
        // same token and host rules as the API; a serve-only process has no executor, so its series stay empty.
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(Fillwise.Execution.ExecutionMetrics.MeterName).AddPrometheusExporter());
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            // Generated contracts first: a native build has no reflection serializer to fall back on.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Fillwise.Telemetry.ReadModelJson.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, DashboardJson.Default);
        });
        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is StoreException ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        var security = new DashboardSecurity(options, app.Services.GetRequiredService<LoginThrottle>());
        app.Use(security.Handle);
        app.UseAntiforgery();
        MapPages(app, options);
        DashboardApi.Map(app);
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    /// <summary>Starts the app and returns the base address it actually bound (port 0 picks a free port).</summary>
    public static async Task<string> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().TrimEnd('/');
    }

    /// <summary>How https is served (certificate file or self-signed), or null when no URL is https.</summary>
    public static string? TlsDescription(WebApplication app) => app.Services.GetService<DashboardTls>()?.Description;

    /// <summary>The read model the app queries (tests count its statements).</summary>
    public static TelemetryReader Reader(WebApplication app) => app.Services.GetRequiredService<TelemetryReader>();

    private static void MapPages(WebApplication app, DashboardOptions options)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8"));
        app.MapGet("/login", () => Asset("login.html", "text/html; charset=utf-8"));
        app.MapPost("/login", (HttpContext context, LoginThrottle throttle) => Login(context, throttle, options)).DisableAntiforgery();
    }

    /// <summary>
    /// The login form: throttled per client address before the token is even looked at, and only a small
    /// url-encoded or multipart form is read (JSON, an empty body or an oversized form are 415/400/413, never 500).
    /// </summary>
    private static async Task<IResult> Login(HttpContext context, LoginThrottle throttle, DashboardOptions options)
    {
        if (throttle.Refuse(context) is { } refused)
        {
            return refused;
        }
        if (!context.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send a form.",
                detail: "Log in with the form at /login (application/x-www-form-urlencoded, field 'token').");
        }
        if (context.Request.ContentLength > MaxRequestBody)
        {
            return DashboardApi.TooLarge(MaxRequestBody);
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode == StatusCodes.Status413PayloadTooLarge ? DashboardApi.TooLarge(MaxRequestBody)
                : BadRequest("Malformed form.", "The body is not a readable form.");
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return DashboardApi.TooLarge(MaxRequestBody);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return BadRequest("Malformed form.", "The body is not a readable form.");
        }
        var given = form["token"].ToString();
        if (options.Token is null || !DashboardSecurity.Same(given, options.Token))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong token.");
        }
        context.Response.Cookies.Append(TokenCookie, given, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/" });
        return Results.Redirect("/");
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(DashboardApp).Assembly.GetManifestResourceStream("wwwroot/" + name)
            ?? throw new InvalidOperationException($"missing embedded asset {name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Results.Text(reader.ReadToEnd(), contentType);
    }

    internal static IResult NotFound(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    internal static IResult BadRequest(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}

/// <summary>
/// Limits token guesses per client IP address (fixed window, System.Threading.RateLimiting): every POST /login
/// and every request carrying a wrong token in the header or cookie takes a permit; without one it is 429 with
/// Retry-After.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginThrottle(DashboardOptions options) =>
        _limiter = PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.LoginAttempts,
            Window = options.LoginWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null when this attempt may go on; else the 429 to send.</summary>
    public IResult? Refuse(HttpContext context)
    {
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        using var lease = _limiter.AttemptAcquire(client.ToString());
        if (lease.IsAcquired)
        {
            return null;
        }
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
        context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts.",
            detail: $"Too many token attempts from this address; try again in {retry} s.");
    }

    public void Dispose() => _limiter.Dispose();
}
