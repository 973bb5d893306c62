using System.Globalization;
using Fillwise.Execution;
using Microsoft.Data.Sqlite;

namespace Fillwise.Telemetry;

/// <summary>
/// The executor's sink into the store: rows are buffered and written in one transaction per batch. Writes are
/// INSERT OR IGNORE on natural keys, so replaying a crashed run's prefix again changes nothing.
/// </summary>
public sealed class TelemetryWriter : ITelemetrySink
{
    private const string ParentSql = """
        INSERT OR IGNORE INTO parents VALUES ($run, $p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15, $p16, $p17,
            $p18, $p19, $p20, $p21, $p22, $p23, $p24, $p25, $p26, $p27, $p28, $p29, $p30, $p31)
        """;
    private const string ChildSql = "INSERT OR IGNORE INTO children VALUES ($run, $p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7)";
    private const string FillSql = "INSERT OR IGNORE INTO fills VALUES ($run, $p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9)";
    private const string ResultSql = "INSERT OR IGNORE INTO results VALUES ($run, $p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12)";
    private const string RoundTripSql = "INSERT OR IGNORE INTO round_trips VALUES ($run, $p0, $p1, $p2, $p3, $p4)";
    private const string HealthSql = """
        INSERT OR IGNORE INTO health VALUES ($run, $p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15, $p16, $p17,
            $p18, $p19, $p20, $p21, $p22, $p23, $p24, $p25, $p26, $p27, $p28, $p29, $p30, $p31, $p32, $p33, $p34, $p35,
            $p36, $p37, $p38, $p39, $p40, $p41, $p42)
        """;

    private readonly SqliteConnection _connection;
    private readonly string _runId;
    private readonly int _batchSize;
    private readonly List<(string Sql, object?[] Values)> _pending = [];

    internal TelemetryWriter(SqliteConnection connection, string runId, int batchSize)
    {
        _connection = connection;
        _runId = runId;
        _batchSize = Math.Max(1, batchSize);
    }

    /// <summary>Batches committed so far (each one transaction).</summary>
    public long Batches { get; private set; }

    public void Parent(ParentRecord r)
    {
        var c = r.Context;
        var s = c?.Sizing;
        var o = c?.OffsetDetail;
        Add(ParentSql, r.ParentId, r.TimeNs, r.Symbol.Value, r.Side.ToString(), Money(r.ArrivalMid), Money(r.Quantity), r.Source,
            r.Risk.Verdict.ToString(), r.Risk.Reason.ToString(), r.Risk.Scale,
            c?.Policy.ToString(), c?.Quality.ToString(), c is null ? null : c.MakerFirst ? 1 : 0, c?.TakerBias, c?.Reason, c?.MakerTimeout.TotalMilliseconds,
            c?.MakerOffsetBps, o?.RegimeBaseBps, o?.SlippageBps, o?.FallbackBps, o?.FillRatioBps, o?.ExpectancyBps,
            c?.Regime.ToString(), Real(c?.RegimeRatio), Real(c?.SymbolScore),
            s is null ? null : Money(s.Value.BaseQuantity), s?.InverseVolFactor, s?.SharpeMultiplier, s?.IntelSizeFactor, s?.RiskScale, s?.FinalSizeFactor, s?.Lots);
    }

    public void Child(ChildRecord r) =>
        Add(ChildSql, r.ChildId, r.ParentId, r.TimeNs, r.Symbol.Value, r.Side.ToString(), r.Type.ToString(), Money(r.Price), Money(r.Quantity));

    public void Fill(FillRecord r) =>
        Add(FillSql, r.FillId, r.ChildId, r.ParentId, r.TimeNs, r.Symbol.Value, r.Side.ToString(), Money(r.Price), Money(r.Quantity), r.Liquidity.ToString(), Money(r.Fee));

    public void Result(ParentResult r) =>
        Add(ResultSql, r.ParentId, r.CompletedNs, r.Symbol.Value, Money(r.FilledQuantity), Money(r.AveragePrice), Money(r.Fees), Real(r.CostBps), Real(r.FeesBps),
            Real(r.MakerFillRatio), r.UsedFallback ? 1 : 0, r.PostOnlyRejects, r.Errored ? 1 : 0, Real(r.TimeToFillMs));

    public void RoundTrip(RoundTripRecord r) =>
        Add(RoundTripSql, r.Sequence, r.ClosedNs, r.Symbol.Value, r.EntryTimeMs, Real(r.NetReturnBps));

    public void Health(ExecutionHealth h)
    {
        var k = h.Kpis;
        var o = h.MakerOffset;
        var s = h.Score;
        var m = h.Mirror;
        Add(HealthSql, h.TimeNs, h.Symbol.Value, h.Enabled ? 1 : 0, h.PolicyQuality.ToString(), h.PolicyMakerFirst ? 1 : 0, h.PolicyTakerBias, h.PolicyReason,
            o.OffsetBps, o.RegimeBaseBps, o.SlippageBps, o.FallbackBps, o.FillRatioBps, o.ExpectancyBps,
            h.IntelSizeFactor, h.FinalSizeFactor, h.Regime.ToString(), Real(h.RegimeRatio),
            Real(s.Score), Real(s.Sharpe), Real(s.Regime), Real(s.Router), Real(s.Fees), Real(s.Drawdown),
            k.Orders, Real(k.MakerFillRatio), Real(k.FallbackRatio), Real(k.PostOnlyRejectRate), Real(k.SlippageP50Bps), Real(k.SlippageP75Bps),
            Real(k.ErrorRate), Real(k.LatencyP95Ms), Real(k.MeanTimeToFillMs), Money(h.Position), h.Parents, h.Denied, h.Drawdown,
            m?.Drops, m?.Commits, m?.Retries, m?.Failures, m?.LastSuccess?.ToString("O", CultureInfo.InvariantCulture), m?.LastError, m is null ? null : m.CircuitOpen ? 1 : 0);
    }

    /// <summary>Commits everything buffered in one transaction.</summary>
    public void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        using var transaction = _connection.BeginTransaction();
        var commands = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var (sql, values) in _pending)
            {
                if (!commands.TryGetValue(sql, out var command))
                {
                    command = _connection.CreateCommand();
                    command.CommandText = sql;
                    command.Transaction = transaction;
                    command.Parameters.AddWithValue("$run", _runId);
                    for (var i = 0; i < values.Length; i++)
                    {
                        command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
                    }
                    command.Prepare();
                    commands.Add(sql, command);
                }
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters[i + 1].Value = values[i] ?? DBNull.Value;
                }
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                command.Dispose();
            }
        }
        _pending.Clear();
        Batches++;
    }

    private void Add(string sql, params object?[] values)
    {
        _pending.Add((sql, values));
        if (_pending.Count >= _batchSize)
        {
            Flush();
        }
    }

    private static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>NaN/∞ ("not measured") are stored as NULL.</summary>
    private static object? Real(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
