using System.Globalization;

namespace Fillwise.Exchange;

/// <summary>The limiter's verdict and the usage it reports in X-MBX-* headers.</summary>
internal readonly record struct LimitDecision(Reply? Refusal, int RetryAfterSeconds, long UsedWeight, long Orders1M, long Orders10S);

/// <summary>
/// Binance's REQUEST_WEIGHT (per IP, per clock minute) and ORDERS (per account, per minute and per 10 s) limits.
/// Over a limit: 429 with -1003 (weight) or -1015 (orders) and Retry-After until the window turns. An IP that
/// keeps sending during that time is banned (418) for <see cref="RateLimitOptions.BanDuration"/>.
/// </summary>
internal sealed class RateLimiter(RateLimitOptions options, ExchangeClock clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IpState> _ips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<long>> _connections = new(StringComparer.Ordinal);
    private const long ConnectionWindowMs = 5 * 60_000;
    private long _connectionsRefused;
    private long _connectionsSweptMs = long.MinValue / 2;
    private long _orderMinute = -1;
    private long _orderTenSeconds = -1;
    private long _orders1M;
    private long _orders10S;

    private sealed class IpState
    {
        public long Minute { get; set; } = -1;
        public long Weight { get; set; }
        public long LimitedUntilMs { get; set; }
        public int IgnoredAfter429 { get; set; }
        public long BannedUntilMs { get; set; }
    }

    public LimitDecision Check(string ip, int weight, bool isOrder)
    {
        lock (_lock)
        {
            var now = clock.NowMs;
            if (!_ips.TryGetValue(ip, out var state))
            {
                state = new IpState();
                _ips.Add(ip, state);
            }
            var minute = now / 60_000;
            if (state.Minute != minute)
            {
                state.Minute = minute;
                state.Weight = 0;
            }
            RollOrders(now);
            if (state.BannedUntilMs > now)
            {
                return Refuse(418, -1003, string.Create(CultureInfo.InvariantCulture, $"Way too many requests; IP({ip}) banned until {state.BannedUntilMs}. Please use the websocket for live updates to avoid bans."), state.BannedUntilMs - now, state);
            }
            if (state.LimitedUntilMs > now)
            {
                if (++state.IgnoredAfter429 > options.RequestsAfter429BeforeBan)
                {
                    state.BannedUntilMs = now + (long)options.BanDuration.TotalMilliseconds;
                    return Refuse(418, -1003, string.Create(CultureInfo.InvariantCulture, $"Way too many requests; IP({ip}) banned until {state.BannedUntilMs}. Please use the websocket for live updates to avoid bans."), state.BannedUntilMs - now, state);
                }
                return Refuse(429, -1003, TooMany(ip), state.LimitedUntilMs - now, state);
            }
            state.Weight += weight;
            if (state.Weight > options.WeightPerMinute)
            {
                state.LimitedUntilMs = (minute + 1) * 60_000;
                state.IgnoredAfter429 = 0;
                return Refuse(429, -1003, TooMany(ip), state.LimitedUntilMs - now, state);
            }
            if (isOrder)
            {
                if (_orders10S + 1 > options.OrdersPer10Seconds)
                {
                    return Refuse(429, -1015, $"Too many new orders; current limit is {options.OrdersPer10Seconds} orders per TEN_SECONDS.", (_orderTenSeconds + 1) * 10_000 - now, state);
                }
                if (_orders1M + 1 > options.OrdersPerMinute)
                {
                    return Refuse(429, -1015, $"Too many new orders; current limit is {options.OrdersPerMinute} orders per MINUTE.", (_orderMinute + 1) * 60_000 - now, state);
                }
                _orders1M++;
                _orders10S++;
            }
            return new LimitDecision(null, 0, state.Weight, _orders1M, _orders10S);
        }
    }

    /// <summary>WebSocket upgrades refused for too many connection attempts.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);

    /// <summary>
    /// Counts a WebSocket connection attempt of <paramref name="ip"/>: over <see cref="RateLimitOptions.ConnectionsPer5Minutes"/>
    /// in the last 5 minutes (a sliding window), the upgrade is refused with 429 / -1003 and Retry-After until the
    /// oldest attempt leaves the window; a refused attempt does not count, so a client that waits gets in.
    /// </summary>
    public LimitDecision CheckConnection(string ip)
    {
        lock (_lock)
        {
            // Wall time: a clock-skew fault changes what clients are told, not how long the server remembers attempts.
            var now = clock.WallMs;
            ForgetIdleIps(now);
            if (!_connections.TryGetValue(ip, out var attempts))
            {
                attempts = new Queue<long>();
                _connections.Add(ip, attempts);
            }
            Expire(attempts, now);
            if (attempts.Count >= options.ConnectionsPer5Minutes)
            {
                Interlocked.Increment(ref _connectionsRefused);
                var retryMs = attempts.Peek() + ConnectionWindowMs - now;
                return new LimitDecision(
                    Reply.Error(429, -1003, $"Too many connection attempts; current limit of IP({ip}) is {options.ConnectionsPer5Minutes} WebSocket connections per 5 minutes."),
                    (int)Math.Max(1, (retryMs + 999) / 1000), 0, _orders1M, _orders10S);
            }
            attempts.Enqueue(now);
            return new LimitDecision(null, 0, 0, _orders1M, _orders10S);
        }
    }

    /// <summary>IPs whose connection attempts are remembered (each within the last 5 minutes).</summary>
    internal int ConnectionIps
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>
    /// Drops every IP none of whose attempts is still in the window, at most once a window: a server that many
    /// clients once reached does not remember them all forever.
    /// </summary>
    private void ForgetIdleIps(long now)
    {
        if (now - _connectionsSweptMs < ConnectionWindowMs)
        {
            return;
        }
        _connectionsSweptMs = now;
        foreach (var (ip, attempts) in _connections)
        {
            Expire(attempts, now);
            if (attempts.Count == 0)
            {
                _connections.Remove(ip);
            }
        }
    }

    private static void Expire(Queue<long> attempts, long now)
    {
        while (attempts.Count > 0 && attempts.Peek() <= now - ConnectionWindowMs)
        {
            attempts.Dequeue();
        }
    }

    private string TooMany(string ip) =>
        $"Too many requests; current limit of IP({ip}) is {options.WeightPerMinute} requests per minute. Please use the websocket for live updates to avoid polling the API.";

    private LimitDecision Refuse(int status, int code, string message, long retryMs, IpState state) =>
        new(Reply.Error(status, code, message), (int)Math.Max(1, (retryMs + 999) / 1000), state.Weight, _orders1M, _orders10S);

    private void RollOrders(long now)
    {
        if (_orderMinute != now / 60_000)
        {
            _orderMinute = now / 60_000;
            _orders1M = 0;
        }
        if (_orderTenSeconds != now / 10_000)
        {
            _orderTenSeconds = now / 10_000;
            _orders10S = 0;
        }
    }
}
