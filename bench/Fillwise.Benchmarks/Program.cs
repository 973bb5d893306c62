using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Fillwise.Benchmarks.CaptureReaderBenchmarks).Assembly).Run(args);
