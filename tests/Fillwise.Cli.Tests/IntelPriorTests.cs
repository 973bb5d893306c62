using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Execution.Signals;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>The intel policy starting from what it learned earlier: in memory (eval --train), as a file (--intel-prior / --intel-save).</summary>
public sealed class IntelPriorTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-prior-").FullName;

    private static readonly string[] Btc0718 = [TestPaths.SampleCapture("btcusdt_20240718.gz")];

    private static BacktestResult Run(IntelModel? prior = null, ExecutorOptions? options = null)
    {
        var inputs = BacktestInputs.Load(Btc0718, null, SymbolCatalog.Default);
        var (adapted, _) = inputs.Adapt(Evaluation.TcaOptions(options));
        return BacktestEngine.Run(inputs, new BacktestSpec("intel", 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5_000m, 1)), adapted, Prior: prior));
    }

    [Fact]
    public void A_prior_ends_the_cold_start_and_the_file_round_trips_exactly()
    {
        var cold = Run();
        var learned = cold.Learned!;
        Assert.True(learned.Samples(new Symbol("BTCUSDT")) > 1_000, $"{learned.Samples(new Symbol("BTCUSDT"))} outcomes learned");
        Assert.StartsWith("cold start", cold.Telemetry.Parents[0].Context!.Reason, StringComparison.Ordinal);

        var path = Path.Combine(_dir, "model.json");
        IntelModelFile.Save(path, learned);
        var loaded = IntelModelFile.Load(path);
        Assert.Equal(IntelModelFile.Fingerprint(learned), IntelModelFile.Fingerprint(loaded));

        var warm = Run(loaded);
        Assert.StartsWith("chose ", warm.Telemetry.Parents[0].Context!.Reason, StringComparison.Ordinal);
        // Deterministic from the same prior, and it learns on top of it.
        Assert.Equal(warm.Stats.CostBpsMean, Run(loaded).Stats.CostBpsMean);
        Assert.True(warm.Learned!.TotalSamples > learned.TotalSamples / 10);
    }

    [Fact]
    public void A_model_learned_under_other_actions_or_a_damaged_file_is_refused_with_one_sentence()
    {
        var learned = Run().Learned!;
        var other = Evaluation.TcaOptions() with { Intel = new IntelPolicyOptions { PatiencesS = [5, 30] } };
        var mismatch = Assert.Throws<OptionsException>(() => ExecutionPolicies.Create("intel", other, learned));
        Assert.Contains("Intel.PatiencesS", mismatch.Message, StringComparison.Ordinal);

        var path = Path.Combine(_dir, "model.json");
        IntelModelFile.Save(path, learned);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"n\":[", "\"n\":[1,", StringComparison.Ordinal));
        var damaged = Assert.Throws<InvalidDataException>(() => IntelModelFile.Load(path));
        Assert.StartsWith(path + ": not a Fillwise intel model", damaged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', damaged.Message);

        var (exit, _, err) = Cli.Run("replay", "--capture", Btc0718[0], "--db", Path.Combine(_dir, "x.db"), "--intel-prior", path);
        Assert.Equal(2, exit);
        Assert.Contains("not a Fillwise intel model", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.db")), "nothing is stored from a refused prior");
    }

    [Fact]
    public void Replay_saves_the_model_and_a_run_from_it_is_a_different_run()
    {
        var db = Path.Combine(_dir, "runs.db");
        var model = Path.Combine(_dir, "btc.json");
        var first = Cli.Run("replay", "--capture", Btc0718[0], "--arrivals", "2s", "--db", db, "--intel-save", model);
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("intel model (", first.Err, StringComparison.Ordinal);
        var again = Cli.Run("replay", "--capture", Btc0718[0], "--arrivals", "2s", "--db", db, "--intel-prior", model, "--json");
        Assert.True(again.Exit == 0, again.Err);
        Assert.DoesNotContain("already_complete", again.Out, StringComparison.Ordinal);
    }
}
