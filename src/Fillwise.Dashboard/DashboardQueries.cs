using Fillwise.Core;
using Fillwise.Intel;
using Fillwise.Telemetry;

namespace Fillwise.Dashboard;

public sealed record RunInfoDto(string RunId, string Policy, string Mode, string Status, long Attempts, long Parents, long? LastHealthNs);

public sealed record ScoreDto(string Symbol, double? Score, double? Sharpe, double? Regime, double? Router, double? Fees, double? Drawdown);

public sealed record OffsetDto(long TimeNs, double OffsetBps, double? RegimeBaseBps, double? SlippageBps, double? FallbackBps, double? FillRatioBps, double? ExpectancyBps);

public sealed record KpisDto(long Orders, double? MakerFillRatio, double? FallbackRatio, double? PostOnlyRejectRate, double? SlippageP50Bps, double? SlippageP75Bps, double? ErrorRate, double? LatencyP95Ms, double? MeanTimeToFillMs);

/// <summary>Every sizing factor of the symbol's latest routed parent order, down to the final size.</summary>
public sealed record SizingDto(long ParentId, string? BaseQuantity, double? InverseVolFactor, double? SharpeMultiplier, double? IntelSizeFactor, double? RiskScaleFactor, double? FinalSizeFactor, long? Lots, string Quantity);

public sealed record SymbolStateDto(
    string Symbol, long TimeNs, bool Enabled, ScoreDto Score, string Regime, double? RegimeRatio,
    string Quality, bool MakerFirst, double TakerBias, string Reason, OffsetDto Offset,
    double IntelSizeFactor, double FinalSizeFactor, KpisDto Kpis, string Position, long Parents, long Denied, double Drawdown, SizingDto? LastSizing, MirrorDto? Mirror);

/// <summary>The Firestore mirror's status at the snapshot; null when the run had no mirror.</summary>
public sealed record MirrorDto(long Drops, long Commits, long Retries, long Failures, string? LastSuccess, string? LastError, bool CircuitOpen);

public sealed record HourDto(int Hour, int Trades, double? WinRate, double ExpectancyBps, string Source, int Samples, double? CostMeanBps, double? CostP75Bps);

public sealed record ExpectancyDto(string? Symbol, IReadOnlyList<HourDto> Hours);

/// <summary>
/// Read-only queries behind every panel. Each call opens its own connection (SQLite connections are not shared
/// across threads; WAL lets readers run while a replay writes).
/// </summary>
public sealed class DashboardQueries
{
    private readonly string _databasePath;

    /// <summary>Opens the store once writable so an older schema is migrated; every query after that is read-only.</summary>
    public DashboardQueries(string databasePath)
    {
        _databasePath = databasePath;
        TelemetryStore.Open(_databasePath).Dispose();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Version, ExpectancyMap Map)> _maps = new(StringComparer.Ordinal);

    private const string LatestHealthSql = """
        SELECT h.symbol, h.time_ns, h.enabled, h.score, h.score_sharpe, h.score_regime, h.score_router, h.score_fees, h.score_drawdown,
               h.regime, h.regime_ratio, h.quality, h.maker_first, h.taker_bias, h.reason,
               h.maker_offset_bps, h.offset_regime_bps, h.offset_slippage_bps, h.offset_fallback_bps, h.offset_fill_bps, h.offset_expectancy_bps,
               h.intel_size_factor, h.final_size_factor, h.orders, h.maker_fill_ratio, h.fallback_ratio, h.post_only_reject_rate,
               h.slippage_p50_bps, h.slippage_p75_bps, h.error_rate, h.latency_p95_ms, h.mean_time_to_fill_ms, h.position, h.parents, h.denied, h.drawdown,
               h.mirror_drops, h.mirror_commits, h.mirror_retries, h.mirror_failures, h.mirror_last_success, h.mirror_last_error, h.mirror_circuit_open
        FROM health h
        JOIN (SELECT symbol, MAX(time_ns) AS latest FROM health WHERE run_id = $run GROUP BY symbol) m ON m.symbol = h.symbol AND m.latest = h.time_ns
        WHERE h.run_id = $run
        ORDER BY h.symbol
        """;

    /// <summary>A read-only connection for queries (pooled; never migrates or blocks a writer).</summary>
    public TelemetryStore Open() => TelemetryStore.OpenReadOnly(_databasePath);

    /// <summary>A writable connection, for the operator's toggles only.</summary>
    public TelemetryStore OpenForWrite() => TelemetryStore.Open(_databasePath);

