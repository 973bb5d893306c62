using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;

namespace Fillwise.Venues.Binance;

/// <summary>The venue's request metrics on meter "Fillwise" (exported by the dashboard host's /metrics with the executor's).</summary>
internal static class VenueMetrics
{
    private static readonly Meter Meter = new(Fillwise.Execution.ExecutionMetrics.MeterName);

    /// <summary>Exported in Prometheus format as fillwise_venue_request_latency_seconds{endpoint, status}.</summary>
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("fillwise.venue.request.latency", "s", "Wall time of one REST request to the venue, by endpoint and HTTP status (timeout = no answer).");

    public static void Request(string endpoint, string status, TimeSpan elapsed) =>
        Latency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", status));
}

/// <summary>
/// Binance's limits as the venue keeps them: the limits from exchangeInfo, usage from the X-MBX-USED-WEIGHT-1M and
/// X-MBX-ORDER-COUNT-* headers, and the back-off a 429 or a 418 imposes (Retry-After). Thread-safe: REST calls
/// finish on pool threads.
/// </summary>
public sealed class RateLimits(TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _blockedUntil;

    /// <summary>REQUEST_WEIGHT per minute (exchangeInfo; Binance's usual value until read).</summary>
    public int WeightPerMinute { get; private set; } = 2400;
    public int OrdersPer10Seconds { get; private set; } = 300;
    public int OrdersPerMinute { get; private set; } = 1200;

    public int UsedWeight1M { get; private set; }
    public int OrderCount10S { get; private set; }
    public int OrderCount1M { get; private set; }

    /// <summary>418 seen: nothing is sent until <see cref="BlockedUntil"/>.</summary>
    public bool Banned { get; private set; }
    public long Throttled429 { get; private set; }
    public long Banned418 { get; private set; }

    public DateTimeOffset BlockedUntil
    {
        get
        {
            lock (_lock)
            {
                return _blockedUntil;
            }
        }
    }

    public void SetLimits(int? weightPerMinute, int? ordersPer10Seconds, int? ordersPerMinute)
    {
        WeightPerMinute = weightPerMinute ?? WeightPerMinute;
        OrdersPer10Seconds = ordersPer10Seconds ?? OrdersPer10Seconds;
        OrdersPerMinute = ordersPerMinute ?? OrdersPerMinute;
    }

    /// <summary>How long to wait before sending now: a back-off or ban in force, or usage at the limit (wait for the window to roll).</summary>
    public TimeSpan DelayBeforeSend(bool isOrder)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_blockedUntil > now)
            {
                return _blockedUntil - now;
            }
            Banned = false;
        }
        if (UsedWeight1M >= WeightPerMinute)
        {
            return TimeSpan.FromMilliseconds(60_000 - (now.ToUnixTimeMilliseconds() % 60_000));
        }
        if (isOrder && OrderCount10S >= OrdersPer10Seconds)
        {
            return TimeSpan.FromMilliseconds(10_000 - (now.ToUnixTimeMilliseconds() % 10_000));
        }
        return isOrder && OrderCount1M >= OrdersPerMinute
            ? TimeSpan.FromMilliseconds(60_000 - (now.ToUnixTimeMilliseconds() % 60_000))
            : TimeSpan.Zero;
    }

    /// <summary>Takes the usage headers and, for 429/418, the Retry-After back-off.</summary>
    public void Observe(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        UsedWeight1M = Header(response, "X-MBX-USED-WEIGHT-1M") ?? UsedWeight1M;
        OrderCount10S = Header(response, "X-MBX-ORDER-COUNT-10S") ?? OrderCount10S;
        OrderCount1M = Header(response, "X-MBX-ORDER-COUNT-1M") ?? OrderCount1M;
        var status = (int)response.StatusCode;
        if (status is not (429 or 418))
        {
            return;
        }
        var wait = RetryAfter(response) ?? TimeSpan.FromSeconds(status == 418 ? 120 : 1);
        lock (_lock)
        {
            var until = time.GetUtcNow() + wait;
            _blockedUntil = until > _blockedUntil ? until : _blockedUntil;
            if (status == 418)
            {
                Banned = true;
                Banned418++;
            }
            else
            {
                Throttled429++;
            }
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } retry)
        {
            if (retry.Delta is { } delta)
            {
                return delta;
            }
            if (retry.Date is { } date)
            {
                return date - time.GetUtcNow();
            }
        }
        return null;
    }

    private static int? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    internal static bool IsThrottle(HttpStatusCode status) => (int)status is 429 or 418;
}
