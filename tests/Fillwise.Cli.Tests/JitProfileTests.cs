using System.Diagnostics;
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir };
        start.Environment["FILLWISE_JIT_PROFILE"] = profileSetting;
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "fillwise.dll"), "replay", "--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"),
            TestPaths.SampleCapture("btcusdt_20240719.gz"), "--policy", "intel", "--arrivals", "10s", "--db", Path.Combine(_dir, db), "--json"])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        var summary = JsonNode.Parse(await output)!.AsObject();
        Assert.True(summary["orders"]!.GetValue<int>() > 40, summary.ToJsonString());
        summary.Remove("decision_latency_p50_us");
        summary.Remove("decision_latency_p99_us");
        summary.Remove("db");
        return summary.ToJsonString();
    }
}
