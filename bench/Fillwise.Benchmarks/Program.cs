using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "load")
{
    return await Fillwise.Benchmarks.LoadTest.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Fillwise.Benchmarks.CaptureReaderBenchmarks).Assembly).Run(args);
return 0;
