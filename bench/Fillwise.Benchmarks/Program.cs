using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "load")
{
    return await Fillwise.Benchmarks.LoadTest.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "stalls")
{
    // The machine's floor for the replay's wall-clock decision p99 (bench/README.md).
    return Fillwise.Benchmarks.Stalls.Run(args[1..]);
}
if (args.Length == 4 && args[0] == "klines-shifted")
{
    // Longer bar inputs for the memory measurement in bench/README.md: real files, later copies time-shifted.
    var written = Fillwise.TestData.TimeShiftedKlines.WriteDirectory(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
    Console.WriteLine($"{written.Count} files, {args[3]} copies each (copy k shifted by k x 6 weeks; derived from real data) in {args[2]}");
    return 0;
}
// The generated benchmark project is built per run; on a busy 2-core machine that takes longer than the default 2 minutes.
BenchmarkSwitcher.FromAssembly(typeof(Fillwise.Benchmarks.CaptureReaderBenchmarks).Assembly)
    .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
return 0;
