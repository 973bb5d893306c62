using Fillwise.Core;
namespace Fillwise.Intel;

/// <summary>
/// What happened to one parent order, as the router KPIs need it. Quantities in base units (double is fine
/// for statistics); <c>SlippageBps</c> is signed versus the arrival mid, positive = cost; NaN where unknown
/// (e.g. an order that never filled has no slippage or time to fill).
/// </summary>
public readonly record struct ParentOrderOutcome(
    long TimeMs,
    bool MakerFirst,
    double Quantity,
    double MakerFilledQuantity,
    bool UsedFallback,
    int PostOnlyRejects,
    bool Errored,
    double SlippageBps,
    double LatencyMs,
    double TimeToFillMs);

/// <summary>
/// Router KPIs over a rolling window. Ratios are in [0, 1]; a metric that cannot be measured (no order in the
/// window had it) is NaN, and every consumer treats NaN as "no evidence" (neutral).
/// </summary>
public readonly record struct RouterKpis(
    int Orders,
    int MakerFirstOrders,
    double MakerFillRatio,
    double FallbackRatio,
    double PostOnlyRejectRate,
    double SlippageP25Bps,
    double SlippageP50Bps,
    double SlippageP75Bps,
    double ErrorRate,
    double LatencyP95Ms,
    double MeanTimeToFillMs)
{
    public static RouterKpis Empty { get; } = new(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}

public sealed record RouterKpiOptions
{
    /// <summary>At most this many most recent parent orders are in the window.</summary>
    public int MaxOrders { get; init; } = 200;

    /// <summary>Orders older than this are out of the window.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(24);

    public void Validate()
    {
        // Named by their keys in an executor config file (its section Kpis), where a user meets the message.
        OptionChecks.AtLeast(MaxOrders, 1, "Kpis.MaxOrders");
        OptionChecks.Within(MaxAge, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(365), "Kpis.MaxAge");
    }
}

/// <summary>
/// The rolling window of one symbol's parent-order outcomes: a ring buffer of the last <c>MaxOrders</c>.
/// <see cref="Compute"/> reads only the window and a reused scratch buffer: it allocates nothing.
/// </summary>
public sealed class RouterKpiWindow
{
    private readonly RouterKpiOptions _options;
    private readonly ParentOrderOutcome[] _ring;
    private readonly double[] _scratch;
    private readonly SortedValues _slippage;
    private readonly SortedValues _latency;
    private int _next;
    private int _count;

    public RouterKpiWindow(RouterKpiOptions? options = null)
    {
        _options = options ?? new RouterKpiOptions();
        _options.Validate();
        _ring = new ParentOrderOutcome[_options.MaxOrders];
        _scratch = new double[_options.MaxOrders];
        _slippage = new SortedValues(_options.MaxOrders);
        _latency = new SortedValues(_options.MaxOrders);
    }

    public int Count => _count;

    public void Add(in ParentOrderOutcome outcome)
    {
        if (_count == _ring.Length)
        {
            _slippage.Remove(_ring[_next].SlippageBps);
            _latency.Remove(_ring[_next].LatencyMs);
        }
        _slippage.Add(outcome.SlippageBps);
        _latency.Add(outcome.LatencyMs);
        _ring[_next] = outcome;
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    /// <summary>KPIs of the orders no older than <c>MaxAge</c> at <paramref name="nowMs"/> (the caller's clock).</summary>
    public RouterKpis Compute(long nowMs)
    {
        var oldest = nowMs - (long)_options.MaxAge.TotalMilliseconds;
        int orders = 0, makerFirst = 0, fallbacks = 0, errors = 0, rejects = 0, fills = 0;
        double routed = 0, makerFilled = 0, timeToFill = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var o = ref _ring[i];
            if (o.TimeMs < oldest || o.TimeMs > nowMs)
            {
                continue;
            }
            orders++;
            errors += o.Errored ? 1 : 0;
            rejects += Math.Max(0, o.PostOnlyRejects);
            if (o.MakerFirst)
            {
                makerFirst++;
                fallbacks += o.UsedFallback ? 1 : 0;
                if (double.IsFinite(o.Quantity) && o.Quantity > 0 && double.IsFinite(o.MakerFilledQuantity))
                {
                    routed += o.Quantity;
                    makerFilled += Math.Clamp(o.MakerFilledQuantity, 0, o.Quantity);
                }
            }
            if (double.IsFinite(o.TimeToFillMs) && o.TimeToFillMs >= 0)
            {
                fills++;
                timeToFill += o.TimeToFillMs;
            }
        }
        if (orders == 0)
        {
            return RouterKpis.Empty;
        }
        // Every order of the ring in the window (the usual case): the percentiles come from the values kept sorted
        // as orders arrive and leave; otherwise the window's values are sorted now.
        var whole = orders == _count;
        var slippage = whole ? _slippage.Values : Sorted(nowMs, oldest, static o => o.SlippageBps);
        var p25 = Statistics.Percentile(slippage, 0.25);
        var p50 = Statistics.Percentile(slippage, 0.50);
        var p75 = Statistics.Percentile(slippage, 0.75);
        var latency = whole ? _latency.Values : Sorted(nowMs, oldest, static o => o.LatencyMs);
        var latencyP95 = Statistics.Percentile(latency, 0.95);
        return new RouterKpis(
            orders,
            makerFirst,
            routed > 0 ? makerFilled / routed : double.NaN,
            makerFirst > 0 ? (double)fallbacks / makerFirst : double.NaN,
            makerFirst > 0 ? Math.Min(1.0, (double)rejects / makerFirst) : double.NaN,
            p25,
            p50,
            p75,
            (double)errors / orders,
            latencyP95,
            fills > 0 ? timeToFill / fills : double.NaN);
    }

    /// <summary>The finite values of one field in the window, sorted, in the scratch buffer (valid until the next call).</summary>
    private ReadOnlySpan<double> Sorted(long nowMs, long oldest, Func<ParentOrderOutcome, double> field)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var o = ref _ring[i];
            if (o.TimeMs >= oldest && o.TimeMs <= nowMs)
            {
                var value = field(o);
                if (double.IsFinite(value))
                {
                    _scratch[n++] = value;
                }
            }
        }
        var span = _scratch.AsSpan(0, n);
        span.Sort();
        return span;
    }
}
