using System.Collections.Concurrent;
using Fillwise.Intel;
using System.Data.Common;
using static Fillwise.Telemetry.Col;

namespace Fillwise.Telemetry;

/// <summary>
/// The one read model of a store, used by the dashboard and by `fillwise intel show`, over SQLite or PostgreSQL
/// alike. It only ever reads (SQLite Mode=ReadOnly, PostgreSQL default_transaction_read_only, both pooled): it
/// never creates a table, migrates or changes the journal, so it can be pointed at any store, and never blocks or
/// alters a replay writing the same store. The store is validated once at <see cref="Open"/>; a database error
/// met later (a corrupted page, a server gone) is a <see cref="StoreException"/>.
/// </summary>
public sealed class TelemetryReader
{
    private readonly DbDataSource _source;
    private readonly ConcurrentDictionary<string, (long Version, ExpectancyMap Map)> _maps = new(StringComparer.Ordinal);
    private long _queries;

    private TelemetryReader(StoreTarget target, DbDataSource source)
    {
        Target = target;
        _source = source;
    }

    public StoreTarget Target { get; }

    /// <summary>The store as shown to the user (a path, or a PostgreSQL URI without its password).</summary>
    public string Path => Target.Display;

    /// <summary>SQL statements run so far (the live feed's test shows this does not grow with clients).</summary>
    public long QueriesRun => Interlocked.Read(ref _queries);

    /// <summary>Opens and validates the store a <c>--db</c> value names; throws <see cref="StoreException"/> (one sentence) when it cannot be read.</summary>
    public static TelemetryReader Open(string db)
    {
        var target = StoreTarget.Parse(db);
        return new TelemetryReader(target, target.OpenForReading());
    }

    /// <summary>
    /// The stored runs; a <c>running</c> run whose writer is gone (nobody holds its lock: the process died before
    /// the next writer marked it) is shown as <c>interrupted</c>, as that writer will mark it.
    /// </summary>
    public IReadOnlyList<RunRow> Runs() => Read(c => Query(c, $"""
        SELECT r.{RunId}, r.{Policy}, r.{Mode}, r.{Status}, r.{Attempts},
               (SELECT COUNT(*) FROM {Tables.Parents.Name} p WHERE p.{RunId} = r.{RunId}) AS n_parents,
               (SELECT MAX({TimeNs}) FROM {Tables.Health.Name} h WHERE h.{RunId} = r.{RunId}) AS last_health_ns
        FROM {Tables.Runs.Name} r ORDER BY last_health_ns DESC NULLS LAST, r.{RunId}
        """, r => new RunRow(r.Text(RunId), r.Text(Policy), r.Text(Mode), r.Text(Status), r.Long(Attempts), r.Long("n_parents"), r.LongOrNull("last_health_ns")))
        .Select(run => Target.WriterIsGone(c, run.RunId, run.Status) ? run with { Status = RunStatuses.Text(RunStatus.Interrupted) } : run).ToList());

    /// <summary>The run to show: the one asked for if it exists, else the one with the newest health, else the newest run.</summary>
    public string? ResolveRun(string? runId) => Read(c =>
    {
        if (runId is not null)
        {
            return Query(c, $"SELECT {RunId} FROM {Tables.Runs.Name} WHERE {RunId} = @id", r => r.Text(RunId), ("@id", runId)).Count > 0 ? runId : null;
        }
        return Query(c, $"SELECT {RunId} FROM {Tables.Health.Name} ORDER BY {TimeNs} DESC LIMIT 1", r => r.Text(RunId)).FirstOrDefault()
            ?? Query(c, $"SELECT {RunId} FROM {Tables.Runs.Name} ORDER BY {Target.NewestRunFirst} LIMIT 1", r => r.Text(RunId)).FirstOrDefault();
    });

    /// <summary>Symbol toggles set by an operator: symbol -> enabled.</summary>
    public IReadOnlyDictionary<string, bool> Toggles() => Read(ToggleMap);

