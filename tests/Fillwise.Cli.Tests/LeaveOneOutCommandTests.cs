using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// `eval --set A --set B`: each set evaluated with the others as training data, one row per set and seed — the same
/// numbers as the matching `eval --capture A --train B`, plus cold intel and the best constant in hindsight.
/// </summary>
public sealed class LeaveOneOutCommandTests
{
    private static readonly string SampleSet = string.Join(',', TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz"));

    [SharedDataFact]
    public void EachSetIsEvaluatedWithTheOthersAsTrainingDataLikeEvalWithTrain()
    {
        var eth = new[] { TestPaths.Shared("binance-usdm", "ethusdt_20240718.gz"), TestPaths.Shared("binance-usdm", "ethusdt_20240719.gz") };
        var (exit, output, error) = Cli.Run(["eval", "--set", SampleSet, "--set", string.Join(',', eth), "--seeds", "1", "--policies", "static,intel", "--arrivals", "5s", "--json", "-"]);
        Assert.True(exit == 0, error);
        var rows = JsonDocument.Parse(output).RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.StartsWith("BTCUSDT 2024-07-18", rows[0].GetProperty("set").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("ETHUSDT 2024-07-18", rows[1].GetProperty("set").GetString(), StringComparison.Ordinal);
        foreach (var row in rows.EnumerateArray())
        {
            Assert.True(row.GetProperty("intel_minus_static_bps").GetProperty("pairs").GetInt32() > 50);
            Assert.Equal("train", row.GetProperty("best_fixed_train").GetProperty("chosen_on").GetString());
            Assert.Equal("hindsight", row.GetProperty("best_fixed_hindsight").GetProperty("chosen_on").GetString());
            // The constant chosen in hindsight on the set is the cheapest there: never dearer than the one chosen on training data.
            Assert.True(row.GetProperty("best_fixed_hindsight").GetProperty("cost_bps_mean_marked").GetDouble() <= row.GetProperty("best_fixed_train").GetProperty("cost_bps_mean_marked").GetDouble());
            Assert.True(row.GetProperty("intel_prior_samples").GetInt64() > 0, "warm intel learned on the other set");
            // Choosing per parent or per context in hindsight is never dearer than the one best cell.
            var headroom = row.GetProperty("headroom");
            Assert.True(headroom.GetProperty("clairvoyant_minus_best_bps").GetProperty("ci95")[1].GetDouble() <= 0);
            Assert.True(headroom.GetProperty("intel_contexts_minus_best_bps").GetProperty("mean").GetDouble() <= 0);
            Assert.InRange(headroom.GetProperty("intel_contexts").GetInt32(), 1, 18); // 3 queue x 3 flow x 2 spread buckets
            Assert.True(headroom.GetProperty("best_minus_static_bps").GetProperty("pairs").GetInt32() > 50);
            // The constant chosen out of fold: five blocks in time, each with a setting of the grid, paired against the
            // hindsight cell and by both intels.
            var crossFitted = row.GetProperty("cross_fitted");
            Assert.Equal(5, crossFitted.GetProperty("folds").GetInt32());
            Assert.Equal(5, crossFitted.GetProperty("settings").GetArrayLength());
            Assert.All(crossFitted.GetProperty("settings").EnumerateArray(), s => Assert.Contains(s.GetProperty("timeout_s").GetInt32(), new[] { 2, 10, 30, 60, 120 }));
            var luck = crossFitted.GetProperty("cross_fitted_minus_best_bps");
            var intelMinus = crossFitted.GetProperty("intel_minus_cross_fitted_bps");
            var intelMinusHindsight = row.GetProperty("intel_minus_best_hindsight_bps");
            Assert.True(luck.GetProperty("pairs").GetInt32() > 50);
            // Every parent is priced by every cell here, so the pairs are the same and the differences add up (to the
            // JSON's four decimals, three rounded numbers each).
            Assert.Equal(intelMinusHindsight.GetProperty("pairs").GetInt32(), intelMinus.GetProperty("pairs").GetInt32());
            Assert.Equal(intelMinusHindsight.GetProperty("mean").GetDouble() - luck.GetProperty("mean").GetDouble(), intelMinus.GetProperty("mean").GetDouble(), tolerance: 2e-4);
            Assert.Equal(
                crossFitted.GetProperty("cost_bps_mean_marked").GetDouble() - row.GetProperty("best_fixed_hindsight").GetProperty("cost_bps_mean_marked").GetDouble(),
                luck.GetProperty("mean").GetDouble(), tolerance: 2e-4);
            Assert.True(row.GetProperty("intel_cold_minus_cross_fitted_bps").GetProperty("pairs").GetInt32() > 50);
            // The grid's leader walk-forward starts from the constant chosen on the training set and keeps it until a
            // parent's orders have completed in every cell; every scored parent is worked with some cell.
            var leader = row.GetProperty("walk_forward");
            var start = leader.GetProperty("start");
            Assert.Equal(
                row.GetProperty("best_fixed_train").GetProperty("setting").GetString(),
                new FixedSetting(start.GetProperty("offset_bps").GetDouble(), start.GetProperty("timeout_s").GetInt32(), start.GetProperty("peg").GetBoolean()).ToString());
            var lag = leader.GetProperty("walk_forward_minus_best_bps");
            Assert.Equal(intelMinusHindsight.GetProperty("pairs").GetInt32(), lag.GetProperty("pairs").GetInt32());
            Assert.Equal(lag.GetProperty("pairs").GetInt32(), leader.GetProperty("used").EnumerateArray().Sum(u => u.GetProperty("parents").GetInt32()));
            Assert.InRange(leader.GetProperty("from_start").GetInt32(), 2, lag.GetProperty("pairs").GetInt32() / 2);
            Assert.Equal(intelMinusHindsight.GetProperty("mean").GetDouble() - lag.GetProperty("mean").GetDouble(), leader.GetProperty("intel_minus_walk_forward_bps").GetProperty("mean").GetDouble(), tolerance: 2e-4);
            Assert.Equal(
                leader.GetProperty("cost_bps_mean_marked").GetDouble() - row.GetProperty("best_fixed_hindsight").GetProperty("cost_bps_mean_marked").GetDouble(),
                lag.GetProperty("mean").GetDouble(), tolerance: 2e-4);
            Assert.True(row.GetProperty("intel_cold_minus_walk_forward_bps").GetProperty("pairs").GetInt32() > 50);
        }

        // The headroom is the set's alone, `eval --capture <sample set> --grid` (in hindsight, cold intel): the contexts are
        // what the market looked like at each arrival, whatever intel had learned (the row's intel is warm).
        var (hindsightExit, hindsight, hindsightError) = Cli.Run(["eval", "--capture", .. SampleSet.Split(','), "--grid", "--seed", "1", "--policies", "static,intel", "--arrivals", "5s", "--json", "-"]);
        Assert.True(hindsightExit == 0, hindsightError);
        Assert.Equal(
            JsonSerializer.Serialize(JsonDocument.Parse(hindsight).RootElement.GetProperty("grid").GetProperty("headroom")),
            JsonSerializer.Serialize(rows[0].GetProperty("headroom")));
        // Without training data the leader starts from static's setting (touch, 10 s).
        var plainLeader = JsonDocument.Parse(hindsight).RootElement.GetProperty("grid").GetProperty("walk_forward");
        Assert.Equal("{\"offset_bps\":0,\"timeout_s\":10,\"peg\":false}", JsonSerializer.Serialize(plainLeader.GetProperty("start")));
        Assert.True(plainLeader.GetProperty("intel_minus_walk_forward_bps").GetProperty("pairs").GetInt32() > 50);
        // So is the constant chosen out of fold (only intel against it differs: cold there, warm in the row).
        var outOfFold = JsonDocument.Parse(hindsight).RootElement.GetProperty("grid").GetProperty("cross_fitted");
        foreach (var key in new[] { "settings", "cost_bps_mean_marked", "cross_fitted_minus_best_bps" })
        {
            Assert.Equal(JsonSerializer.Serialize(outOfFold.GetProperty(key)), JsonSerializer.Serialize(rows[0].GetProperty("cross_fitted").GetProperty(key)));
        }
        Assert.Equal(
            JsonSerializer.Serialize(outOfFold.GetProperty("intel_minus_cross_fitted_bps")),
            JsonSerializer.Serialize(rows[0].GetProperty("intel_cold_minus_cross_fitted_bps")));

        // The first row is `eval --capture <sample set> --train <eth set>`, number for number.
        var (single, alone, singleError) = Cli.Run(["eval", "--capture", .. SampleSet.Split(','), "--train", .. eth, "--seed", "1", "--policies", "static,intel", "--arrivals", "5s", "--json", "-"]);
        Assert.True(single == 0, singleError);
        var root = JsonDocument.Parse(alone).RootElement;
        foreach (var key in new[] { "intel_minus_static_bps", "intel_minus_best_fixed_bps" })
        {
            Assert.Equal(JsonSerializer.Serialize(root.GetProperty(key)), JsonSerializer.Serialize(rows[0].GetProperty(key)));
        }
        Assert.Equal(root.GetProperty("policies").GetProperty("intel").GetProperty("cost_bps_mean_marked").GetDouble(), rows[0].GetProperty("cost_bps_mean_marked").GetProperty("intel").GetDouble());
    }

    [Fact]
    public void MisusedSetsAndSeedsAreOneSentenceAndExit2()
    {
        var (exit, _, error) = Cli.Run(["eval", "--set", SampleSet]);
        Assert.Equal(2, exit);
        Assert.Contains("at least two sets", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["eval", "--set", SampleSet, "--set", SampleSet, "--capture", TestPaths.SampleCapture("btcusdt_20240718.gz")]);
        Assert.Equal(2, exit);
        Assert.Contains("--set replaces --capture", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["eval", "--set", SampleSet, "--set", SampleSet, "--seeds", "1,x"]);
        Assert.Equal(2, exit);
        Assert.Contains("--seeds: 'x' is not a seed", error, StringComparison.Ordinal);
        // --seed would be silently ignored next to --seeds.
        (exit, _, error) = Cli.Run(["eval", "--set", SampleSet, "--set", SampleSet, "--seed", "5", "--seeds", "1,7"]);
        Assert.Equal(2, exit);
        Assert.Contains("--seed and --seeds conflict", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["eval", "--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), "--seeds", "1,7"]);
        Assert.Equal(2, exit);
        Assert.Contains("--seeds goes with --set", error, StringComparison.Ordinal);
    }
    [Fact]
    public void SetsThatRepeatOrOverlapInTimeAreRefusedBeforeTheRun()
    {
        // A set in its own training data would be chosen on and learned from the very data it is evaluated on.
        var july18 = TestPaths.SampleCapture("btcusdt_20240718.gz");
        foreach (var args in new[] { new[] { "--set", july18, "--set", july18 }, ["--set", SampleSet, "--set", july18] })
        {
            var (exit, output, error) = Cli.Run(["eval", .. args, "--policies", "static,intel", "--arrivals", "5s"]);
            Assert.Equal(2, exit);
            Assert.Contains("overlap in time", error, StringComparison.Ordinal);
            Assert.Equal("", output);
            Assert.Single(error.Trim().Split('\n'));
        }
    }

    [SharedDataFact]
    public void SetsOfDifferentMarketsAreRefused()
    {
        var (exit, _, error) = Cli.Run(["eval", "--set", TestPaths.Shared("binance-spot", "ethusdt_20240808.gz"), "--set", TestPaths.Shared("binance-usdm", "ethusdt_20240718.gz"), "--policies", "static,intel", "--arrivals", "5s"]);
        Assert.Equal(2, exit);
        Assert.Contains("one market", error, StringComparison.Ordinal);
        Assert.Contains("spot", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ASetWhoseBookNeverSyncsIsNamedAndItsEmptyCellsAreDashes()
    {
        // btcusdt_20240719.gz alone holds no depth snapshot: every order on it is refused (no market data).
        var (exit, output, error) = Cli.Run(["eval", "--set", TestPaths.SampleCapture("btcusdt_20240719.gz"), "--set", TestPaths.SampleCapture("btcusdt_20240718.gz"), "--policies", "static,intel", "--arrivals", "5s"]);
        Assert.True(exit == 0, error);
        Assert.Contains("btcusdt_20240719.gz: The book of BTCUSDT was not in sync", error, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);
        Assert.Contains("| BTCUSDT 2024-07-19 00:00 UTC, 5 min | 1 | 0 | - | - | - | - [-] | - [-] |", output, StringComparison.Ordinal);
    }
}
