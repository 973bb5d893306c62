using System.Diagnostics;
using System.Globalization;

namespace Fillwise.Benchmarks;

/// <summary>
/// An open-loop HTTP load on a running dashboard: requests leave on a fixed schedule whatever the responses do
/// (so slow responses cannot hide queueing), rotating over the panel APIs. Prints latency percentiles.
/// Usage: load --url http://127.0.0.1:5080 [--rate 200] [--seconds 30]
/// </summary>
internal static class LoadTest
{
    private static readonly string[] Paths = ["/api/symbols", "/api/expectancy", "/api/parents?limit=25", "/api/toggles", "/api/symbols/BTCUSDT/offsets", "/api/runs"];

    public static async Task<int> Run(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var url = Arg("--url", "http://127.0.0.1:5080");
        var rate = int.Parse(Arg("--rate", "200"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Arg("--seconds", "30"), CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        await http.GetAsync(Paths[0]).ConfigureAwait(false); // warm up connection and JIT
        var total = rate * seconds;
        var latencies = new double[total];
        var failures = 0;
        var tasks = new Task[total];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait).ConfigureAwait(false);
            }
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(Paths[index % Paths.Length]).ConfigureAwait(false);
                    await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
                latencies[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            });
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double P(double q) => latencies[(int)Math.Min(latencies.Length - 1, Math.Ceiling(q * latencies.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total} requests in {elapsed:F1} s ({total / elapsed:F0}/s offered {rate}/s), {failures} failed; latency ms: p50 {P(0.5):F2}, p90 {P(0.9):F2}, p99 {P(0.99):F2}, max {latencies[^1]:F2}"));
        return failures == 0 ? 0 : 1;
    }
}
