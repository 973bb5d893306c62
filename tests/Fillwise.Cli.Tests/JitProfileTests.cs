using System.Text.Json.Nodes;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// `fillwise` records the methods a command compiled (multicore JIT) and the next run of the same kind compiles
/// them on another core: only timing may change. Run as real processes, since the profile is the process's.
/// </summary>
public sealed class JitProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-jit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AReplayRecordsItsProfileAndGivesTheSameResultWithItWithoutItOrWhereNoneCanBeWritten()
    {
        var profiles = Path.Combine(_dir, "profiles");

        var recording = await Replay("a.db", profiles);
        var profile = Path.Combine(profiles, "replay-capture.jitprofile");
        Assert.True(File.Exists(profile), "the first run records the replay's profile");
        Assert.True(new FileInfo(profile).Length > 1_000, $"{new FileInfo(profile).Length} bytes");

        // A failed run (here a missing file, exit 2) leaves the profile as it was: its short recording is dropped.
        var before = await File.ReadAllBytesAsync(profile);
        var (exit, _, _) = await Start(profiles, "replay", "--capture", Path.Combine(_dir, "missing.gz"), "--policy", "intel", "--db", Path.Combine(_dir, "x.db"));
        Assert.Equal(2, exit);
        Assert.Equal(before, await File.ReadAllBytesAsync(profile));

        var playing = await Replay("b.db", profiles);
        var off = await Replay("c.db", "off");
        // A file where the directory should be: it cannot be created, and the run goes on without a profile.
        var blocked = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocked, "not a directory");
        var unwritable = await Replay("d.db", Path.Combine(blocked, "profiles"));

        Assert.Equal(["replay-capture.jitprofile"], Directory.GetFiles(profiles).Select(Path.GetFileName));
        foreach (var other in new[] { playing, off, unwritable })
        {
            Assert.Equal(recording, other);
        }
    }

    /// <summary>The replay's JSON summary without its wall-clock decision latencies, which are all that may differ.</summary>
    private async Task<string> Replay(string db, string profileSetting)
    {
        var (exit, output, error) = await Start(profileSetting, "replay", "--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"),
            TestPaths.SampleCapture("btcusdt_20240719.gz"), "--policy", "intel", "--arrivals", "10s", "--db", Path.Combine(_dir, db), "--json");
        Assert.True(exit == 0, $"exit {exit}: {error}");
        var summary = JsonNode.Parse(output)!.AsObject();
        Assert.True(summary["orders"]!.GetValue<int>() > 40, summary.ToJsonString());
        summary.Remove("decision_latency_p50_us");
        summary.Remove("decision_latency_p99_us");
        summary.Remove("db");
        return summary.ToJsonString();
    }

    private Task<(int Exit, string Out, string Err)> Start(string profileSetting, params string[] args) =>
        Cli.RunProcess(new Dictionary<string, string?> { ["FILLWISE_JIT_PROFILE"] = profileSetting }, _dir, TimeSpan.FromMinutes(2), args);
}
