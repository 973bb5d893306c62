using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fillwise.TestData;

namespace Fillwise.Mirror.Tests;

/// <summary>
/// The npm @firestore-emulator/server (an independent Firestore gRPC implementation) on a loopback port, started
/// and stopped by the tests; and Google's own Node client (@google-cloud/firestore) to read back what was written.
/// </summary>
internal sealed class Emulator : IDisposable
{
    public static string Tools { get; } = Path.Combine(TestPaths.RepoRoot, "tools", "firestore");

    private Process? _process;

    public Emulator(int? port = null)
    {
        if (!Directory.Exists(Path.Combine(Tools, "node_modules", "@firestore-emulator", "server")))
        {
            throw new InvalidOperationException($"{Tools}/node_modules is missing: run `npm ci --prefix tools/firestore` (.ci/run does).");
        }
        Port = port ?? FreePort();
        Start();
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";

    public void Start()
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Tools, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("emulator.js");
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = Process.Start(start)!;
        var line = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        if (line is null || !line.StartsWith("listening", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the emulator did not start: {line} {_process.StandardError.ReadToEnd()}");
        }
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
    }

    /// <summary>Kills the server like a crash (its in-memory state is gone).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Everything under fillwise/{environment}/, read with the official client.</summary>
    public JsonDocument Read(string project, string environment)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Tools, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "read.js", Host, project, environment })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return JsonDocument.Parse(output);
    }

    public void Dispose() => Kill();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