    /// <summary>Each symbol's latest health in the run, its last order's sizing, and the operator's toggle.</summary>
    public IReadOnlyList<SymbolHealth> Symbols(string runId) => Read(c =>
    {
        var toggles = ToggleMap(c);
        var sizing = Query(c, $"""
            SELECT p.* FROM {Tables.Parents.Name} p
            JOIN (SELECT {Symbol}, MAX({ParentId}) AS last FROM {Tables.Parents.Name} WHERE {RunId} = @run AND {Policy} IS NOT NULL GROUP BY {Symbol}) m
              ON m.{Symbol} = p.{Symbol} AND m.last = p.{ParentId}
            WHERE p.{RunId} = @run
            """, r => (Symbol: r.Text(Symbol), Row: new SizingRow(r.Long(ParentId), r.TextOrNull(BaseQuantity), r.DoubleOrNull(InverseVolFactor), r.DoubleOrNull(SharpeMultiplier),
                r.DoubleOrNull(IntelSizeFactor), r.DoubleOrNull(RiskScaleFactor), r.DoubleOrNull(FinalSizeFactor), r.LongOrNull(Lots), r.Text(Quantity))), ("@run", runId))
            .ToDictionary(x => x.Symbol, x => x.Row, StringComparer.Ordinal);
        return Query(c, $"""
            SELECT h.* FROM {Tables.Health.Name} h
            JOIN (SELECT {Symbol}, MAX({TimeNs}) AS latest FROM {Tables.Health.Name} WHERE {RunId} = @run GROUP BY {Symbol}) m
              ON m.{Symbol} = h.{Symbol} AND m.latest = h.{TimeNs}
            WHERE h.{RunId} = @run
            ORDER BY h.{Symbol}
            """, r =>
        {
            var symbol = r.Text(Symbol);
            return new SymbolHealth(
                symbol, r.Long(TimeNs), r.Long(Enabled) != 0 && toggles.GetValueOrDefault(symbol, true),
                new ScoreRow(symbol, r.DoubleOrNull(Score), r.DoubleOrNull(ScoreSharpe), r.DoubleOrNull(ScoreRegime), r.DoubleOrNull(ScoreRouter), r.DoubleOrNull(ScoreFees), r.DoubleOrNull(ScoreDrawdown)),
                r.Text(Col.Regime), r.DoubleOrNull(RegimeRatio), r.Text(Quality), r.Long(MakerFirst) != 0, r.Double(TakerBias), r.Text(Reason),
                Offset(r), r.Double(IntelSizeFactor), r.Double(FinalSizeFactor),
                new KpisRow(r.Long(Orders), r.DoubleOrNull(MakerFillRatio), r.DoubleOrNull(FallbackRatio), r.DoubleOrNull(PostOnlyRejectRate), r.DoubleOrNull(SlippageP50Bps),
                    r.DoubleOrNull(SlippageP75Bps), r.DoubleOrNull(ErrorRate), r.DoubleOrNull(LatencyP95Ms), r.DoubleOrNull(MeanTimeToFillMs)),
                r.Text(Position), r.Long(Col.Parents), r.Long(Denied), r.Double(Drawdown), sizing.GetValueOrDefault(symbol),
                r.LongOrNull(MirrorDrops) is { } drops
                    ? new MirrorRow(drops, r.Long(MirrorCommits), r.Long(MirrorRetries), r.Long(MirrorFailures), r.TextOrNull(MirrorLastSuccess), r.TextOrNull(MirrorLastError), r.Long(MirrorCircuitOpen) != 0)
                    : null);
        }, ("@run", runId));
    });

    /// <summary>The seed's GetSymbolScore: the latest score with its components, or null.</summary>
    public ScoreRow? GetSymbolScore(string runId, Fillwise.Core.Symbol symbol) =>
        Symbols(runId).FirstOrDefault(s => s.Symbol == symbol.Value)?.Score;

    /// <summary>The seed's GetHourlyExpectancy: 24 UTC-hour cells for a symbol, or the aggregate when symbol is null.</summary>
    public HourlyTable GetHourlyExpectancy(string runId, Fillwise.Core.Symbol? symbol)
    {
        var map = Map(runId);
        var hours = Enumerable.Range(0, 24).Select(h => symbol is { } s ? map.Get(s, h) : map.GetAggregate(h))
            .Select(c => new HourCell(c.Bucket, c.Trades, Finite(c.WinRate), c.ExpectancyBps, c.Source.ToString(), c.SlippageSamples, Finite(c.SlippageMeanBps), Finite(c.SlippageP75Bps)))
            .ToList();
        return new HourlyTable(symbol?.Value, hours);
    }

    public IReadOnlyList<string> SymbolsWithHealth(string runId) => Read(c =>
        Query(c, $"SELECT DISTINCT {Symbol} FROM {Tables.Health.Name} WHERE {RunId} = @run ORDER BY {Symbol}", r => r.Text(Symbol), ("@run", runId)));

    /// <summary>Offset history, thinned to at most <paramref name="maxPoints"/> evenly spaced snapshots (always keeping the latest).</summary>
    public IReadOnlyList<OffsetRow> OffsetHistory(string runId, Fillwise.Core.Symbol symbol, int maxPoints = 500) => Read(c =>
    {
        var count = Query(c, $"SELECT COUNT(*) AS n FROM {Tables.Health.Name} WHERE {RunId} = @run AND {Symbol} = @s", r => r.Long("n"), ("@run", runId), ("@s", symbol.Value)).Single();
        var step = Math.Max(1, (count + maxPoints - 1) / maxPoints);
        return Query(c, $"""
            SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY {TimeNs} DESC) - 1 AS back FROM {Tables.Health.Name} WHERE {RunId} = @run AND {Symbol} = @s) thinned
            WHERE back % @step = 0 ORDER BY {TimeNs}
            """, Offset, ("@run", runId), ("@s", symbol.Value), ("@step", step));
    });

