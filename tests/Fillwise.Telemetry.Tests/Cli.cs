using System.Diagnostics;
using Fillwise.Cli;
using Fillwise.TestData;

namespace Fillwise.Telemetry.Tests;

/// <summary>The real CLI: in-process (fast), or as its own process (`dotnet fillwise.dll …`) where processes are the point.</summary>
internal static class Cli
{
    /// <summary>The real sample capture: 47 parent orders, about 450 rows per run.</summary>
    public static readonly string[] Capture = ["--capture", TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts `fillwise` (the build output beside the tests) as a separate process with redirected output.</summary>
    public static Process Start(params string[] args) => FillwiseProcess.Start(Path.GetTempPath(), null, args);

    /// <summary>Waits for a started process; returns its exit code and output.</summary>
    public static async Task<(int Exit, string Out, string Err)> Finish(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await error);
    }
}
