using Fillwise.Core;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Routing;
using Fillwise.Intel;

namespace Fillwise.Execution;

/// <summary>A parent order as decided: its context, or the gate that denied it.</summary>
public sealed record ParentRecord(
    long ParentId,
    long TimeNs,
    Symbol Symbol,
    Side Side,
    decimal ArrivalMid,
    decimal Quantity,
    RiskDecision Risk,
    RouterContext? Context,
    string? Source);

public sealed record ChildRecord(long ChildId, long ParentId, long TimeNs, Symbol Symbol, Side Side, OrderType Type, decimal Price, decimal Quantity);

public sealed record FillRecord(long FillId, long ChildId, long ParentId, long TimeNs, Symbol Symbol, Side Side, decimal Price, decimal Quantity, Liquidity Liquidity, decimal Fee);

/// <summary>A closed round trip (flat to flat) of one symbol; <c>Sequence</c> numbers them per run.</summary>
public sealed record RoundTripRecord(long Sequence, long ClosedNs, Symbol Symbol, long EntryTimeMs, double NetReturnBps);

/// <summary>How a parent order ended. Cost = implementation shortfall vs the arrival mid in bps, fees included.</summary>
public sealed record ParentResult(
    long ParentId,
    long CompletedNs,
    Symbol Symbol,
    decimal FilledQuantity,
    decimal AveragePrice,
    decimal Fees,
    double CostBps,
    double FeesBps,
    double MakerFillRatio,
    bool UsedFallback,
    int PostOnlyRejects,
    bool Errored,
    double TimeToFillMs);

/// <summary>Per-symbol execution health (the seed's ExecutionHealth with the v5.10 fields).</summary>
public sealed record ExecutionHealth(
    Symbol Symbol,
    long TimeNs,
    bool Enabled,
    RouterKpis Kpis,
    RouterQuality PolicyQuality,
    bool PolicyMakerFirst,
    double PolicyTakerBias,
    string PolicyReason,
    MakerOffset MakerOffset,
    double IntelSizeFactor,
    double FinalSizeFactor,
    Regime Regime,
    double RegimeRatio,
    SymbolScore Score,
    decimal Position,
    long Parents,
    long Denied,
    double Drawdown,
    MirrorStatus? Mirror = null,
    string? Policy = null);

/// <summary>Where the executor's telemetry goes (the SQLite store, or nothing). Called on the executor's thread.</summary>
public interface ITelemetrySink
{
    void Parent(ParentRecord record);
    void Child(ChildRecord record);
    void Fill(FillRecord record);
    void Result(ParentResult result);
    void RoundTrip(RoundTripRecord trade);
    void Health(ExecutionHealth health);
    void Flush();
}

/// <summary>Keeps everything in memory (tests, evaluations).</summary>
public sealed class MemoryTelemetry : ITelemetrySink
{
    public List<ParentRecord> Parents { get; } = [];
    public List<ChildRecord> Children { get; } = [];
    public List<FillRecord> Fills { get; } = [];
    public List<ParentResult> Results { get; } = [];
    public List<RoundTripRecord> RoundTrips { get; } = [];
    public List<ExecutionHealth> HealthSnapshots { get; } = [];

    public void Parent(ParentRecord record) => Parents.Add(record);
    public void Child(ChildRecord record) => Children.Add(record);
    public void Fill(FillRecord record) => Fills.Add(record);
    public void Result(ParentResult result) => Results.Add(result);
    public void RoundTrip(RoundTripRecord trade) => RoundTrips.Add(trade);
    public void Health(ExecutionHealth health) => HealthSnapshots.Add(health);
    public void Flush()
    {
    }
}