    /// <summary>The newest parent orders of a run with their results.</summary>
    public IReadOnlyList<ParentRow> Parents(string runId, int limit) => Read(c => Query(c, $"""
        SELECT p.*, r.{FilledQuantity}, r.{CostBps}, r.{UsedFallback}
        FROM {Tables.Parents.Name} p LEFT JOIN {Tables.Results.Name} r USING ({RunId}, {ParentId})
        WHERE p.{RunId} = @run ORDER BY p.{ParentId} DESC LIMIT @limit
        """, r => new ParentRow(r.Long(ParentId), r.Long(TimeNs), r.Text(Symbol), r.Text(Side), r.Text(Quantity), r.Text(RiskVerdict), r.Text(RiskReason), r.TextOrNull(Policy),
            r.LongOrNull(MakerFirst), r.DoubleOrNull(MakerOffsetBps), r.TextOrNull(FilledQuantity), r.DoubleOrNull(CostBps), r.LongOrNull(UsedFallback),
            r.DoubleOrNull(PredictedFill), r.DoubleOrNull(ExpectedCostBps)), ("@run", runId), ("@limit", limit)));

    /// <summary>
    /// Predicted vs realised fill (and cost) of a run's finished parent orders, optionally of one symbol, through
    /// <see cref="FillCalibration"/>. A run stored before the prediction columns, or by a policy that predicts
    /// nothing, gives an empty table and a message rather than an error.
    /// </summary>
    public CalibrationView Calibration(string runId, Fillwise.Core.Symbol? symbol, CalibrationOptions? options = null)
    {
        var bySymbol = symbol is null ? "" : $" AND p.{Symbol} = @s";
        (string, object)[] parameters = symbol is { } s ? [("@run", runId), ("@s", s.Value)] : [("@run", runId)];
        var samples = Read(c => Query(c, $"""
            SELECT p.{PredictedFill}, p.{ExpectedCostBps}, r.{MakerFillRatio}, r.{CostBps}
            FROM {Tables.Parents.Name} p JOIN {Tables.Results.Name} r USING ({RunId}, {ParentId})
            WHERE p.{RunId} = @run AND (p.{PredictedFill} IS NOT NULL OR p.{ExpectedCostBps} IS NOT NULL){bySymbol}
            ORDER BY p.{ParentId}
            """, r => new CalibrationSample(r.DoubleOrNull(PredictedFill) ?? double.NaN, r.DoubleOrNull(ExpectedCostBps) ?? double.NaN,
                FillCalibration.FilledAsMaker(r.DoubleOrNull(MakerFillRatio) ?? double.NaN), r.DoubleOrNull(CostBps) ?? double.NaN), parameters));
        var table = FillCalibration.Build(samples, options);
        var scope = symbol is { } x ? $"{x} in run {runId}" : $"run {runId}";
        var message = table.IsEmpty
            ? $"No predictions stored for {scope}: its policy predicts no P(fill), or the run was written before fillwise stored predictions."
            : table.Rows.Count == 0 ? $"No bucket of {scope} has {table.MinParents} or more parents yet ({table.Parents} parents with a prediction)." : null;
        return new CalibrationView(runId, symbol?.Value, table, message);
    }

    /// <summary>
    /// One parent order with every stored column (its RouterContext and sizing factors), its children, fills and
    /// result; null when unknown. Kept as column -> value maps on purpose: a column added to <see cref="Tables"/>
    /// shows up on the parent page without another change.
    /// </summary>
    public Dictionary<string, object?>? Parent(string runId, long parentId) => Read(c =>
    {
        var parent = Rows(c, Tables.Parents, ParentId, runId, parentId).FirstOrDefault();
        if (parent is null)
        {
            return null;
        }
        parent["children"] = Rows(c, Tables.Children, ChildId, runId, parentId);
        parent["fills"] = Rows(c, Tables.Fills, FillId, runId, parentId);
        parent["result"] = Rows(c, Tables.Results, ParentId, runId, parentId).FirstOrDefault();
        return parent;
    });

    /// <summary>A cheap fingerprint of the store for the live feed, in one statement: it changes whenever anything is written.</summary>
    public StoreVersion Version() => Read(c => Query(c, $"""
        SELECT (SELECT COUNT(*) FROM {Tables.Health.Name}) AS h, (SELECT COUNT(*) FROM {Tables.Parents.Name}) AS p, (SELECT COUNT(*) FROM {Tables.Fills.Name}) AS f,
               (SELECT COUNT(*) + COALESCE(SUM({Enabled}), 0) FROM {Tables.Toggles.Name}) AS t
        """, r => new StoreVersion(r.Long("h"), r.Long("p"), r.Long("f"), r.Long("t"))).Single());

