using System.Globalization;
using Fillwise.Execution;

namespace Fillwise.Telemetry;

/// <summary>A stored table: its name and its columns after <c>run_id</c> (or all of them, for tables without one).</summary>
public interface ITable
{
    string Name { get; }
    IReadOnlyList<string> Columns { get; }
}

/// <summary>A table with no writer-side record (written by hand-written SQL in <see cref="TelemetryStore"/>).</summary>
public sealed record PlainTable(string Name, IReadOnlyList<string> Columns) : ITable;

/// <summary>One column of a table written from records of type <typeparamref name="T"/>: its name and how to get its value.</summary>
public sealed record Column<T>(string Name, Func<T, object?> Value);

/// <summary>
/// A table the executor's sink writes: every column with the expression that fills it, so adding a column is
/// one line here (plus its migration). The INSERT names its columns, so its order no longer matters.
/// </summary>
public sealed class Table<T> : ITable
{
    public Table(string name, params Column<T>[] columns)
    {
        Name = name;
        Definition = columns;
        Columns = [.. columns.Select(c => c.Name)];
        InsertSql = $"INSERT INTO {name} ({Col.RunId}, {string.Join(", ", Columns)}) VALUES (@run, {string.Join(", ", Columns.Select(c => "@" + c))}) ON CONFLICT DO NOTHING";
    }

    public string Name { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<Column<T>> Definition { get; }
    internal string InsertSql { get; }

    internal object?[] Values(T record)
    {
        var values = new object?[Definition.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Definition[i].Value(record);
        }
        return values;
    }
}

/// <summary>The store's tables, each defined once; the writer inserts and the reader validates through these.</summary>
public static class Tables
{
    public static readonly PlainTable Runs = new("runs", [Col.RunId, Col.Policy, Col.Seed, Col.Inputs, Col.Mode, Col.Status, Col.Attempts, Col.DataErrors, Col.BookGaps]);

    public static readonly PlainTable Toggles = new("toggles", [Col.Symbol, Col.Enabled, Col.Updated]);

    public static readonly Table<ParentRecord> Parents = new("parents",
        new(Col.ParentId, r => r.ParentId),
        new(Col.TimeNs, r => r.TimeNs),
        new(Col.Symbol, r => r.Symbol.Value),
        new(Col.Side, r => r.Side.ToString()),
        new(Col.ArrivalMid, r => Money(r.ArrivalMid)),
        new(Col.Quantity, r => Money(r.Quantity)),
        new(Col.Source, r => r.Source),
        new(Col.RiskVerdict, r => r.Risk.Verdict.ToString()),
        new(Col.RiskReason, r => r.Risk.Reason.ToString()),
        new(Col.RiskScale, r => r.Risk.Scale),
        new(Col.Policy, r => r.Context?.Policy.ToString()),
        new(Col.Quality, r => r.Context?.Quality.ToString()),
        new(Col.MakerFirst, r => r.Context is null ? null : r.Context.MakerFirst ? 1 : 0),
        new(Col.TakerBias, r => r.Context?.TakerBias),
        new(Col.Reason, r => r.Context?.Reason),
        new(Col.MakerTimeoutMs, r => r.Context?.MakerTimeout.TotalMilliseconds),
        new(Col.MakerOffsetBps, r => r.Context?.MakerOffsetBps),
        new(Col.OffsetRegimeBps, r => r.Context?.OffsetDetail.RegimeBaseBps),
        new(Col.OffsetSlippageBps, r => r.Context?.OffsetDetail.SlippageBps),
        new(Col.OffsetFallbackBps, r => r.Context?.OffsetDetail.FallbackBps),
        new(Col.OffsetFillBps, r => r.Context?.OffsetDetail.FillRatioBps),
        new(Col.OffsetExpectancyBps, r => r.Context?.OffsetDetail.ExpectancyBps),
        new(Col.Regime, r => r.Context?.Regime.ToString()),
        new(Col.RegimeRatio, r => Real(r.Context?.RegimeRatio)),
        new(Col.SymbolScore, r => Real(r.Context?.SymbolScore)),
        new(Col.BaseQuantity, r => r.Context is { } c ? Money(c.Sizing.BaseQuantity) : null),
        new(Col.InverseVolFactor, r => r.Context?.Sizing.InverseVolFactor),
        new(Col.SharpeMultiplier, r => r.Context?.Sizing.SharpeMultiplier),
        new(Col.IntelSizeFactor, r => r.Context?.Sizing.IntelSizeFactor),
        new(Col.RiskScaleFactor, r => r.Context?.Sizing.RiskScale),
        new(Col.FinalSizeFactor, r => r.Context?.Sizing.FinalSizeFactor),
        new(Col.Lots, r => r.Context?.Sizing.Lots),
        new(Col.PredictedFill, r => Real(r.Context?.PredictedFillProbability)),
        new(Col.ExpectedCostBps, r => Real(r.Context?.ExpectedCostBps)));

    public static readonly Table<ChildRecord> Children = new("children",
        new(Col.ChildId, r => r.ChildId),
        new(Col.ParentId, r => r.ParentId),
        new(Col.TimeNs, r => r.TimeNs),
        new(Col.Symbol, r => r.Symbol.Value),
        new(Col.Side, r => r.Side.ToString()),
        new(Col.Type, r => r.Type.ToString()),
        new(Col.Price, r => Money(r.Price)),
        new(Col.Quantity, r => Money(r.Quantity)));

