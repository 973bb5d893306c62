using System.Diagnostics;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// What the user's environment can put where `fillwise` keeps its JIT profiles. The runtime reads the whole profile
/// before the command starts and writes it through links, so what is at the path is checked first; run as real
/// processes, since the profile is the process's.
/// </summary>
public sealed class JitProfilePathTests : IDisposable
{
    private const string ProfileName = "data-inspect.jitprofile";
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-jit-path-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task APipeAHugeFileAnEmptyFileOrALinkAtTheProfilesPathIsReplacedAndTheCommandRunsTheSame()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes and symbolic links as made here are Linux's
        }
        var expected = await Inspect(new() { ["FILLWISE_JIT_PROFILE"] = "off" });
        var victim = Path.Combine(_dir, "victim.txt");
        await File.WriteAllTextAsync(victim, "not a profile");
        var cases = new Dictionary<string, Action<string>>
        {
            // A pipe: the runtime's read of it waited for a writer for ever.
            ["pipe"] = path => Assert.Equal(0, Run("mkfifo", path)),
            // 5 MB: the runtime read all of it (a 3 GB file took 13 s and 2 GB of memory).
            ["huge"] = path => File.WriteAllBytes(path, new byte[5 << 20]),
            ["empty"] = path => File.WriteAllBytes(path, []),
            // A link, as another user could plant in a shared directory: the runtime wrote the profile over its target.
            ["link"] = path => File.CreateSymbolicLink(path, victim),
        };
        foreach (var (name, make) in cases)
        {
            var dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
            var profile = Path.Combine(dir, ProfileName);
            make(profile);

            Assert.Equal(expected, await Inspect(new() { ["FILLWISE_JIT_PROFILE"] = dir }));
            var written = new FileInfo(profile);
            Assert.True(written.LinkTarget is null && written.Length is > 1_000 and < 1_000_000, $"{name}: {written.LinkTarget} {written.Length} bytes");
        }
        Assert.Equal("not a profile", await File.ReadAllTextAsync(victim));
    }

    [Fact]
    public async Task OffInAnyCaseRecordsNothingAndARelativeXdgCacheHomeIsIgnored()
    {
        // GetFolderPath gives no home directory that does not exist.
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        foreach (var off in new[] { "off", "OFF", "False", "no", "0" })
        {
            await Inspect(new() { ["FILLWISE_JIT_PROFILE"] = off, ["HOME"] = home, ["XDG_CACHE_HOME"] = null });
        }
        // OFF, False and no had each made a directory of that name in the working directory.
        Assert.All(Directory.GetFileSystemEntries(_dir), e => Assert.Equal("home", Path.GetFileName(e)));
        Assert.False(Directory.Exists(Path.Combine(home, ".cache", "fillwise")), "an off setting writes no profile to the default place either");

        // A relative XDG_CACHE_HOME would put a cache wherever the command was started: the XDG spec says to ignore it.
        await Inspect(new() { ["FILLWISE_JIT_PROFILE"] = null, ["HOME"] = home, ["XDG_CACHE_HOME"] = "relative-cache" });
        Assert.False(Directory.Exists(Path.Combine(_dir, "relative-cache")));
        Assert.True(File.Exists(Path.Combine(home, ".cache", "fillwise", "jit", ProfileName)), "HOME's .cache is used instead");
    }

    /// <summary>`fillwise data inspect` of a sample capture, started in the test's directory: its JSON.</summary>
    private async Task<string> Inspect(Dictionary<string, string?> environment)
    {
        var (exit, output, error) = await Cli.RunProcess(environment, _dir, TimeSpan.FromMinutes(1), "data", "inspect", TestPaths.SampleCapture("btcusdt_20240718.gz"), "--json");
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return output;
    }

    private static int Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args))!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
