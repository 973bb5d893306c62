using System.Diagnostics;

using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>Runs the real command tree in-process and captures its output.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Runs `fillwise` (the build beside the tests) as its own process, where the process is the point (e.g. its JIT
    /// profile), in <paramref name="workingDirectory"/> with <paramref name="environment"/> (null removes a variable);
    /// fails the test when it has not ended within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int Exit, string Out, string Err)> RunProcess(IReadOnlyDictionary<string, string?> environment, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = FillwiseProcess.Start(workingDirectory, environment, args);
        var (exit, output, error) = await FillwiseProcess.Finish(process, timeout);
        return (exit, output, error);
    }
}