    public static readonly Table<FillRecord> Fills = new("fills",
        new(Col.FillId, r => r.FillId),
        new(Col.ChildId, r => r.ChildId),
        new(Col.ParentId, r => r.ParentId),
        new(Col.TimeNs, r => r.TimeNs),
        new(Col.Symbol, r => r.Symbol.Value),
        new(Col.Side, r => r.Side.ToString()),
        new(Col.Price, r => Money(r.Price)),
        new(Col.Quantity, r => Money(r.Quantity)),
        new(Col.Liquidity, r => r.Liquidity.ToString()),
        new(Col.Fee, r => Money(r.Fee)));

    public static readonly Table<ParentResult> Results = new("results",
        new(Col.ParentId, r => r.ParentId),
        new(Col.CompletedNs, r => r.CompletedNs),
        new(Col.Symbol, r => r.Symbol.Value),
        new(Col.FilledQuantity, r => Money(r.FilledQuantity)),
        new(Col.AveragePrice, r => Money(r.AveragePrice)),
        new(Col.Fees, r => Money(r.Fees)),
        new(Col.CostBps, r => Real(r.CostBps)),
        new(Col.FeesBps, r => Real(r.FeesBps)),
        new(Col.MakerFillRatio, r => Real(r.MakerFillRatio)),
        new(Col.UsedFallback, r => r.UsedFallback ? 1 : 0),
        new(Col.PostOnlyRejects, r => r.PostOnlyRejects),
        new(Col.Errored, r => r.Errored ? 1 : 0),
        new(Col.TimeToFillMs, r => Real(r.TimeToFillMs)));

    public static readonly Table<RoundTripRecord> RoundTrips = new("round_trips",
        new(Col.Seq, r => r.Sequence),
        new(Col.ClosedNs, r => r.ClosedNs),
        new(Col.Symbol, r => r.Symbol.Value),
        new(Col.EntryMs, r => r.EntryTimeMs),
        new(Col.NetReturnBps, r => Real(r.NetReturnBps)));

    public static readonly Table<ExecutionHealth> Health = new("health",
        new(Col.TimeNs, h => h.TimeNs),
        new(Col.Symbol, h => h.Symbol.Value),
        new(Col.Enabled, h => h.Enabled ? 1 : 0),
        new(Col.Quality, h => h.PolicyQuality.ToString()),
        new(Col.MakerFirst, h => h.PolicyMakerFirst ? 1 : 0),
        new(Col.TakerBias, h => h.PolicyTakerBias),
        new(Col.Reason, h => h.PolicyReason),
        new(Col.MakerOffsetBps, h => h.MakerOffset.OffsetBps),
        new(Col.OffsetRegimeBps, h => h.MakerOffset.RegimeBaseBps),
        new(Col.OffsetSlippageBps, h => h.MakerOffset.SlippageBps),
        new(Col.OffsetFallbackBps, h => h.MakerOffset.FallbackBps),
        new(Col.OffsetFillBps, h => h.MakerOffset.FillRatioBps),
        new(Col.OffsetExpectancyBps, h => h.MakerOffset.ExpectancyBps),
        new(Col.IntelSizeFactor, h => h.IntelSizeFactor),
        new(Col.FinalSizeFactor, h => h.FinalSizeFactor),
        new(Col.Regime, h => h.Regime.ToString()),
        new(Col.RegimeRatio, h => Real(h.RegimeRatio)),
        new(Col.Score, h => Real(h.Score.Score)),
        new(Col.ScoreSharpe, h => Real(h.Score.Sharpe)),
        new(Col.ScoreRegime, h => Real(h.Score.Regime)),
        new(Col.ScoreRouter, h => Real(h.Score.Router)),
        new(Col.ScoreFees, h => Real(h.Score.Fees)),
        new(Col.ScoreDrawdown, h => Real(h.Score.Drawdown)),
        new(Col.Orders, h => h.Kpis.Orders),
        new(Col.MakerFillRatio, h => Real(h.Kpis.MakerFillRatio)),
        new(Col.FallbackRatio, h => Real(h.Kpis.FallbackRatio)),
        new(Col.PostOnlyRejectRate, h => Real(h.Kpis.PostOnlyRejectRate)),
        new(Col.SlippageP50Bps, h => Real(h.Kpis.SlippageP50Bps)),
        new(Col.SlippageP75Bps, h => Real(h.Kpis.SlippageP75Bps)),
        new(Col.ErrorRate, h => Real(h.Kpis.ErrorRate)),
        new(Col.LatencyP95Ms, h => Real(h.Kpis.LatencyP95Ms)),
        new(Col.MeanTimeToFillMs, h => Real(h.Kpis.MeanTimeToFillMs)),
        new(Col.Position, h => Money(h.Position)),
        new(Col.Parents, h => h.Parents),
        new(Col.Denied, h => h.Denied),
        new(Col.Drawdown, h => h.Drawdown),
        new(Col.MirrorDrops, h => h.Mirror?.Drops),
        new(Col.MirrorCommits, h => h.Mirror?.Commits),
        new(Col.MirrorRetries, h => h.Mirror?.Retries),
        new(Col.MirrorFailures, h => h.Mirror?.Failures),
        new(Col.MirrorLastSuccess, h => h.Mirror?.LastSuccess?.ToString("O", CultureInfo.InvariantCulture)),
        new(Col.MirrorLastError, h => h.Mirror?.LastError),
        new(Col.MirrorCircuitOpen, h => h.Mirror is null ? null : h.Mirror.CircuitOpen ? 1 : 0));

    /// <summary>Every table, for validating a store before reading it.</summary>
    public static IReadOnlyList<ITable> All { get; } = [Runs, Toggles, Parents, Children, Fills, Results, RoundTrips, Health];

    /// <summary>Tables whose columns follow <c>run_id</c> (the writer's tables).</summary>
    internal static bool HasRunId(ITable table) => table is not PlainTable;

    private static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>NaN/∞ ("not measured") are stored as NULL.</summary>
    private static object? Real(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
