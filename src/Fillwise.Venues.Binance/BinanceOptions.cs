using Fillwise.Core;

namespace Fillwise.Venues.Binance;

/// <summary>Where a Binance-compatible USDⓈ-M server is: REST base and WebSocket base (market streams and user streams).</summary>
public sealed record BinanceEndpoints(Uri Rest, Uri WebSocket)
{
    public static BinanceEndpoints Production { get; } = new(new Uri("https://fapi.binance.com"), new Uri("wss://fstream.binance.com"));

    public static BinanceEndpoints Testnet { get; } = new(new Uri("https://testnet.binancefuture.com"), new Uri("wss://stream.binancefuture.com"));

    /// <summary>
    /// "binance", "binance-testnet" or the http(s) URL of a Binance-compatible server (the paper exchange), whose
    /// WebSockets are on the same host (ws/wss). Null when the text is none of these.
    /// </summary>
    public static BinanceEndpoints? Parse(string text)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "binance":
                return Production;
            case "binance-testnet":
                return Testnet;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }
        var ws = new UriBuilder(uri) { Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "/" }.Uri;
        return new BinanceEndpoints(new UriBuilder(uri) { Path = "/" }.Uri, ws);
    }
}

/// <summary>The live venue's options; defaults in code, validated once.</summary>
public sealed record BinanceVenueOptions
{
    /// <summary>Send orders. False (the default) is a dry run: decisions are made and stored, no order or cancel leaves the process.</summary>
    public bool Trade { get; init; }

    /// <summary>Every newClientOrderId starts with this; reconciliation only touches orders that carry it.</summary>
    public string ClientIdPrefix { get; init; } = "fw-";

    /// <summary>Binance's recvWindow on signed requests.</summary>
    public TimeSpan RecvWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one REST call may take before its outcome is "unknown".</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>listenKey keep-alive period (Binance expires a key 60 min after the last one).</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Reconnect the market stream before Binance drops it at 24 h.</summary>
    public TimeSpan StreamRotation { get; init; } = TimeSpan.FromHours(23);

    /// <summary>Wait before reconnecting a dropped WebSocket (doubles up to 16x on repeated failures).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Diff-depth stream speed suffix: "@0ms", "@100ms", "@250ms" or "@500ms".</summary>
    public string DepthSpeed { get; init; } = "@100ms";

    /// <summary>Depth snapshot size (GET /fapi/v1/depth limit).</summary>
    public int SnapshotLimit { get; init; } = 1000;

    /// <summary>Bound of the engine's event queue; producers wait when it is full (back-pressure, nothing dropped).</summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary>How long the kill switch waits for cancel acknowledgements before it exits anyway.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (string.IsNullOrEmpty(ClientIdPrefix) || ClientIdPrefix.Length > 8 || !ClientIdPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new OptionsException($"ClientIdPrefix must be 1-8 characters of [A-Za-z0-9._-] (got '{ClientIdPrefix}').");
        }
        OptionChecks.Within(RecvWindow.TotalMilliseconds, 1, 60_000, "RecvWindow (ms)");
        OptionChecks.Positive(RequestTimeout.TotalMilliseconds, "RequestTimeout");
        OptionChecks.Positive(KeepAlive.TotalMilliseconds, "KeepAlive");
        OptionChecks.Positive(StreamRotation.TotalMilliseconds, "StreamRotation");
        OptionChecks.Positive(ReconnectDelay.TotalMilliseconds, "ReconnectDelay");
        OptionChecks.Positive(KillGrace.TotalMilliseconds, "KillGrace");
        if (DepthSpeed is not ("@0ms" or "@100ms" or "@250ms" or "@500ms"))
        {
            throw new OptionsException($"DepthSpeed must be @0ms, @100ms, @250ms or @500ms (got '{DepthSpeed}').");
        }
        if (SnapshotLimit is not (5 or 10 or 20 or 50 or 100 or 500 or 1000))
        {
            throw new OptionsException($"SnapshotLimit must be one of 5, 10, 20, 50, 100, 500, 1000 (got {SnapshotLimit}).");
        }
        OptionChecks.Within(QueueCapacity, 1024, 10_000_000, "QueueCapacity");
    }
}
