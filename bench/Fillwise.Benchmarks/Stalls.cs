using System.Diagnostics;
using System.Globalization;
using Fillwise.Core;

namespace Fillwise.Benchmarks;

/// <summary>
/// The machine's own floor for a wall-clock latency percentile (`Fillwise.Benchmarks stalls`). A replay reports the
/// decision p99 in wall time, and on a virtual machine the thread can be descheduled in the middle of a decision
/// however little the decision does. This measures, in the same minutes as a replay:
/// <list type="bullet">
/// <item>how often one busy thread on an otherwise idle machine is stopped for more than 20, 40 and 100 µs;</item>
/// <item>what the first write to a fresh page costs (the kernel maps and zeroes it): the allocator hands a thread
/// fresh memory in 8 KB pieces until the first collection, so a decision that takes the next piece pays two;</item>
/// <item>the p50/p99 a fixed piece of work of the decision's length (calibrated to <c>--work-us</c>, 5 µs) shows
/// when timed back to back, and the p99 a replay of <c>--decisions</c> (172) such pieces would report: resampled
/// 1,000 times with a fixed seed, its median and 5–95 % range.</item>
/// </list>
/// </summary>
internal static class Stalls
{
    public static int Run(string[] args)
    {
        var seconds = Option(args, "--seconds", 3.0);
        var workUs = Option(args, "--work-us", 5.0);
        var decisions = (int)Option(args, "--decisions", 172);

        var gaps = BusyLoop(TimeSpan.FromSeconds(seconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"busy loop, {seconds:F0} s: stopped > 20 us {gaps[0] / seconds:F0}/s, > 40 us {gaps[1] / seconds:F0}/s, > 100 us {gaps[2] / seconds:F0}/s"));

        var touch = FirstTouch(64);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first write to a fresh 4 KB page, 64 MB: mean {touch.Average():F1} us, p99 {Statistics.Percentile(touch.Order().ToArray(), 0.99):F0} us, over 40 us {touch.Count(t => t > 40) / (double)touch.Length:P1}"));

        var iterations = Calibrate(workUs);
        var samples = new double[200_000];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Work(iterations);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        var sorted = samples.Order().ToArray();
        var over50 = samples.Count(s => s > 50) / (double)samples.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fixed work of {workUs:F0} us, {samples.Length:N0} timings: p50 {Statistics.Percentile(sorted, 0.5):F1} us, p99 {Statistics.Percentile(sorted, 0.99):F1} us, over 50 us {over50:P2}"));

        var random = new DeterministicRandom(1);
        var replayP99 = new double[1000];
        var draw = new double[decisions];
        for (var r = 0; r < replayP99.Length; r++)
        {
            for (var i = 0; i < decisions; i++)
            {
                draw[i] = samples[random.NextLong(samples.Length)];
            }
            Array.Sort(draw);
            // The replay's rule (DecisionLatency): the ceil(q * n)-th smallest.
            replayP99[r] = draw[(int)Math.Ceiling(0.99 * decisions) - 1];
        }
        Array.Sort(replayP99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"p99 a replay of {decisions} such decisions would report: median {Statistics.Percentile(replayP99, 0.5):F0} us, 5-95 % {Statistics.Percentile(replayP99, 0.05):F0}-{Statistics.Percentile(replayP99, 0.95):F0} us"));
        return 0;
    }

    /// <summary>Counts the gaps between consecutive clock reads longer than 20, 40 and 100 µs.</summary>
    private static long[] BusyLoop(TimeSpan length)
    {
        var counts = new long[3];
        var thresholds = new[] { 20.0, 40.0, 100.0 }.Select(us => (long)(us * Stopwatch.Frequency / 1e6)).ToArray();
        var end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var last = Stopwatch.GetTimestamp();
        while (last < end)
        {
            var now = Stopwatch.GetTimestamp();
            var gap = now - last;
            for (var i = 0; i < thresholds.Length; i++)
            {
                counts[i] += gap > thresholds[i] ? 1 : 0;
            }
            last = now;
        }
        return counts;
    }

    /// <summary>Times the first write to each page of <paramref name="megabytes"/> of memory fresh from the OS.</summary>
    private static double[] FirstTouch(int megabytes)
    {
        // An uninitialised array this large comes straight from a new mapping: no page of it has been written yet.
        var memory = GC.AllocateUninitializedArray<byte>(megabytes << 20);
        var times = new double[memory.Length / 4096];
        for (var page = 0; page < times.Length; page++)
        {
            var start = Stopwatch.GetTimestamp();
            memory[page * 4096] = 1;
            times[page] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        GC.KeepAlive(memory);
        return times;
    }

    /// <summary>Iterations of <see cref="Work"/> whose median time is <paramref name="targetUs"/>.</summary>
    private static int Calibrate(double targetUs)
    {
        var iterations = 1_000;
        for (var round = 0; round < 20; round++)
        {
            var times = new double[201];
            for (var i = 0; i < times.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                Work(iterations);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Array.Sort(times);
            iterations = Math.Max(1, (int)(iterations * targetUs / times[times.Length / 2]));
        }
        return iterations;
    }

    private static ulong _sink;

    /// <summary>Dependent integer arithmetic the JIT cannot remove (the result is kept); optimised from the first call, so the calibration holds.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Work(int iterations)
    {
        var x = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < iterations; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        _sink += x;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