    /// <summary>The run's expectancy map, rebuilt only when its results or round trips changed (the hot API path).</summary>
    private ExpectancyMap Map(string runId) => Read(c =>
    {
        var version = Query(c, $"""
            SELECT (SELECT COUNT(*) FROM {Tables.Results.Name} WHERE {RunId} = @run) * 1000003 + (SELECT COUNT(*) FROM {Tables.RoundTrips.Name} WHERE {RunId} = @run) AS v
            """, r => r.Long("v"), ("@run", runId)).Single();
        if (_maps.TryGetValue(runId, out var cached) && cached.Version == version)
        {
            return cached.Map;
        }
        var trades = Query(c, $"SELECT * FROM {Tables.RoundTrips.Name} WHERE {RunId} = @run AND {NetReturnBps} IS NOT NULL",
            r => new TradeRecord(new Fillwise.Core.Symbol(r.Text(Symbol)), r.Long(EntryMs), r.Double(NetReturnBps)), ("@run", runId));
        var costs = Query(c, $"SELECT * FROM {Tables.Results.Name} WHERE {RunId} = @run AND {CostBps} IS NOT NULL",
            r => new SlippageSample(new Fillwise.Core.Symbol(r.Text(Symbol)), r.Long(CompletedNs) / 1_000_000, r.Double(CostBps)), ("@run", runId));
        var map = ExpectancyMap.Build([.. trades], [.. costs]);
        _maps[runId] = (version, map);
        return map;
    });

    private static OffsetRow Offset(StoreRow r) =>
        new(r.Long(TimeNs), r.Double(MakerOffsetBps), r.DoubleOrNull(OffsetRegimeBps), r.DoubleOrNull(OffsetSlippageBps), r.DoubleOrNull(OffsetFallbackBps), r.DoubleOrNull(OffsetFillBps), r.DoubleOrNull(OffsetExpectancyBps));

    /// <summary>Symbol -> enabled, in symbol order (the API's JSON object keeps it).</summary>
    private Dictionary<string, bool> ToggleMap(DbConnection c) =>
        Query(c, $"SELECT {Symbol}, {Enabled} FROM {Tables.Toggles.Name} ORDER BY {Symbol}", r => (r.Text(Symbol), r.Long(Enabled) != 0)).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    /// <summary>Rows of a run's table for one parent, ordered by <paramref name="key"/>, as column -> value.</summary>
    private List<Dictionary<string, object?>> Rows(DbConnection c, ITable table, string key, string runId, long parentId) =>
        Query(c, $"SELECT * FROM {table.Name} WHERE {RunId} = @run AND {ParentId} = @id ORDER BY {key}", r => r.All(), ("@run", runId), ("@id", parentId));

    /// <summary>Runs <paramref name="body"/> on a pooled read-only connection; database errors become one sentence.</summary>
    private T Read<T>(Func<DbConnection, T> body)
    {
        try
        {
            using var connection = _source.OpenConnection();
            return body(connection);
        }
        catch (DbException e)
        {
            throw Target.Explain(e);
        }
    }

    internal List<T> Query<T>(DbConnection connection, string sql, Func<StoreRow, T> map, params (string Name, object Value)[] parameters)
    {
        Interlocked.Increment(ref _queries);
        using var command = Sql.Command(connection, sql, [.. parameters.Select(p => (p.Name, (object?)p.Value))]);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        var row = new StoreRow(reader);
        while (reader.Read())
        {
            rows.Add(map(row));
        }
        return rows;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>The current row of a query, read by column name (never by position).</summary>
internal sealed class StoreRow(DbDataReader reader)
{
    // Through Convert: an aggregate such as SUM over integers is numeric, not bigint, on PostgreSQL.
    public long Long(string column) => Convert.ToInt64(reader.GetValue(reader.GetOrdinal(column)), System.Globalization.CultureInfo.InvariantCulture);

    public long? LongOrNull(string column) => reader.GetOrdinal(column) is var i && reader.IsDBNull(i) ? null : Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    public double Double(string column) => reader.GetDouble(reader.GetOrdinal(column));

    public double? DoubleOrNull(string column) => reader.GetOrdinal(column) is var i && reader.IsDBNull(i) ? null : reader.GetDouble(i);

    public string Text(string column) => reader.GetString(reader.GetOrdinal(column));

    public string? TextOrNull(string column) => reader.GetOrdinal(column) is var i && reader.IsDBNull(i) ? null : reader.GetString(i);

    /// <summary>Every column of the row; NaN/∞ become null ("not measured").</summary>
    public Dictionary<string, object?> All()
    {
        var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
            row[reader.GetName(i)] = value is double d && !double.IsFinite(d) ? null : value;
        }
        return row;
    }
}
