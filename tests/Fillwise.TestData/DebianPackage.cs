using System.Diagnostics;

namespace Fillwise.TestData;

/// <summary>
/// Installs a Debian package for a test fixture on a fresh machine (the README's test command does its own set-up):
/// apt-get update, then install. Test projects run in parallel and may install at the same moment, when apt's lists
/// lock is busy, so each step is retried (every 15 s, 10 times) before it fails with one sentence.
/// </summary>
public static class DebianPackage
{
    public static async Task Install(string package)
    {
        foreach (var command in new[] { "apt-get update -qq", $"DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 {package}" })
        {
            for (var attempt = 1; ; attempt++)
            {
                using var process = Process.Start(new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                var (exit, output, error) = await FillwiseProcess.Finish(process, TimeSpan.FromMinutes(10));
                if (exit == 0)
                {
                    break;
                }
                if (attempt == 10)
                {
                    throw new InvalidOperationException($"`{command}` failed with exit code {exit} ({error.Trim()} {output.Trim()}); install Debian's {package} by hand: apt-get install -y {package}.");
                }
                await Task.Delay(TimeSpan.FromSeconds(15));
            }
        }
    }
}
