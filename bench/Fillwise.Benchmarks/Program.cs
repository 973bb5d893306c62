using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "load")
{
    return await Fillwise.Benchmarks.LoadTest.Run(args[1..]);
}
// The generated benchmark project is built per run; on a busy 2-core machine that takes longer than the default 2 minutes.
BenchmarkSwitcher.FromAssembly(typeof(Fillwise.Benchmarks.CaptureReaderBenchmarks).Assembly)
    .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
return 0;
