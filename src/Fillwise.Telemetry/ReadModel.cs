namespace Fillwise.Telemetry;

// The typed read model shared by the dashboard's JSON API and `fillwise intel show`. Property names are the
// API's contract: they are serialised in snake_case (RunId -> run_id), so renaming one changes the API.

/// <summary>A stored run with its parent-order count and newest health time.</summary>
public sealed record RunRow(string RunId, string Policy, string Mode, string Status, long Attempts, long Parents, long? LastHealthNs);

/// <summary>A symbol score and its components in [0, 1]; null = not measured.</summary>
public sealed record ScoreRow(string Symbol, double? Score, double? Sharpe, double? Regime, double? Router, double? Fees, double? Drawdown);

/// <summary>The maker offset at a health snapshot and what each input contributed.</summary>
public sealed record OffsetRow(long TimeNs, double OffsetBps, double? RegimeBaseBps, double? SlippageBps, double? FallbackBps, double? FillRatioBps, double? ExpectancyBps);

public sealed record KpisRow(long Orders, double? MakerFillRatio, double? FallbackRatio, double? PostOnlyRejectRate, double? SlippageP50Bps, double? SlippageP75Bps, double? ErrorRate, double? LatencyP95Ms, double? MeanTimeToFillMs);

/// <summary>Every sizing factor of the symbol's latest routed parent order, down to the final size.</summary>
public sealed record SizingRow(long ParentId, string? BaseQuantity, double? InverseVolFactor, double? SharpeMultiplier, double? IntelSizeFactor, double? RiskScaleFactor, double? FinalSizeFactor, long? Lots, string Quantity);

/// <summary>The Firestore mirror's status at the snapshot; null when the run had no mirror.</summary>
public sealed record MirrorRow(long Drops, long Commits, long Retries, long Failures, string? LastSuccess, string? LastError, bool CircuitOpen);

/// <summary>A symbol's latest health snapshot in a run, with the operator's toggle applied to <c>Enabled</c>.</summary>
public sealed record SymbolHealth(
    string Symbol, long TimeNs, bool Enabled, ScoreRow Score, string Regime, double? RegimeRatio,
    string Quality, bool MakerFirst, double TakerBias, string Reason, OffsetRow Offset,
    double IntelSizeFactor, double FinalSizeFactor, KpisRow Kpis, string Position, long Parents, long Denied, double Drawdown, SizingRow? LastSizing, MirrorRow? Mirror);

/// <summary>One UTC hour: round-trip expectancy and execution cost.</summary>
public sealed record HourCell(int Hour, int Trades, double? WinRate, double ExpectancyBps, string Source, int Samples, double? CostMeanBps, double? CostP75Bps);

/// <summary>24 hourly cells for a symbol, or the aggregate when <c>Symbol</c> is null.</summary>
public sealed record HourlyTable(string? Symbol, IReadOnlyList<HourCell> Hours);

/// <summary>
/// A parent order as listed on the Execution tab, with its result when it has one, and what the policy predicted
/// for the action it chose (null when it predicted nothing or the store predates the prediction columns).
/// </summary>
public sealed record ParentRow(
    long ParentId, long TimeNs, string Symbol, string Side, string Quantity, string RiskVerdict, string RiskReason, string? Policy,
    long? MakerFirst, double? MakerOffsetBps, string? FilledQuantity, double? CostBps, long? UsedFallback, double? PredictedFill, double? ExpectedCostBps);

/// <summary>A run's fill-model calibration (for one symbol, or all when <c>Symbol</c> is null); <c>Message</c> says why there is nothing to plot.</summary>
public sealed record CalibrationView(string RunId, string? Symbol, CalibrationTable Calibration, string? Message);

/// <summary>What the live feed compares between ticks: row counts that grow whenever anything is written.</summary>
public sealed record StoreVersion(long Health, long Parents, long Fills, long Toggles);
