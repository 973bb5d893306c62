using System.Net;

namespace Fillwise.Dashboard;

/// <summary>
/// How the dashboard is served. Validated once, before anything listens: beyond loopback it needs a token, a
/// token must be strong, and a token is never sent over plain http beyond loopback unless explicitly allowed.
/// </summary>
public sealed record DashboardOptions
{
    public required string DatabasePath { get; init; }
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>When set, every request needs it (header X-Fillwise-Token or the cookie the login form sets).</summary>
    public string? Token { get; init; }
    /// <summary>A PKCS#12 certificate for https:// URLs; without one a self-signed certificate is made at start.</summary>
    public string? CertificatePath { get; init; }
    public string? CertificatePassword { get; init; }
    /// <summary>Serve a token over plain http on a non-loopback address (only behind a TLS-terminating proxy).</summary>
    public bool AllowHttp { get; init; }
    /// <summary>How often the one shared change poller looks for new telemetry.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Login attempts allowed per client IP address per <see cref="LoginWindow"/>.</summary>
    public int LoginAttempts { get; init; } = 5;
    public TimeSpan LoginWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>The running session's controls (kill switch, posted signals), when the dashboard serves one (<c>live --serve</c>).</summary>
    public SessionControl? Session { get; init; }

    public const int MinTokenLength = 16;
    public const int MinDistinctTokenCharacters = 8;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("--db: a telemetry store path is required.");
        }
        if (Token is { } token && !IsStrong(token))
        {
            throw new ArgumentException($"--token: use at least {MinTokenLength} characters with at least {MinDistinctTokenCharacters} different ones, not a run like abcd… or a repeated pattern (e.g. the output of `openssl rand -hex 16`).");
        }
        if (CertificatePath is { } cert && !File.Exists(cert))
        {
            throw new ArgumentException($"--cert: {cert} does not exist.");
        }
        foreach (var uri in BoundUris())
        {
            if (!IsLoopback(uri.Host) && Token is null)
            {
                throw new ArgumentException($"--urls: refusing to bind to {uri.Host} without --token (only 127.0.0.1, ::1 and localhost are served without one).");
            }
            if (!IsLoopback(uri.Host) && uri.Scheme == "http" && Token is not null && !AllowHttp)
            {
                throw new ArgumentException($"--urls: refusing to send the token in clear over http://{uri.Authority}; use https:// (with --cert, or a self-signed certificate made at start) or pass --allow-http behind a TLS proxy.");
            }
        }
    }

    /// <summary>The URLs to listen on, parsed; Kestrel's wildcards (*, +) are kept as hosts.</summary>
    public IReadOnlyList<Uri> BoundUris()
    {
        var uris = new List<Uri>();
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Uri cannot parse Kestrel's "http://*:5080" or "http://+:5080"; any other host name stands for the same.
            var parsable = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                throw new ArgumentException($"--urls: '{url}' is not an http(s) URL like http://127.0.0.1:5080.");
            }
            uris.Add(uri);
        }
        if (uris.Count == 0)
        {
            throw new ArgumentException("--urls: give at least one URL.");
        }
        return uris;
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Long enough, varied, and neither a run (abcd…, 1234…) nor a repetition of a shorter pattern.</summary>
    public static bool IsStrong(string token)
    {
        if (token.Length < MinTokenLength || token.Distinct().Count() < MinDistinctTokenCharacters)
        {
            return false;
        }
        var steps = Enumerable.Range(1, token.Length - 1).Select(i => token[i] - token[i - 1]).ToList();
        if (steps.All(d => d == steps[0]))
        {
            return false;
        }
        for (var period = 1; period <= token.Length / 2; period++)
        {
            if (token.Length % period == 0 && string.Concat(Enumerable.Repeat(token[..period], token.Length / period)) == token)
            {
                return false;
            }
        }
        return true;
    }
}
