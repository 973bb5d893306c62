using System.Runtime;
using Fillwise.Backtest;
using Fillwise.Execution;
using Fillwise.Venues.Replay;

namespace Fillwise.Cli;

/// <summary>
/// Multicore JIT for the command line (<see cref="ProfileOptimization"/>). `fillwise` runs with tiering off, so every
/// method a command touches is compiled, optimised, on its first call: ~1,400 methods in a replay, most of them on
/// the command's own thread. The runtime records which methods a command compiled in a profile, and the next run of
/// the same kind of command compiles them on another core ahead of their first call. One profile per kind of command
/// (its words and its input option, e.g. <c>replay-capture</c>), in the user's cache directory. A profile names each
/// assembly by its build id (MVID), so after a rebuild the runtime skips the stale entries and the run records afresh.
/// A replay ends its profile when its engine starts (<see cref="StopAtFirstStep"/>): by then the warm-up has compiled
/// the decision path, and compiles still running on the other core would share the cores with the run's decisions.
/// A run records into a file of its own, which replaces the profile only when the command succeeds.
/// Only timing changes: results are the same with or without a profile. <c>FILLWISE_JIT_PROFILE=off</c> (or 0, false,
/// no; any case) turns it off, <c>FILLWISE_JIT_PROFILE=DIR</c> keeps the profiles in DIR; a directory that cannot be
/// created is skipped silently.
/// </summary>
internal static class JitProfile
{
    private static readonly string[] InputOptions = ["--capture", "--klines", "--catalog"];
    private static readonly string[] OffSettings = ["off", "0", "false", "no"];

    /// <summary>Real profiles are 10-60 KB; the runtime reads the whole file into memory (a 3 GB one took 13 s and 2 GB).</summary>
    private const long MaxProfileBytes = 4 << 20;

    private static int _started;
    private static string? _final;
    private static string? _working;

    /// <summary>Whether this run compiles ahead from a recorded profile (its first run of a kind, or with profiles off, does not).</summary>
    public static bool Playing { get; private set; }

    /// <summary>
    /// Plays the kind of command's profile and records this run's into a file of the process's own, which
    /// <see cref="Finish"/> puts in its place only when the command succeeds: a failed or interrupted run (a missing
    /// file, a usage error, Ctrl+C) would otherwise replace a good profile with a short one, and concurrent runs never
    /// write the same file.
    /// </summary>
    public static void Start(IReadOnlyList<string> args)
    {
        // A native build has nothing to compile at run time (and no profile to record).
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported
            || Name(args) is not { } name || ProfileDirectory(Environment.GetEnvironmentVariable) is not { } dir)
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(dir);
            var final = Path.Combine(dir, name);
            ClearUnusable(final);
            var working = $"{name}.{Environment.ProcessId}.tmp";
            ClearStale(dir, name);
            var playing = File.Exists(final);
            if (playing)
            {
                // CreateNew: never through a link someone placed at the working name.
                using var from = new FileStream(final, FileMode.Open, FileAccess.Read);
                using var to = new FileStream(Path.Combine(dir, working), FileMode.CreateNew, FileAccess.Write);
                from.CopyTo(to);
            }
            ProfileOptimization.SetProfileRoot(dir);
            ProfileOptimization.StartProfile(working);
            (_final, _working) = (final, Path.Combine(dir, working));
            _started = 1;
            Playing = playing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // Only a head start: the command runs the same without it.
        }
    }

    /// <summary>Writes what was recorded so far and stops recording and the compiles ahead (once; nothing when no profile runs).</summary>
    public static void Stop()
    {
        if (Interlocked.Exchange(ref _started, 0) == 1)
        {
            ProfileOptimization.StartProfile(null);
        }
    }

    /// <summary>At the end of the command: its recording becomes the profile when it succeeded (exit 0), and is dropped otherwise.</summary>
    public static void Finish(int exitCode)
    {
        if (_working is not { } working || _final is not { } final)
        {
            return;
        }
        Stop();
        try
        {
            if (exitCode == 0 && new FileInfo(working) is { Exists: true, Length: > 0 })
            {
                // A rename: a concurrent run reads the old profile or the new one, never half of one.
                File.Move(working, final, overwrite: true);
            }
            else
            {
                File.Delete(working);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The profile stays as it was.
        }
    }

    /// <summary>A run hook that stops the profile just before the run's first event (step 0 is called before the loop).</summary>
    public sealed class StopAtFirstStep : IRunHooks
    {
        private bool _done;

        public void AfterStep(long steps, ReplayVenue venue, Executor executor)
        {
            if (!_done)
            {
                _done = true;
                Stop();
            }
        }
    }

    /// <summary>The profile's file name: the command's words and its input option (a replay of bars compiles other code than a replay of a capture).</summary>
    internal static string? Name(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).Take(2).Where(w => w.All(c => char.IsAsciiLetterLower(c))).ToList();
        if (words.Count == 0)
        {
            return null;
        }
        var input = InputOptions.FirstOrDefault(args.Contains);
        return string.Join('-', input is null ? words : [.. words, input[2..]]) + ".jitprofile";
    }

    /// <summary>
    /// The profiles' directory, or null when they are off. A setting that reads as "off" in any case turns them off
    /// (<c>OFF</c> had made a directory named OFF in the working directory). A relative XDG_CACHE_HOME is ignored, as
    /// the XDG spec asks: it would put a cache in whatever directory the command was started from.
    /// </summary>
    internal static string? ProfileDirectory(Func<string, string?> environment)
    {
        var setting = environment("FILLWISE_JIT_PROFILE");
        if (!string.IsNullOrWhiteSpace(setting))
        {
            return OffSettings.Contains(setting.Trim(), StringComparer.OrdinalIgnoreCase) ? null : setting;
        }
        var cache = OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache")
            : null;
        return cache is null ? null : Path.Combine(cache, "fillwise", "jit");
    }

    /// <summary>
    /// Leaves at the profile's path only what the runtime can safely use: nothing, or a regular file of a profile's
    /// size. The runtime reads the whole file before the command starts and writes through links: a named pipe there
    /// hung the command for good, a huge file was read into memory, and a link (say in a shared FILLWISE_JIT_PROFILE
    /// directory such as /tmp) would have its target overwritten. Anything else is removed, so the run records
    /// afresh; when it cannot be removed (IOException, UnauthorizedAccessException) the run goes without a profile.
    /// A pipe and an empty file both read as 0 bytes here; an empty file is no profile either.
    /// </summary>
    private static void ClearUnusable(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is not null || (file.Exists && file.Length is 0 or > MaxProfileBytes))
        {
            file.Delete();
        }
    }

    /// <summary>Working files of runs that never finished (killed, crashed) an hour or more ago.</summary>
    private static void ClearStale(string dir, string name)
    {
        foreach (var stale in new DirectoryInfo(dir).EnumerateFiles(name + ".*.tmp"))
        {
            if (stale.LastWriteTimeUtc < TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1))
            {
                stale.Delete();
            }
        }
    }
}