    public IReadOnlyList<RunInfoDto> Runs()
    {
        using var store = Open();
        return [.. store.Query("""
            SELECT r.run_id, r.policy, r.mode, r.status, r.attempts,
                   (SELECT COUNT(*) FROM parents p WHERE p.run_id = r.run_id), (SELECT MAX(time_ns) FROM health h WHERE h.run_id = r.run_id)
            FROM runs r ORDER BY 7 DESC, r.run_id
            """).Select(r => new RunInfoDto((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (long)r[4]!, (long)r[5]!, r[6] as long?))];
    }

    /// <summary>The run to show: the one asked for, else the one with the newest health.</summary>
    public string? ResolveRun(string? runId)
    {
        using var store = Open();
        if (runId is not null)
        {
            return store.Query("SELECT run_id FROM runs WHERE run_id = $id", ("$id", runId)).Count > 0 ? runId : null;
        }
        return store.Query("SELECT run_id FROM health ORDER BY time_ns DESC LIMIT 1").FirstOrDefault()?[0] as string
            ?? store.Query("SELECT run_id FROM runs ORDER BY rowid DESC LIMIT 1").FirstOrDefault()?[0] as string;
    }

    public IReadOnlyList<SymbolStateDto> Symbols(string runId)
    {
        using var store = Open();
        var toggles = store.Toggles();
        var sizing = store.Query("""
            SELECT p.symbol, p.parent_id, p.base_quantity, p.inverse_vol_factor, p.sharpe_multiplier, p.intel_size_factor, p.risk_scale_factor, p.final_size_factor, p.lots, p.quantity
            FROM parents p JOIN (SELECT symbol, MAX(parent_id) AS last FROM parents WHERE run_id = $run AND policy IS NOT NULL GROUP BY symbol) m
              ON m.symbol = p.symbol AND m.last = p.parent_id
            WHERE p.run_id = $run
            """, ("$run", runId)).ToDictionary(r => (string)r[0]!, r => new SizingDto((long)r[1]!, r[2] as string, D(r[3]), D(r[4]), D(r[5]), D(r[6]), D(r[7]), r[8] as long?, (string)r[9]!), StringComparer.Ordinal);
        return [.. store.Query(LatestHealthSql, ("$run", runId)).Select(r =>
        {
            var symbol = (string)r[0]!;
            var enabled = (long)r[2]! != 0 && toggles.GetValueOrDefault(new Symbol(symbol), true);
            return new SymbolStateDto(
                symbol, (long)r[1]!, enabled, new ScoreDto(symbol, D(r[3]), D(r[4]), D(r[5]), D(r[6]), D(r[7]), D(r[8])),
                (string)r[9]!, D(r[10]), (string)r[11]!, (long)r[12]! != 0, (double)r[13]!, (string)r[14]!,
                new OffsetDto((long)r[1]!, (double)r[15]!, D(r[16]), D(r[17]), D(r[18]), D(r[19]), D(r[20])),
                (double)r[21]!, (double)r[22]!,
                new KpisDto((long)r[23]!, D(r[24]), D(r[25]), D(r[26]), D(r[27]), D(r[28]), D(r[29]), D(r[30]), D(r[31])),
                (string)r[32]!, (long)r[33]!, (long)r[34]!, (double)r[35]!, sizing.GetValueOrDefault(symbol),
                r[36] is long drops ? new MirrorDto(drops, (long)r[37]!, (long)r[38]!, (long)r[39]!, r[40] as string, r[41] as string, (long)r[42]! != 0) : null);
        })];
    }

    /// <summary>The seed's GetSymbolScore: the latest score with its components, or null.</summary>
    public ScoreDto? GetSymbolScore(string runId, Symbol symbol) =>
        Symbols(runId).FirstOrDefault(s => s.Symbol == symbol.Value)?.Score;

    /// <summary>The seed's GetHourlyExpectancy: 24 UTC-hour cells for a symbol, or the aggregate when symbol is null.</summary>
    public ExpectancyDto GetHourlyExpectancy(string runId, Symbol? symbol)
    {
        var map = Map(runId);
        var hours = Enumerable.Range(0, 24).Select(h => symbol is { } s ? map.Get(s, h) : map.GetAggregate(h))
            .Select(c => new HourDto(c.Bucket, c.Trades, F(c.WinRate), c.ExpectancyBps, c.Source.ToString(), c.SlippageSamples, F(c.SlippageMeanBps), F(c.SlippageP75Bps)))
            .ToList();
        return new ExpectancyDto(symbol?.Value, hours);
    }

    /// <summary>The run's expectancy map, rebuilt only when its results or round trips changed (the hot API path).</summary>
    private ExpectancyMap Map(string runId)
    {
        using var store = Open();
        var version = (long)store.Query("SELECT (SELECT COUNT(*) FROM results WHERE run_id = $run) * 1000003 + (SELECT COUNT(*) FROM round_trips WHERE run_id = $run)", ("$run", runId)).Single()[0]!;
        if (_maps.TryGetValue(runId, out var cached) && cached.Version == version)
        {
            return cached.Map;
        }
        var trades = store.Query("SELECT symbol, entry_ms, net_return_bps FROM round_trips WHERE run_id = $run AND net_return_bps IS NOT NULL", ("$run", runId))
            .Select(r => new TradeRecord(new Symbol((string)r[0]!), (long)r[1]!, (double)r[2]!)).ToArray();
        var costs = store.Query("SELECT symbol, completed_ns, cost_bps FROM results WHERE run_id = $run AND cost_bps IS NOT NULL", ("$run", runId))
            .Select(r => new SlippageSample(new Symbol((string)r[0]!), (long)r[1]! / 1_000_000, (double)r[2]!)).ToArray();
        var map = ExpectancyMap.Build(trades, costs);
        _maps[runId] = (version, map);
        return map;
    }

    public IReadOnlyList<string> SymbolsWithHealth(string runId)
    {
        using var store = Open();
        return [.. store.Query("SELECT DISTINCT symbol FROM health WHERE run_id = $run ORDER BY symbol", ("$run", runId)).Select(r => (string)r[0]!)];
    }

    /// <summary>Offset history, thinned to at most <paramref name="maxPoints"/> evenly spaced snapshots (always keeping the latest).</summary>
    public IReadOnlyList<OffsetDto> OffsetHistory(string runId, Symbol symbol, int maxPoints = 500)
    {
        using var store = Open();
        var count = (long)store.Query("SELECT COUNT(*) FROM health WHERE run_id = $run AND symbol = $s", ("$run", runId), ("$s", symbol.Value)).Single()[0]!;
        var step = Math.Max(1, (count + maxPoints - 1) / maxPoints);
        return [.. store.Query("""
            SELECT time_ns, maker_offset_bps, offset_regime_bps, offset_slippage_bps, offset_fallback_bps, offset_fill_bps, offset_expectancy_bps
            FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY time_ns DESC) - 1 AS back FROM health WHERE run_id = $run AND symbol = $s)
            WHERE back % $step = 0 ORDER BY time_ns
            """, ("$run", runId), ("$s", symbol.Value), ("$step", step)).Select(r => new OffsetDto((long)r[0]!, (double)r[1]!, D(r[2]), D(r[3]), D(r[4]), D(r[5]), D(r[6])))];
    }

    public IReadOnlyList<Dictionary<string, object?>> Parents(string runId, int limit)
    {
        using var store = Open();
        return Rows(store, """
            SELECT p.parent_id, p.time_ns, p.symbol, p.side, p.quantity, p.risk_verdict, p.risk_reason, p.policy, p.maker_first, p.maker_offset_bps,
                   r.filled_quantity, r.cost_bps, r.used_fallback
            FROM parents p LEFT JOIN results r USING (run_id, parent_id) WHERE p.run_id = $run ORDER BY p.parent_id DESC LIMIT $limit
            """, ("$run", runId), ("$limit", limit));
    }

    /// <summary>One parent order: its RouterContext and every sizing factor, children, fills and result; null when unknown.</summary>
    public Dictionary<string, object?>? Parent(string runId, long parentId)
    {
        using var store = Open();
        var parent = Rows(store, "SELECT * FROM parents WHERE run_id = $run AND parent_id = $id", ("$run", runId), ("$id", parentId)).FirstOrDefault();
        if (parent is null)
        {
            return null;
        }
        parent["children"] = Rows(store, "SELECT * FROM children WHERE run_id = $run AND parent_id = $id ORDER BY child_id", ("$run", runId), ("$id", parentId));
        parent["fills"] = Rows(store, "SELECT * FROM fills WHERE run_id = $run AND parent_id = $id ORDER BY fill_id", ("$run", runId), ("$id", parentId));
        parent["result"] = Rows(store, "SELECT * FROM results WHERE run_id = $run AND parent_id = $id", ("$run", runId), ("$id", parentId)).FirstOrDefault();
        return parent;
    }

    /// <summary>A cheap fingerprint of the store for the live feed: changes whenever anything is written.</summary>
    public (long Health, long Parents, long Fills, long Toggles) Fingerprint()
    {
        using var store = Open();
        var r = store.Query("SELECT (SELECT COUNT(*) FROM health), (SELECT COUNT(*) FROM parents), (SELECT COUNT(*) FROM fills), (SELECT COUNT(*) + COALESCE(SUM(enabled), 0) FROM toggles)").Single();
        return ((long)r[0]!, (long)r[1]!, (long)r[2]!, (long)r[3]!);
    }

    private static List<Dictionary<string, object?>> Rows(TelemetryStore store, string sql, params (string, object)[] parameters)
    {
        var columns = store.Columns(sql, parameters);
        return [.. store.Query(sql, parameters).Select(row => columns.Select((c, i) => (c, row[i])).ToDictionary(x => x.c, x => Normalize(x.Item2)))];
    }

    private static object? Normalize(object? value) => value is double d && !double.IsFinite(d) ? null : value;

    private static double? D(object? value) => value as double?;

    private static double? F(double value) => double.IsFinite(value) ? value : null;
}
