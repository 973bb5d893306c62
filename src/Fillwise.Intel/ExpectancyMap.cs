using Fillwise.Core;

namespace Fillwise.Intel;

/// <summary>How trades are bucketed in time.</summary>
public enum BucketScheme
{
    /// <summary>24 buckets, the UTC hour of the trade's entry (the seed's hour-of-day map).</summary>
    HourOfDay,

    /// <summary>
    /// 6 buckets: weekday/weekend x Asia (00:00-07:59 UTC), Europe (08:00-13:59 UTC), US (14:00-23:59 UTC).
    /// Bucket = (weekend ? 3 : 0) + session.
    /// </summary>
    Session,
}

/// <summary>Where a cell's expectancy came from.</summary>
public enum ExpectancySource
{
    /// <summary>The cell has at least MinSamples trades: its own numbers.</summary>
    Cell,

    /// <summary>Too few trades: shrunk toward the symbol's all-buckets value.</summary>
    Symbol,

    /// <summary>Too few trades for the symbol as well: shrunk toward the all-symbols value.</summary>
    Aggregate,

    /// <summary>No usable data anywhere: the neutral value 0 bps.</summary>
    None,
}

/// <summary>A closed round-trip trade: entry time and net return after fees, in bps.</summary>
public readonly record struct TradeRecord(Symbol Symbol, long EntryTimeMs, double NetReturnBps);

/// <summary>The slippage of one parent order (bps vs arrival mid, positive = cost), at its arrival time.</summary>
public readonly record struct SlippageSample(Symbol Symbol, long TimeMs, double SlippageBps);

public sealed record ExpectancyOptions
{
    public BucketScheme Scheme { get; init; } = BucketScheme.HourOfDay;

    /// <summary>Below this many trades a cell falls back (with shrinkage) to the symbol, then the aggregate.</summary>
    public int MinSamples { get; init; } = 10;

    /// <summary>k in the shrinkage weight n/(n+k) of a thin cell's own mean.</summary>
    public double ShrinkageK { get; init; } = 10;

    public void Validate()
    {
        // Named by their keys in an executor config file (its section Expectancy), where a user meets the message.
        OptionChecks.AtLeast(MinSamples, 1, "Expectancy.MinSamples");
        OptionChecks.Positive(ShrinkageK, "Expectancy.ShrinkageK");
        OptionChecks.That(Enum.IsDefined(Scheme), $"Expectancy.Scheme must be one of {string.Join(", ", Enum.GetNames<BucketScheme>())} (got {Scheme}).");
    }
}

/// <summary>
/// One cell of the map. <c>MeanNetReturnBps</c> and <c>WinRate</c> are the cell's raw numbers (NaN when it
/// has no trade); <c>ExpectancyBps</c> is what consumers should use: the raw mean when the cell has enough
/// trades, else w x mean + (1 - w) x fallback with w = n/(n+k), and 0 when nothing is known.
/// </summary>
public readonly record struct ExpectancyCell(
    int Bucket,
    int Trades,
    double WinRate,
    double MeanNetReturnBps,
    double ExpectancyBps,
    ExpectancySource Source,
    int SlippageSamples,
    double SlippageMeanBps,
    double SlippageMedianBps,
    double SlippageP75Bps);

/// <summary>
/// Hour-of-day (or session) expectancy and slippage per symbol and across all symbols (the seed's
/// expectancy_map). Built in one pass from closed trades and parent-order slippage; immutable and lock-free to
/// read afterwards. Trades with non-finite returns are ignored and counted in <see cref="IgnoredRecords"/>.
/// </summary>
public sealed class ExpectancyMap
{
    private readonly ExpectancyOptions _options;
    private readonly Dictionary<Symbol, ExpectancyCell[]> _cells;
    private readonly ExpectancyCell[] _aggregate;

    private ExpectancyMap(ExpectancyOptions options, Dictionary<Symbol, ExpectancyCell[]> cells, ExpectancyCell[] aggregate, long ignored)
    {
        _options = options;
        _cells = cells;
        _aggregate = aggregate;
        IgnoredRecords = ignored;
    }

    public BucketScheme Scheme => _options.Scheme;
    public int BucketCount => BucketsOf(_options.Scheme);
    public long IgnoredRecords { get; }
    public IEnumerable<Symbol> Symbols => _cells.Keys.OrderBy(s => s.Value, StringComparer.Ordinal);

    public static int BucketsOf(BucketScheme scheme) => scheme == BucketScheme.Session ? 6 : 24;

