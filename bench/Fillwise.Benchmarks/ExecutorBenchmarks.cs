using BenchmarkDotNet.Attributes;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;

namespace Fillwise.Benchmarks;

/// <summary>
/// The capture pair replayed through the executor with intel on and a parent order every 10 s, side by side
/// with merely decompressing the same files. One operation = the whole replay.
/// </summary>
[MemoryDiagnoser]
public class ExecutorBenchmarks
{
    private readonly byte[] _buffer = new byte[1 << 17];
    private string[] _files = [];

    [GlobalSetup]
    public void Setup() => _files = Repo.SampleCapturePair;

    [Benchmark(Baseline = true, Description = "decompress the capture pair")]
    public long Decompress() => _files.Sum(file => Repo.Inflate(file, _buffer));

    [Benchmark(Description = "replay + executor (intel, parent every 10 s)")]
    public long ReplayWithIntel()
    {
        var inputs = BacktestInputs.Load(_files, null, SymbolCatalog.Default);
        var result = BacktestEngine.Run(inputs, new BacktestSpec("intel", 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(10), 5_000m, 1)), new ExecutorOptions()));
        return result.Telemetry.Fills.Count;
    }
}
