using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Dashboard;

/// <summary>
/// Request checks and response headers for every request, whatever the mode. The Host check is what stops DNS
/// rebinding: a page on attacker.example that resolves to 127.0.0.1 still sends <c>Host: attacker.example</c>,
/// so it never reads a response (nor the anti-forgery token) and never switches a toggle.
/// </summary>
internal sealed class DashboardSecurity
{
    /// <summary>
    /// Same-origin only; no inline script or style (the page has none); images are the server's own charts.
    /// frame-ancestors 'none' and X-Frame-Options DENY both forbid framing (old and new browsers).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private readonly HashSet<string> _names;
    private readonly bool _anyAddress;
    private readonly string? _token;
    private readonly LoginThrottle _throttle;

    public DashboardSecurity(DashboardOptions options, LoginThrottle throttle)
    {
        _token = options.Token;
        _throttle = throttle;
        // Loopback names are always fine: only this machine reaches them. Other names: the ones bound.
        _names = new HashSet<string>(["localhost", "127.0.0.1", "[::1]"], StringComparer.OrdinalIgnoreCase);
        foreach (var uri in options.BoundUris())
        {
            var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.Host.Trim('[', ']')}]" : uri.Host;
            if (host is "0.0.0.0" or "[::]")
            {
                _anyAddress = true;
            }
            else
            {
                _names.Add(host);
            }
        }
    }

    public Task Handle(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // Not "no-referrer": with it, browsers send "Origin: null" on form posts, and the Origin check could not tell ours.
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // Every response may carry operator data (or the anti-forgery token): nothing is stored by caches.
        headers.CacheControl = "no-store";

        if (!AllowedHost(context.Request.Host, context))
        {
            return Problem(context, StatusCodes.Status421MisdirectedRequest, "Unknown host.",
                "This server answers only to the host names it is bound to (see --urls); a foreign Host header is refused.");
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !AllowedOrigin(context))
        {
            return Problem(context, StatusCodes.Status403Forbidden, "Cross-origin request refused.",
                "State-changing requests must come from this dashboard's own origin.");
        }
        if (_token is not null && Given(context) is var given && !Same(given, _token))
        {
            // A wrong token is a guess: guesses are throttled per address like logins.
            if (given.Length > 0 && _throttle.Refuse(context) is { } refused)
            {
                return refused.ExecuteAsync(context);
            }
            var path = context.Request.Path.Value ?? "/";
            if (path is "/login" or "/app.css")
            {
                return next(context);
            }
            if (path == "/" && HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.Redirect("/login");
                return Task.CompletedTask;
            }
            return Problem(context, StatusCodes.Status401Unauthorized, "A token is required.",
                $"Send it in the {DashboardApp.TokenHeader} header, or log in at /login.");
        }
        return next(context);
    }

    /// <summary>A known name, or this connection's own IP address when bound to all addresses; the port must be the one the request came in on.</summary>
    private bool AllowedHost(HostString host, HttpContext context)
    {
        if (!host.HasValue || string.IsNullOrEmpty(host.Host))
        {
            return false;
        }
        if (host.Port is { } port && port != context.Connection.LocalPort)
        {
            return false;
        }
        if (host.Port is null && context.Connection.LocalPort != (context.Request.IsHttps ? 443 : 80))
        {
            return false;
        }
        var name = host.Host;
        if (_names.Contains(name))
        {
            return true;
        }
        // An IP literal equal to the address the connection arrived on cannot come from DNS rebinding.
        return _anyAddress && IPAddress.TryParse(name.Trim('[', ']'), out var ip) && context.Connection.LocalIpAddress is { } local
            && (ip.Equals(local) || (local.IsIPv4MappedToIPv6 && ip.Equals(local.MapToIPv4())));
    }

    /// <summary>Browsers send Origin (and Sec-Fetch-Site) on state-changing requests; a foreign one is refused. Non-browser clients send neither.</summary>
    private bool AllowedOrigin(HttpContext context)
    {
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme != context.Request.Scheme)
        {
            return false;
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.Host.Trim('[', ']')}]" : uri.Host;
        return AllowedHost(new HostString(uri.IsDefaultPort ? host : $"{host}:{uri.Port}"), context)
            && string.Equals(host, context.Request.Host.Host, StringComparison.OrdinalIgnoreCase);
    }

    private static string Given(HttpContext context)
    {
        var given = context.Request.Headers[DashboardApp.TokenHeader].ToString();
        return given.Length > 0 ? given : context.Request.Cookies[DashboardApp.TokenCookie] ?? string.Empty;
    }

    /// <summary>Constant-time comparison of hashes, so neither content nor length leaks through timing.</summary>
    public static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static Task Problem(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
}
