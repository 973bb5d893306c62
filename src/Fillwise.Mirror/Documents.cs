using System.Globalization;
using Fillwise.Execution;
using Fillwise.Mirror.Firestore;
using Google.Protobuf.WellKnownTypes;
using Value = Fillwise.Mirror.Firestore.Value;

namespace Fillwise.Mirror;

/// <summary>
/// The document layout (README "Firestore mirror"): under fillwise/{environment}/ one document per symbol in
/// each of symbols/, health/, router_metrics/ and toggles/. Typed values: doubles, integers, strings,
/// booleans, timestamps, maps and arrays; a value that was not measured (NaN) is null.
/// </summary>
internal static class Documents
{
    public static IEnumerable<Document> For(string root, string environment, ExecutionHealth h, IReadOnlyList<double> hourly, DateTimeOffset now)
    {
        var prefix = $"{root}/fillwise/{environment}";
        var symbol = h.Symbol.Value;
        var updated = Ts(now);
        var o = h.MakerOffset;
        var k = h.Kpis;
        yield return Doc($"{prefix}/symbols/{symbol}", new()
        {
            ["symbol"] = S(symbol),
            ["score"] = D(h.Score.Score),
            ["components"] = Map(new() { ["sharpe"] = D(h.Score.Sharpe), ["regime"] = D(h.Score.Regime), ["router"] = D(h.Score.Router), ["fees"] = D(h.Score.Fees), ["drawdown"] = D(h.Score.Drawdown) }),
            ["regime"] = S(h.Regime.ToString()),
            ["regime_ratio"] = D(h.RegimeRatio),
            ["policy"] = Map(new() { ["quality"] = S(h.PolicyQuality.ToString()), ["maker_first"] = B(h.PolicyMakerFirst), ["taker_bias"] = D(h.PolicyTakerBias), ["reason"] = S(h.PolicyReason) }),
            ["maker_offset_bps"] = D(o.OffsetBps),
            ["offset_contributions"] = Map(new() { ["regime_base"] = D(o.RegimeBaseBps), ["slippage"] = D(o.SlippageBps), ["fallback"] = D(o.FallbackBps), ["fill_ratio"] = D(o.FillRatioBps), ["expectancy"] = D(o.ExpectancyBps) }),
            ["intel_size_factor"] = D(h.IntelSizeFactor),
            ["final_size_factor"] = D(h.FinalSizeFactor),
            ["hourly_expectancy_bps"] = new Value { ArrayValue = new ArrayValue { Values = { hourly.Select(D) } } },
            ["replay_time"] = ReplayTime(h.TimeNs),
            ["updated"] = updated,
        });
        yield return Doc($"{prefix}/health/{symbol}", new()
        {
            ["enabled"] = B(h.Enabled),
            ["position"] = S(h.Position.ToString(CultureInfo.InvariantCulture)),
            ["parents"] = I(h.Parents),
            ["denied"] = I(h.Denied),
            ["drawdown"] = D(h.Drawdown),
            ["replay_time"] = ReplayTime(h.TimeNs),
            ["updated"] = updated,
        });
        yield return Doc($"{prefix}/router_metrics/{symbol}", new()
        {
            ["orders"] = I(k.Orders),
            ["maker_first_orders"] = I(k.MakerFirstOrders),
            ["maker_fill_ratio"] = D(k.MakerFillRatio),
            ["fallback_ratio"] = D(k.FallbackRatio),
            ["post_only_reject_rate"] = D(k.PostOnlyRejectRate),
            ["slippage_p50_bps"] = D(k.SlippageP50Bps),
            ["slippage_p75_bps"] = D(k.SlippageP75Bps),
            ["error_rate"] = D(k.ErrorRate),
            ["latency_p95_ms"] = D(k.LatencyP95Ms),
            ["mean_time_to_fill_ms"] = D(k.MeanTimeToFillMs),
            ["replay_time"] = ReplayTime(h.TimeNs),
            ["updated"] = updated,
        });
        yield return Doc($"{prefix}/toggles/{symbol}", new() { ["enabled"] = B(h.Enabled), ["updated"] = updated });
    }

    private static Document Doc(string name, Dictionary<string, Value> fields)
    {
        var document = new Document { Name = name };
        document.Fields.Add(fields);
        return document;
    }

    private static Value Map(Dictionary<string, Value> fields)
    {
        var map = new MapValue();
        map.Fields.Add(fields);
        return new Value { MapValue = map };
    }

    private static Value D(double value) => double.IsFinite(value) ? new Value { DoubleValue = value } : new Value { NullValue = NullValue.NullValue };

    private static Value I(long value) => new() { IntegerValue = value };

    private static Value S(string value) => new() { StringValue = value };

    private static Value B(bool value) => new() { BooleanValue = value };

    /// <summary>Replay time as a timestamp with full nanoseconds (an int64 of Unix ns would not survive JavaScript clients).</summary>
    private static Value ReplayTime(long unixNs) => new()
    {
        TimestampValue = new Timestamp { Seconds = Math.DivRem(unixNs, 1_000_000_000, out var nanos), Nanos = (int)nanos },
    };

    private static Value Ts(DateTimeOffset value) => new() { TimestampValue = Timestamp.FromDateTimeOffset(value) };
}
