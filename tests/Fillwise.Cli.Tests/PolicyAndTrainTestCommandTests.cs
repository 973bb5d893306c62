using System.Text.Json;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>Policies by name, train/test evaluation, and the config file covering every options section.</summary>
public sealed class PolicyAndTrainTestCommandTests : IDisposable
{
    private static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ATakerReplaysHealthSaysTaker()
    {
        var (exit, output, error) = Cli.Run(["replay", .. Capture, "--policy", "taker", "--db", Path.Combine(_dir, "t.db")]);
        Assert.True(exit == 0, error);
        Assert.Contains("(policy taker)", output, StringComparison.Ordinal);
        Assert.Contains("maker-first no", output, StringComparison.Ordinal);
        Assert.Contains("policy taker: always IOC/market", output, StringComparison.Ordinal);
        Assert.DoesNotContain("maker-first yes", output, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void EvalWithTrainChoosesTheBestFixedSettingOnTrainOnlyAndPairsIntelWithIt()
    {
        var train = TestPaths.Shared("binance-usdm", "ethusdt_20240718.gz");
        var (exit, output, error) = Cli.Run(["eval", .. Capture, "--train", train, TestPaths.Shared("binance-usdm", "ethusdt_20240719.gz"), "--policies", "static,intel", "--arrivals", "5s", "--json", "-"]);
        Assert.True(exit == 0, error);
        var root = JsonDocument.Parse(output).RootElement;
        var best = root.GetProperty("grid").GetProperty("best");
        Assert.Equal("train", best.GetProperty("chosen_on").GetString());
        Assert.Equal(JsonValueKind.Number, best.GetProperty("cost_bps_mean").ValueKind);
        var diff = root.GetProperty("intel_minus_best_fixed_bps");
        Assert.True(diff.GetProperty("pairs").GetInt32() > 50);
        Assert.True(diff.GetProperty("ci95")[0].GetDouble() <= diff.GetProperty("mean").GetDouble());
        Assert.Equal(2, root.GetProperty("train_inputs").GetArrayLength());
        // The grid's cells were run on the training data: its best cell's cost there differs from the reported one here.
        Assert.Equal(30, root.GetProperty("grid").GetProperty("cells").GetArrayLength());
    }

    [Fact]
    public void UnknownPolicyDuplicateConfigKeysAndOutOfRangeOptionsAreUsageErrors()
    {
        var (exit, _, error) = Cli.Run(["eval", .. Capture, "--policies", "static,clever"]);
        Assert.Equal(2, exit);
        Assert.Contains("unknown policy 'clever'", error, StringComparison.Ordinal);
        var config = Path.Combine(_dir, "c.json");
        File.WriteAllText(config, """{ "Router": { "MaxPostOnlyRejects": 1, "MaxPostOnlyRejects": 2 } }""");
        (exit, _, error) = Cli.Run(["replay", .. Capture, "--config", config, "--db", Path.Combine(_dir, "c.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("c.json", error, StringComparison.Ordinal);
        File.WriteAllText(config, """{ "Intel": { "MinSamples": 0 }, "Sizing": { "RiskFraction": 0.01 } }""");
        (exit, _, error) = Cli.Run(["replay", .. Capture, "--config", config, "--db", Path.Combine(_dir, "c.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("Intel.MinSamples must be at least 1", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", .. Capture, "--arrivals", "99999999h", "--db", Path.Combine(_dir, "c.db")]);
        Assert.Equal(2, exit);
        Assert.Contains("--arrivals", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigSectionNoPolicyOfTheRunReadsIsAnnounced()
    {
        var config = Path.Combine(_dir, "unused.json");
        File.WriteAllText(config, """{ "MakerOffset": { "NormalBaseBps": 1.5 }, "Intel": { "MinSamples": 20 } }""");
        var (exit, _, error) = Cli.Run(["replay", .. Capture, "--policy", "static", "--config", config, "--db", Path.Combine(_dir, "u.db")]);
        Assert.True(exit == 0, error);
        Assert.Contains("section MakerOffset is read only by the rules policy", error, StringComparison.Ordinal);
        Assert.Contains("section Intel is read only by the intel policy", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", .. Capture, "--policy", "rules", "--config", config, "--db", Path.Combine(_dir, "r.db")]);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("section MakerOffset", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", "--klines", TestPaths.SampleKlines("BTCUSDT-1m.csv.gz"), "--policy", "intel", "--config", config, "--db", Path.Combine(_dir, "b.db")]);
        Assert.True(exit == 0, error);
        Assert.Contains("section Intel has no effect in bar mode", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTickModeAdaptationIsPrintedAndCanBeSwitchedOff()
    {
        var (exit, _, error) = Cli.Run(["replay", .. Capture, "--policy", "static", "--db", Path.Combine(_dir, "a.db")]);
        Assert.True(exit == 0, error);
        Assert.Contains("adapted Regime.LookbackBars", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run(["replay", .. Capture, "--policy", "static", "--no-adapt", "--db", Path.Combine(_dir, "a.db")]);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("adapted", error, StringComparison.Ordinal);
    }
}
