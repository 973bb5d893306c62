using System.Net;

namespace Fillwise.Dashboard;

/// <summary>How the dashboard is served. Validated once: binding beyond loopback needs a token.</summary>
public sealed record DashboardOptions
{
    public required string DatabasePath { get; init; }
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>When set, every request needs it (header X-Fillwise-Token or the cookie the login form sets).</summary>
    public string? Token { get; init; }
    /// <summary>How often the live feed looks for new telemetry.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromMilliseconds(250);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("--db: a telemetry store path is required.");
        }
        if (Token is { Length: < 16 })
        {
            throw new ArgumentException("--token: use at least 16 characters.");
        }
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"--urls: '{url}' is not an http(s) URL.");
            }
            if (!IsLoopback(uri.Host) && Token is null)
            {
                throw new ArgumentException($"--urls: refusing to bind to {uri.Host} without --token (only 127.0.0.1, ::1 and localhost are served without one).");
            }
        }
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
