using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Fillwise.Core;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fillwise.Dashboard;

/// <summary>
/// The operator dashboard: ASP.NET Core minimal APIs over a telemetry store, a static page, server-rendered
/// charts and a server-sent-events feed. Problems are RFC 7807 JSON, never a stack trace.
/// </summary>
public static class DashboardApp
{
    public const string TokenHeader = "X-Fillwise-Token";
    public const string TokenCookie = "fillwise_token";

    public static WebApplication Build(DashboardOptions options)
    {
        options.Validate();
        if (!File.Exists(options.DatabasePath))
        {
            throw new ArgumentException($"--db: {options.DatabasePath} does not exist (create it with fillwise replay or fillwise demo).");
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddAntiforgery(o => o.HeaderName = "X-CSRF-TOKEN");
        builder.Services.AddSingleton(new DashboardQueries(options.DatabasePath));
        builder.Services.AddSingleton(options);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.Token is { } token)
        {
            app.Use((context, next) => RequireToken(context, next, token));
        }
        app.UseAntiforgery();
        MapPages(app, options);
        DashboardApi.Map(app);
        return app;
    }

    /// <summary>Starts the app and returns the base address it actually bound (port 0 picks a free port).</summary>
    public static async Task<string> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().TrimEnd('/');
    }

    private static void MapPages(WebApplication app, DashboardOptions options)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8"));
        app.MapGet("/login", () => Asset("login.html", "text/html; charset=utf-8"));
        app.MapPost("/login", (HttpContext context) =>
        {
            var given = context.Request.Form["token"].ToString();
            if (options.Token is null || !Same(given, options.Token))
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong token.");
            }
            context.Response.Cookies.Append(TokenCookie, given, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
            return Results.Redirect("/");
        }).DisableAntiforgery();
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(DashboardApp).Assembly.GetManifestResourceStream("wwwroot/" + name)
            ?? throw new InvalidOperationException($"missing embedded asset {name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Results.Text(reader.ReadToEnd(), contentType);
    }

    private static Task RequireToken(HttpContext context, RequestDelegate next, string token)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/login" or "/app.css")
        {
            return next(context);
        }
        var given = context.Request.Headers[TokenHeader].ToString();
        if (given.Length == 0)
        {
            given = context.Request.Cookies[TokenCookie] ?? string.Empty;
        }
        if (Same(given, token))
        {
            return next(context);
        }
        if (path == "/" && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Redirect("/login");
            return Task.CompletedTask;
        }
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A token is required.",
            detail: $"Send it in the {TokenHeader} header, or log in at /login.").ExecuteAsync(context);
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    internal static IResult NotFound(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    internal static IResult BadRequest(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    internal static bool TryParseSymbol(string text, out Symbol symbol) => Symbol.TryParse(text, out symbol);

    internal static Assembly Assembly => typeof(DashboardApp).Assembly;
}
