namespace Fillwise.MarketData.Capture;

/// <summary>What a capture reader has seen so far: counts per event type, skips, errors and warnings.</summary>
public sealed class CaptureStats
{
    private readonly int _maxIssues;
    private readonly List<DataIssue> _errors = [];
    private readonly List<DataIssue> _warnings = [];
    private readonly SortedDictionary<string, long> _skipped = new(StringComparer.Ordinal);

    internal CaptureStats(int maxIssues) => _maxIssues = maxIssues;

    public long Lines { get; internal set; }
    public long DepthUpdates { get; internal set; }
    public long BookTickers { get; internal set; }
    public long Trades { get; internal set; }
    public long Snapshots { get; internal set; }
    public long ErrorCount { get; private set; }
    public long WarningCount { get; private set; }
    public TimestampUnit TimestampUnit { get; internal set; }

    /// <summary>First and last receive timestamps in Unix nanoseconds (0 when nothing was read).</summary>
    public long FirstReceiveTimeNs { get; internal set; }
    public long LastReceiveTimeNs { get; internal set; }

    public IReadOnlyList<DataIssue> Errors => _errors;
    public IReadOnlyList<DataIssue> Warnings => _warnings;

    /// <summary>Event types that were recognised as messages but are not used (e.g. markPriceUpdate), by name.</summary>
    public IReadOnlyDictionary<string, long> Skipped => _skipped;

    public long Events => DepthUpdates + BookTickers + Trades + Snapshots;

    internal void AddError(DataIssue issue)
    {
        ErrorCount++;
        if (_errors.Count < _maxIssues)
        {
            _errors.Add(issue);
        }
    }

    internal void AddWarning(DataIssue issue)
    {
        WarningCount++;
        if (_warnings.Count < _maxIssues)
        {
            _warnings.Add(issue);
        }
    }

    internal void AddSkipped(string type) => _skipped[type] = _skipped.GetValueOrDefault(type) + 1;
}
