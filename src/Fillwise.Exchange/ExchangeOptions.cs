using System.Net;
using Fillwise.Core;

namespace Fillwise.Exchange;

/// <summary>Binance's request limits as the paper exchange enforces them (defaults: USDⓈ-M's published values).</summary>
public sealed record RateLimitOptions
{
    /// <summary>REQUEST_WEIGHT per minute per IP.</summary>
    public int WeightPerMinute { get; init; } = 2400;

    /// <summary>ORDERS per minute per account.</summary>
    public int OrdersPerMinute { get; init; } = 1200;

    /// <summary>ORDERS per 10 seconds per account.</summary>
    public int OrdersPer10Seconds { get; init; } = 300;

    /// <summary>Requests an IP may still send after a 429 before it is banned (418), as Binance does to clients that do not back off.</summary>
    public int RequestsAfter429BeforeBan { get; init; } = 5;

    /// <summary>How long a ban (418) lasts; Binance starts at 2 minutes.</summary>
    public TimeSpan BanDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>WebSocket connection attempts per IP in any 5 minutes (Binance: 300); more are refused with 429 before the upgrade.</summary>
    public int ConnectionsPer5Minutes { get; init; } = 300;

    /// <summary>Messages a client may send per second on one WebSocket (Binance: 10); a connection that sends more is closed.</summary>
    public int IncomingMessagesPerSecond { get; init; } = 10;

    internal void Validate()
    {
        OptionChecks.AtLeast(WeightPerMinute, 1, "RateLimits.WeightPerMinute");
        OptionChecks.AtLeast(OrdersPerMinute, 1, "RateLimits.OrdersPerMinute");
        OptionChecks.AtLeast(OrdersPer10Seconds, 1, "RateLimits.OrdersPer10Seconds");
        OptionChecks.AtLeast(RequestsAfter429BeforeBan, 0, "RateLimits.RequestsAfter429BeforeBan");
        OptionChecks.Positive(BanDuration.TotalSeconds, "RateLimits.BanDuration");
        OptionChecks.AtLeast(ConnectionsPer5Minutes, 1, "RateLimits.ConnectionsPer5Minutes");
        OptionChecks.AtLeast(IncomingMessagesPerSecond, 1, "RateLimits.IncomingMessagesPerSecond");
    }
}

/// <summary>The paper exchange (<c>fillwise exchange</c>). Defaults in code; <see cref="Validate"/> once when it is built.</summary>
public sealed record ExchangeOptions
{
    /// <summary>The documented test credentials (README, "Paper exchange"): not secrets, a paper exchange on loopback.</summary>
    public const string DefaultApiKey = "fillwise-paper-key";
    public const string DefaultApiSecret = "fillwise-paper-secret";

    public string Urls { get; init; } = "http://127.0.0.1:5090";

    /// <summary>Bind beyond loopback (the exchange has no TLS and one shared account): only with this set.</summary>
    public bool AllowNonLoopback { get; init; }

    public string ApiKey { get; init; } = DefaultApiKey;
    public string ApiSecret { get; init; } = DefaultApiSecret;

    /// <summary>Replay seconds per wall second (1 = real time); <see cref="double.PositiveInfinity"/> = as fast as the machine goes.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>A listenKey expires this long after its creation or last keep-alive (Binance: 60 minutes).</summary>
    public TimeSpan ListenKeyLifetime { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Starting USDT wallet balance of the one paper account.</summary>
    public decimal StartingBalance { get; init; } = 100_000m;

    public RateLimitOptions RateLimits { get; init; } = new();

    /// <summary>Client commands (orders, cancels, queries) waiting for the engine; HTTP requests wait when it is full.</summary>
    public int CommandQueueCapacity { get; init; } = 1024;

    /// <summary>Messages buffered per WebSocket; a client that falls further behind is disconnected (as Binance drops slow consumers).</summary>
    public int SocketQueueCapacity { get; init; } = 50_000;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(RateLimits);
        if (string.IsNullOrWhiteSpace(ApiKey) || string.IsNullOrWhiteSpace(ApiSecret))
        {
            throw new OptionsException("the exchange needs a non-empty API key and secret.");
        }
        if (!(Speed > 0) || double.IsNaN(Speed) || (Speed < 0.001 && !double.IsPositiveInfinity(Speed)) || (Speed > 1e6 && !double.IsPositiveInfinity(Speed)))
        {
            throw new OptionsException($"Speed must be between 0.001 and 1e6 replay seconds per wall second, or max (got {Speed}).");
        }
        OptionChecks.Positive(ListenKeyLifetime.TotalMilliseconds, "ListenKeyLifetime");
        OptionChecks.Positive(StartingBalance, "StartingBalance");
        OptionChecks.AtLeast(CommandQueueCapacity, 1, "CommandQueueCapacity");
        OptionChecks.AtLeast(SocketQueueCapacity, 16, "SocketQueueCapacity");
        RateLimits.Validate();
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http")
            {
                throw new OptionsException($"--urls: '{url}' is not an http:// URL (the paper exchange serves plain http on loopback).");
            }
            if (!AllowNonLoopback && !IsLoopback(uri.Host))
            {
                throw new OptionsException($"--urls: '{url}' is not a loopback address; the paper exchange binds 127.0.0.1 / ::1 / localhost unless --allow-non-loopback is given.");
            }
        }
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