    /// <summary>The bucket of a Unix-ms time under a scheme.</summary>
    public static int BucketOf(long timeMs, BucketScheme scheme)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(timeMs).UtcDateTime;
        if (scheme == BucketScheme.HourOfDay)
        {
            return time.Hour;
        }
        var session = time.Hour < 8 ? 0 : time.Hour < 14 ? 1 : 2;
        return (time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 3 : 0) + session;
    }

    /// <summary>The cell for a symbol and bucket; an unknown symbol gets the aggregate cell (Source says so).</summary>
    public ExpectancyCell Get(Symbol symbol, int bucket)
    {
        if ((uint)bucket >= (uint)BucketCount)
        {
            return new ExpectancyCell(bucket, 0, double.NaN, double.NaN, 0, ExpectancySource.None, 0, double.NaN, double.NaN, double.NaN);
        }
        if (_cells.TryGetValue(symbol, out var cells))
        {
            return cells[bucket];
        }
        var aggregate = _aggregate[bucket];
        return aggregate.Source == ExpectancySource.None ? aggregate : aggregate with { Source = ExpectancySource.Aggregate };
    }

    public ExpectancyCell GetAggregate(int bucket) =>
        (uint)bucket < (uint)BucketCount ? _aggregate[bucket] : Get(default, bucket);

    public ExpectancyCell GetAt(Symbol symbol, long timeMs) => Get(symbol, BucketOf(timeMs, _options.Scheme));

    public static ExpectancyMap Build(ReadOnlySpan<TradeRecord> trades, ReadOnlySpan<SlippageSample> slippage, ExpectancyOptions? options = null)
    {
        options ??= new ExpectancyOptions();
        options.Validate();
        var buckets = BucketsOf(options.Scheme);
        var perSymbol = new Dictionary<Symbol, Accumulator[]>();
        var aggregate = NewAccumulators(buckets);
        long ignored = 0;

        foreach (ref readonly var t in trades)
        {
            if (!double.IsFinite(t.NetReturnBps) || t.Symbol.Value is null)
            {
                ignored++;
                continue;
            }
            var b = BucketOf(t.EntryTimeMs, options.Scheme);
            AccumulatorsFor(perSymbol, t.Symbol, buckets)[b].AddTrade(t.NetReturnBps);
            aggregate[b].AddTrade(t.NetReturnBps);
        }
        foreach (ref readonly var s in slippage)
        {
            if (!double.IsFinite(s.SlippageBps) || s.Symbol.Value is null)
            {
                ignored++;
                continue;
            }
            var b = BucketOf(s.TimeMs, options.Scheme);
            AccumulatorsFor(perSymbol, s.Symbol, buckets)[b].AddSlippage(s.SlippageBps);
            aggregate[b].AddSlippage(s.SlippageBps);
        }

        var aggregateAll = Total(aggregate);
        var aggregateFallback = aggregateAll.Trades >= options.MinSamples ? aggregateAll.Mean : double.NaN;
        var aggregateCells = Finish(aggregate, double.NaN, aggregateFallback, options);
        var cells = new Dictionary<Symbol, ExpectancyCell[]>(perSymbol.Count);
        foreach (var (symbol, accumulators) in perSymbol)
        {
            var total = Total(accumulators);
            var symbolFallback = total.Trades >= options.MinSamples ? total.Mean : double.NaN;
            cells[symbol] = Finish(accumulators, symbolFallback, aggregateFallback, options);
        }
        return new ExpectancyMap(options, cells, aggregateCells, ignored);
    }

    private static Accumulator[] AccumulatorsFor(Dictionary<Symbol, Accumulator[]> perSymbol, Symbol symbol, int buckets)
    {
        if (!perSymbol.TryGetValue(symbol, out var accumulators))
        {
            accumulators = NewAccumulators(buckets);
            perSymbol[symbol] = accumulators;
        }
        return accumulators;
    }

    private static Accumulator[] NewAccumulators(int buckets) => Enumerable.Range(0, buckets).Select(_ => new Accumulator()).ToArray();

    private static (int Trades, double Mean) Total(Accumulator[] accumulators)
    {
        var trades = accumulators.Sum(a => a.Trades);
        return (trades, trades > 0 ? accumulators.Sum(a => a.Sum) / trades : double.NaN);
    }

    private static ExpectancyCell[] Finish(Accumulator[] accumulators, double symbolFallback, double aggregateFallback, ExpectancyOptions options)
    {
        var cells = new ExpectancyCell[accumulators.Length];
        for (var b = 0; b < accumulators.Length; b++)
        {
            var a = accumulators[b];
            var mean = a.Trades > 0 ? a.Sum / a.Trades : double.NaN;
            double expectancy;
            ExpectancySource source;
            if (a.Trades >= options.MinSamples)
            {
                (expectancy, source) = (mean, ExpectancySource.Cell);
            }
            else
            {
                (var fallback, source) = !double.IsNaN(symbolFallback) ? (symbolFallback, ExpectancySource.Symbol)
                    : !double.IsNaN(aggregateFallback) ? (aggregateFallback, ExpectancySource.Aggregate)
                    : (0.0, ExpectancySource.None);
                var w = a.Trades / (a.Trades + options.ShrinkageK);
                expectancy = a.Trades > 0 ? (w * mean) + ((1 - w) * fallback) : fallback;
            }
            var slippage = a.SortedSlippage();
            cells[b] = new ExpectancyCell(
                b,
                a.Trades,
                a.Trades > 0 ? (double)a.Wins / a.Trades : double.NaN,
                mean,
                expectancy,
                source,
                slippage.Length,
                slippage.Length > 0 ? a.SlippageSum / slippage.Length : double.NaN,
                Statistics.Percentile(slippage, 0.5),
                Statistics.Percentile(slippage, 0.75));
        }
        return cells;
    }

    private sealed class Accumulator
    {
        private List<double>? _slippage;

        public int Trades { get; private set; }
        public int Wins { get; private set; }
        public double Sum { get; private set; }
        public double SlippageSum { get; private set; }

        public void AddTrade(double netReturnBps)
        {
            Trades++;
            Sum += netReturnBps;
            Wins += netReturnBps > 0 ? 1 : 0;
        }

        public void AddSlippage(double bps)
        {
            (_slippage ??= []).Add(bps);
            SlippageSum += bps;
        }

        public double[] SortedSlippage()
        {
            var values = _slippage?.ToArray() ?? [];
            Array.Sort(values);
            return values;
        }
    }
}
