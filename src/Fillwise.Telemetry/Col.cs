namespace Fillwise.Telemetry;

/// <summary>
/// Every column name of the store, spelled once. The writer (<see cref="Tables"/>) and the reader
/// (<see cref="TelemetryReader"/>) refer to these constants, so a typo is a compile error rather than a query
/// that fails at run time. The migrations in <see cref="Schema"/> are history and keep their literal DDL; a
/// test and the read-only open check that the migrated tables have every column <see cref="Tables"/> lists.
/// </summary>
public static class Col
{
    public const string RunId = "run_id";
    public const string Policy = "policy";
    public const string Seed = "seed";
    public const string Inputs = "inputs";
    public const string Mode = "mode";
    public const string Status = "status";
    public const string Attempts = "attempts";
    public const string DataErrors = "data_errors";
    public const string BookGaps = "book_gaps";

    public const string ParentId = "parent_id";
    public const string ChildId = "child_id";
    public const string FillId = "fill_id";
    public const string Seq = "seq";
    public const string TimeNs = "time_ns";
    public const string Symbol = "symbol";
    public const string Side = "side";
    public const string Type = "type";
    public const string Price = "price";
    public const string ArrivalMid = "arrival_mid";
    public const string Quantity = "quantity";
    public const string Source = "source";
    public const string Liquidity = "liquidity";
    public const string Fee = "fee";

    public const string RiskVerdict = "risk_verdict";
    public const string RiskReason = "risk_reason";
    public const string RiskScale = "risk_scale";
    public const string Quality = "quality";
    public const string MakerFirst = "maker_first";
    public const string TakerBias = "taker_bias";
    public const string Reason = "reason";
    public const string MakerTimeoutMs = "maker_timeout_ms";
    public const string MakerOffsetBps = "maker_offset_bps";
    public const string OffsetRegimeBps = "offset_regime_bps";
    public const string OffsetSlippageBps = "offset_slippage_bps";
    public const string OffsetFallbackBps = "offset_fallback_bps";
    public const string OffsetFillBps = "offset_fill_bps";
    public const string OffsetExpectancyBps = "offset_expectancy_bps";
    public const string Regime = "regime";
    public const string RegimeRatio = "regime_ratio";
    public const string SymbolScore = "symbol_score";
    public const string BaseQuantity = "base_quantity";
    public const string InverseVolFactor = "inverse_vol_factor";
    public const string SharpeMultiplier = "sharpe_multiplier";
    public const string IntelSizeFactor = "intel_size_factor";
    public const string RiskScaleFactor = "risk_scale_factor";
    public const string FinalSizeFactor = "final_size_factor";
    public const string Lots = "lots";
    public const string PredictedFill = "predicted_fill";
    public const string ExpectedCostBps = "expected_cost_bps";

    public const string CompletedNs = "completed_ns";
    public const string FilledQuantity = "filled_quantity";
    public const string AveragePrice = "average_price";
    public const string Fees = "fees";
    public const string CostBps = "cost_bps";
    public const string FeesBps = "fees_bps";
    public const string MakerFillRatio = "maker_fill_ratio";
    public const string UsedFallback = "used_fallback";
    public const string PostOnlyRejects = "post_only_rejects";
    public const string Errored = "errored";
    public const string TimeToFillMs = "time_to_fill_ms";

    public const string ClosedNs = "closed_ns";
    public const string EntryMs = "entry_ms";
    public const string NetReturnBps = "net_return_bps";

    public const string Enabled = "enabled";
    public const string Updated = "updated";
    public const string Score = "score";
    public const string ScoreSharpe = "score_sharpe";
    public const string ScoreRegime = "score_regime";
    public const string ScoreRouter = "score_router";
    public const string ScoreFees = "score_fees";
    public const string ScoreDrawdown = "score_drawdown";
    public const string Orders = "orders";
    public const string FallbackRatio = "fallback_ratio";
    public const string PostOnlyRejectRate = "post_only_reject_rate";
    public const string SlippageP50Bps = "slippage_p50_bps";
    public const string SlippageP75Bps = "slippage_p75_bps";
    public const string ErrorRate = "error_rate";
    public const string LatencyP95Ms = "latency_p95_ms";
    public const string MeanTimeToFillMs = "mean_time_to_fill_ms";
    public const string Position = "position";
    public const string Parents = "parents";
    public const string Denied = "denied";
    public const string Drawdown = "drawdown";
    public const string MirrorDrops = "mirror_drops";
    public const string MirrorCommits = "mirror_commits";
    public const string MirrorRetries = "mirror_retries";
    public const string MirrorFailures = "mirror_failures";
    public const string MirrorLastSuccess = "mirror_last_success";
    public const string MirrorLastError = "mirror_last_error";
    public const string MirrorCircuitOpen = "mirror_circuit_open";
}
