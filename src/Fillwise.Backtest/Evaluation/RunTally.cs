using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Backtest;

/// <summary>
/// What <see cref="PolicyStats"/> and <see cref="MarkedCosts"/> read from a run, accumulated as its records arrive:
/// counts, the cost figures of each filled result, the cost of each finished parent, each routed parent's arrival and
/// completion (the grid's leader walk-forward reads them), and the records of parents still working (needed to mark
/// them at the end). A finished parent's records are dropped, so a run that stores
/// its records elsewhere holds a few numbers per parent instead of every record. The one place these statistics
/// are computed: a run kept whole in memory is replayed through a tally (<see cref="Of"/>).
/// </summary>
public sealed class RunTally : ITelemetrySink
{
    private readonly Dictionary<long, ParentRecord> _working = [];
    private readonly Dictionary<long, List<FillRecord>> _workingFills = [];
    private readonly List<FilledResult> _filled = [];
    private readonly SortedDictionary<long, double> _finishedCosts = [];
    private readonly Dictionary<long, ParentTimes> _times = [];
    private readonly SortedDictionary<string, int> _deniedBy = new(StringComparer.Ordinal);
    private int _routed;
    private int _denied;
    private int _fallbacks;

    public int Parents { get; private set; }

    public int Results { get; private set; }

    /// <summary>A run kept in memory, tallied in record order (parents, fills, results).</summary>
    public static RunTally Of(MemoryTelemetry t)
    {
        var tally = new RunTally();
        t.Parents.ForEach(tally.Parent);
        t.Fills.ForEach(tally.Fill);
        t.Results.ForEach(tally.Result);
        return tally;
    }

    public void Parent(ParentRecord record)
    {
        Parents++;
        if (record.Risk.IsDenied)
        {
            _denied++;
            var reason = record.Risk.Reason.ToString();
            _deniedBy[reason] = _deniedBy.GetValueOrDefault(reason) + 1;
            return;
        }
        if (record.Context is null)
        {
            return;
        }
        _routed++;
        if (record.ArrivalMid > 0)
        {
            _working[record.ParentId] = record;
            _times[record.ParentId] = new ParentTimes(record.TimeNs, long.MaxValue);
        }
    }

    public void Fill(FillRecord record)
    {
        if (_working.ContainsKey(record.ParentId))
        {
            (_workingFills.TryGetValue(record.ParentId, out var fills) ? fills : _workingFills[record.ParentId] = []).Add(record);
        }
    }

    public void Result(ParentResult result)
    {
        Results++;
        if (result.UsedFallback)
        {
            _fallbacks++;
        }
        if (result.FilledQuantity > 0)
        {
            _filled.Add(new FilledResult(result.CostBps, (double)result.FilledQuantity, result.MakerFillRatio, result.FeesBps, result.TimeToFillMs));
        }
        if (_working.Remove(result.ParentId))
        {
            _times[result.ParentId] = _times[result.ParentId] with { CompletedNs = result.CompletedNs };
            _workingFills.Remove(result.ParentId);
            if (result.FilledQuantity > 0)
            {
                _finishedCosts[result.ParentId] = result.CostBps;
            }
        }
    }

    public void Child(ChildRecord record)
    {
    }

    public void RoundTrip(RoundTripRecord trade)
    {
    }

    public void Health(ExecutionHealth health)
    {
    }

    public void Flush()
    {
    }

    /// <summary>When each routed parent arrived and when it completed (<see cref="long.MaxValue"/>: still working at the end of the data).</summary>
    public IReadOnlyDictionary<long, ParentTimes> Times => _times;

    /// <summary>Per-policy TCA numbers (without markouts and marked costs: see <see cref="PolicyStats.From(RunTally, Markouts, IReadOnlyDictionary{long, double})"/>).</summary>
    public PolicyStats Stats()
    {
        var costs = _filled.Select(r => r.CostBps).Order().ToArray();
        var filledQty = _filled.Sum(r => r.Quantity);
        var makerQty = _filled.Sum(r => r.Quantity * r.MakerFillRatio);
        return new PolicyStats(
            _routed,
            _filled.Count,
            costs.Length > 0 ? costs.Average() : double.NaN,
            Statistics.Percentile(costs, 0.5),
            Statistics.Percentile(costs, 0.9),
            _filled.Count > 0 ? _filled.Average(r => r.FeesBps) : double.NaN,
            filledQty > 0 ? makerQty / filledQty : double.NaN,
            Results > 0 ? _fallbacks / (double)Results : double.NaN,
            _filled.Count > 0 ? _filled.Average(r => r.TimeToFillMs) : double.NaN,
            _denied,
            new SortedDictionary<string, int>(_deniedBy, StringComparer.Ordinal));
    }

    /// <summary>The cost of every routed parent, those still working marked at the end of the data (see <see cref="MarkedCosts"/>).</summary>
    public IReadOnlyDictionary<long, double> Marked(IReadOnlyDictionary<Symbol, MarketUpdate> lastQuotes, SymbolCatalog catalog, ExecutorOptions options)
    {
        var costs = new SortedDictionary<long, double>(_finishedCosts);
        foreach (var p in _working.Values)
        {
            if (lastQuotes.TryGetValue(p.Symbol, out var quote) && catalog.TryGet(p.Symbol, out var filters))
            {
                costs[p.ParentId] = MarkedCosts.Unfinished(p, _workingFills.GetValueOrDefault(p.ParentId) ?? [], quote, filters, options);
            }
        }
        return costs;
    }

    /// <summary>A routed parent's arrival and completion, ns.</summary>
    public readonly record struct ParentTimes(long ArrivalNs, long CompletedNs);

    private readonly record struct FilledResult(double CostBps, double Quantity, double MakerFillRatio, double FeesBps, double TimeToFillMs);
}
