using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fillwise.Core;

namespace Fillwise.Execution;

/// <summary>
/// The executor's metrics (System.Diagnostics.Metrics, meter "Fillwise"), exported by whatever the hosting
/// process wires up (the dashboard host exposes them in Prometheus format on /metrics). Recording is
/// allocation-free (tags in a <see cref="TagList"/>) and costs nothing when nobody listens.
/// </summary>
public static class ExecutionMetrics
{
    public const string MeterName = "Fillwise";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> DecisionLatency = Meter.CreateHistogram<double>("fillwise.decision.latency", "s", "Wall time of one decision: risk, sizing, policy, routing.");
    private static readonly Counter<long> Parents = Meter.CreateCounter<long>("fillwise.parent_orders", "{order}", "Parent orders decided (denied ones included).");
    private static readonly Counter<long> Fills = Meter.CreateCounter<long>("fillwise.fills", "{fill}", "Fills received.");
    private static readonly Histogram<double> Cost = Meter.CreateHistogram<double>("fillwise.execution.cost", "bps", "Implementation shortfall of each completed parent order vs its arrival mid, fees included.");
    private static readonly Counter<long> BookGaps = Meter.CreateCounter<long>("fillwise.book.gaps", "{gap}", "Diff-depth gaps seen by a venue's order book (the book is unusable until its next snapshot).");
    private static readonly Counter<long> MirrorDrops = Meter.CreateCounter<long>("fillwise.mirror.drops", "{document}", "Mirror offers dropped because the bounded queue was full.");

    [ThreadStatic]
    private static bool t_silenced;

    /// <summary>
    /// Records made on this thread are dropped while set: an engine warm-up (a throwaway run compiling the decision
    /// path before a replay) must not show as decisions, fills and costs in the process's metrics.
    /// </summary>
    public static bool SilencedOnThisThread
    {
        get => t_silenced;
        set => t_silenced = value;
    }

    internal static void Decided(Symbol symbol, string policy, TimeSpan elapsed)
    {
        if (t_silenced)
        {
            return;
        }
        DecisionLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("policy", policy));
        Parents.Add(1, new KeyValuePair<string, object?>("symbol", symbol.Value), new KeyValuePair<string, object?>("policy", policy));
    }

    internal static void Filled(Symbol symbol, string policy, Liquidity liquidity)
    {
        if (!t_silenced)
        {
            Fills.Add(1, new KeyValuePair<string, object?>("symbol", symbol.Value), new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("liquidity", liquidity == Liquidity.Maker ? "maker" : "taker"));
        }
    }

    internal static void Completed(Symbol symbol, string policy, double costBps)
    {
        if (double.IsFinite(costBps) && !t_silenced)
        {
            Cost.Record(costBps, new KeyValuePair<string, object?>("symbol", symbol.Value), new KeyValuePair<string, object?>("policy", policy));
        }
    }

    /// <summary>A venue's book for <paramref name="symbol"/> lost sync on a diff-depth gap.</summary>
    public static void BookGap(Symbol symbol)
    {
        if (!t_silenced)
        {
            BookGaps.Add(1, new KeyValuePair<string, object?>("symbol", symbol.Value));
        }
    }

    /// <summary>A best-effort mirror dropped an offer (its bounded queue was full).</summary>
    public static void MirrorDropped(string mirror) =>
        MirrorDrops.Add(1, new KeyValuePair<string, object?>("mirror", mirror));
}
