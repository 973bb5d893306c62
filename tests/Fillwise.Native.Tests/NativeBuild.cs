using System.Diagnostics;
using Fillwise.TestData;

namespace Fillwise.Native.Tests;

/// <summary>
/// The native (ahead-of-time compiled) `fillwise`, published once for the test class from a copy of src/ (so the
/// publish never rewrites the build outputs other test projects are running from). NativeAOT links with the system's
/// C toolchain: when neither clang nor gcc is there, Debian's clang is installed with apt-get if we are root;
/// otherwise the fixture fails with one sentence naming the command to run. FILLWISE_NATIVE_BINARY=path tests a native
/// build made beforehand instead (the publish takes minutes).
/// </summary>
public sealed class NativeBuild : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(25);
    private readonly string _work = Directory.CreateTempSubdirectory("fillwise-native-").FullName;

    /// <summary>The native executable.</summary>
    public string Binary { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("FILLWISE_NATIVE_BINARY") is { Length: > 0 } given)
        {
            Binary = File.Exists(given) ? Path.GetFullPath(given) : throw new InvalidOperationException($"FILLWISE_NATIVE_BINARY: {given} does not exist.");
            return;
        }
        Binary = Path.Combine(_work, "out", "fillwise");
        await EnsureToolchain();
        var source = Path.Combine(_work, "repo");
        foreach (var tree in new[] { "src", "config" })
        {
            CopyTree(Path.Combine(TestPaths.RepoRoot, tree), Path.Combine(source, tree));
        }
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "BannedSymbols.txt", "global.json" })
        {
            File.Copy(Path.Combine(TestPaths.RepoRoot, file), Path.Combine(source, file));
        }
        var (exit, output, error) = await Run("dotnet", PublishTimeout, "publish", Path.Combine(source, "src", "Fillwise.Cli"), "-c", "Release", "-r", "linux-x64",
            "-p:PublishAot=true", "-o", Path.Combine(_work, "out"), "-nologo");
        if (exit != 0 || !File.Exists(Binary))
        {
            throw new InvalidOperationException($"the native publish failed (exit {exit}):\n{Tail(output + error)}");
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A server the tests started may still hold a file for a moment; the folder is in /tmp.
        }
        return Task.CompletedTask;
    }

    /// <summary>Runs a command to its end; fails the test past <paramref name="timeout"/>.</summary>
    public static async Task<(int Exit, string Output, string Error)> Run(string file, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        return await FillwiseProcess.Finish(process, timeout);
    }

    private static async Task EnsureToolchain()
    {
        if (OnPath("clang") || OnPath("gcc"))
        {
            return;
        }
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException("the native build links with a C toolchain and neither clang nor gcc is installed: run `sudo apt-get install -y clang`, then test again.");
        }
        await DebianPackage.Install("clang");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, program)));

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
