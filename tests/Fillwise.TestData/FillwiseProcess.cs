using System.Diagnostics;

namespace Fillwise.TestData;

/// <summary>
/// The real `fillwise` (the build output beside the tests) started as its own process, for tests where the process is
/// the point: signals, kill -9, concurrent writers, its JIT profile. Output redirected; <c>null</c> in
/// <paramref name="environment"/> removes a variable.
/// </summary>
public static class FillwiseProcess
{
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = workingDirectory };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fillwise.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    /// <summary>
    /// Reads a started process's redirected output to its end; past <paramref name="timeout"/> kills it and its
    /// children and throws, so a hung command fails its test instead of hanging the run.
    /// </summary>
    public static async Task<(int Exit, string Output, string Error)> Finish(Process process, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)}` did not end within {timeout}.");
        }
        return (process.ExitCode, await output, await error);
    }
}
