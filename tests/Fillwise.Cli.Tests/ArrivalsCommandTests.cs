using System.Text.Json;
using Fillwise.Telemetry;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>`--arrivals EVERY | informed:EVERY | mixed:EVERY`: the seeded TCA schedules from the command line.</summary>
public sealed class ArrivalsCommandTests : IDisposable
{
    private static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-arrivals-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void AMixedFlowIsItsOwnScheduleAndHalfOfItsParentsAreInformed()
    {
        var db = Path.Combine(_dir, "mixed.db");
        var (exit, output, error) = Run(["replay", .. Capture, "--arrivals", "mixed:2s", "--policy", "static", "--db", db, "--json"]);
        Assert.True(exit == 0, error);
        // The schedule is part of the run's identity: the same data under informed flow is another run.
        var (informedExit, informed, informedError) = Run(["replay", .. Capture, "--arrivals", "informed:2s", "--policy", "static", "--db", db, "--json"]);
        Assert.True(informedExit == 0, informedError);
        Assert.NotEqual(JsonDocument.Parse(output).RootElement.GetProperty("run_id").GetString(), JsonDocument.Parse(informed).RootElement.GetProperty("run_id").GetString());
        using var store = TelemetryStore.Open(db);
        var sources = store.Query($"SELECT source, COUNT(*) FROM parents WHERE run_id = '{JsonDocument.Parse(output).RootElement.GetProperty("run_id").GetString()}' GROUP BY source ORDER BY source").ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(["arrivals", "informed"], sources.Keys);
        Assert.InRange(sources["informed"], sources["arrivals"] / 2, sources["arrivals"] * 2);
    }

    [Theory]
    [InlineData("often:2s", "expected EVERY, informed:EVERY or mixed:EVERY")]
    [InlineData("mixed:", "give how often after the colon (e.g. mixed:2s)")]
    [InlineData("arrivals:2s", "expected EVERY, informed:EVERY or mixed:EVERY")]
    [InlineData("informed:0s", "--arrivals")]
    public void ABadScheduleIsOneSentence(string value, string expected)
    {
        var (exit, _, error) = Run(["eval", .. Capture, "--arrivals", value]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }
}
