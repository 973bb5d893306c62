using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fillwise.Venues.Binance;

/// <summary>How a request is authenticated: public, API key header only (listenKey), or signed (HMAC of the parameters).</summary>
public enum Security
{
    None = 0,
    ApiKey,
    Signed,
}

/// <summary>
/// One REST answer. <see cref="Status"/> 0 = no answer (timeout, connection failure); <see cref="Code"/> is
/// Binance's error code from the body of a 4XX/5XX ({"code": -NNNN, "msg": ...}), 0 otherwise.
/// </summary>
public readonly record struct RestResult(int Status, int Code, string Message, string Body)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The request may or may not have taken effect: no answer, a 5XX, or -1007 (backend timeout).</summary>
    public bool OutcomeUnknown => Status == 0 || Status >= 500 || Code == -1007;

    public JsonDocument Json() => JsonDocument.Parse(Body);

    public override string ToString() => Ok ? $"HTTP {Status}" : $"HTTP {Status} {Code} {Message}";
}

/// <summary>
/// A thin signed REST client for Binance USDⓈ-M: HMAC-SHA256 over the total parameter string, recvWindow, a
/// server-time offset from /fapi/v1/time (re-synced once and the request retried on -1021), usage headers and
/// 429/418 back-off (<see cref="RateLimits"/>), and a latency histogram per endpoint. All parameters travel in
/// the query string (Binance accepts that for every verb), so what is signed is exactly what is sent.
/// </summary>
public sealed class BinanceRestClient(HttpClient http, BinanceEndpoints endpoints, BinanceCredentials? credentials, BinanceVenueOptions options, TimeProvider time)
{
    private const int MaxThrottleRetries = 3;
    private long _offsetMs;

    public RateLimits Limits { get; } = new(time);

    /// <summary>Server time minus local time, in ms, from the last sync.</summary>
    public long OffsetMs => Interlocked.Read(ref _offsetMs);

    /// <summary>Times the clock was re-synced after a -1021.</summary>
    public long Resyncs { get; private set; }

    public bool HasCredentials => credentials is not null;

    public BinanceEndpoints Endpoints => endpoints;

    /// <summary>Now on the server's clock (local time + offset), Unix ms.</summary>
    public long ServerNowMs => time.GetUtcNow().ToUnixTimeMilliseconds() + OffsetMs;

    /// <summary>GET /fapi/v1/time: offset = server time - the local midpoint of the round trip.</summary>
    public async Task<bool> SyncTimeAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await SendOnceAsync(HttpMethod.Get, "/fapi/v1/time", [], Security.None, ct).ConfigureAwait(false);
        var after = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!result.Ok)
        {
            return false;
        }
        using var doc = result.Json();
        var server = doc.RootElement.GetProperty("serverTime").GetInt64();
        Interlocked.Exchange(ref _offsetMs, server - (before + after) / 2);
        return true;
    }

    /// <summary>
    /// Sends one request, waiting out any back-off first. 429 → wait Retry-After and retry (up to 3 times; a 429
    /// means the request was refused, so a retry cannot double it); 418 → returned at once, and nothing more is
    /// sent until Retry-After; -1021 → re-sync the clock once and retry with a fresh timestamp.
    /// </summary>
    public async Task<RestResult> SendAsync(HttpMethod method, string path, IReadOnlyList<(string Key, string Value)> parameters, Security security, CancellationToken ct, bool isOrder = false)
    {
        var resynced = false;
        for (var attempt = 0; ; attempt++)
        {
            var delay = Limits.DelayBeforeSend(isOrder);
            if (delay > TimeSpan.Zero)
            {
                if (Limits.Banned)
                {
                    return new RestResult(418, -1003, $"IP banned by the venue until {Limits.BlockedUntil:O}; nothing is sent until then.", string.Empty);
                }
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
            var result = await SendOnceAsync(method, path, parameters, security, ct).ConfigureAwait(false);
            if (result.Status == 429 && attempt < MaxThrottleRetries)
            {
                continue;
            }
            if (result.Code == -1021 && !resynced && security == Security.Signed)
            {
                resynced = true;
                Resyncs++;
                await SyncTimeAsync(ct).ConfigureAwait(false);
                continue;
            }
            return result;
        }
    }

    private async Task<RestResult> SendOnceAsync(HttpMethod method, string path, IReadOnlyList<(string Key, string Value)> parameters, Security security, CancellationToken ct)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            Append(query, key, value);
        }
        if (security == Security.Signed)
        {
            Append(query, "recvWindow", ((long)options.RecvWindow.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            Append(query, "timestamp", ServerNowMs.ToString(CultureInfo.InvariantCulture));
            Append(query, "signature", Credentials.Sign(query.ToString()));
        }
        var uri = new Uri(endpoints.Rest, query.Length == 0 ? path : $"{path}?{query}");
        using var request = new HttpRequestMessage(method, uri);
        if (security != Security.None)
        {
            request.Headers.Add("X-MBX-APIKEY", Credentials.ApiKey);
        }
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            VenueMetrics.Request(path, status.ToString(CultureInfo.InvariantCulture), time.GetElapsedTime(started));
            Limits.Observe(response);
            return status is >= 200 and < 300 ? new RestResult(status, 0, string.Empty, body) : Error(status, body);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            VenueMetrics.Request(path, "timeout", time.GetElapsedTime(started));
            return new RestResult(0, 0, e is OperationCanceledException ? "no answer within the request timeout" : $"connection failed ({e.Message.TrimEnd('.')})", string.Empty);
        }
    }

    private BinanceCredentials Credentials => credentials ?? throw new InvalidOperationException("This request needs API credentials (FILLWISE_BINANCE_API_KEY / FILLWISE_BINANCE_API_SECRET or --key-file).");

    private static RestResult Error(int status, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var code) && code.TryGetInt32(out var c))
            {
                return new RestResult(status, c, root.TryGetProperty("msg", out var msg) ? msg.GetString() ?? string.Empty : string.Empty, body);
            }
        }
        catch (JsonException)
        {
            // Not Binance's error shape (a proxy's page): the status alone says what happened.
        }
        return new RestResult(status, 0, body.Length > 200 ? body[..200] : body, body);
    }

    private static void Append(StringBuilder query, string key, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }
        query.Append(key).Append('=').Append(Uri.EscapeDataString(value));
    }
}
