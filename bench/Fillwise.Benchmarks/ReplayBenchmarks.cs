using BenchmarkDotNet.Attributes;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.MarketData.Catalog;

namespace Fillwise.Benchmarks;

/// <summary>
/// Issue 13's reference replay (`replay --policy intel --arrivals 2s --seed 1` of btcusdt 08-08), compiled code
/// only: the input check plus the engine run with the store left out (or the run checking its own read, as `replay`
/// with arrivals does since session 10), from the gzip and from the catalog, as ratios to inflating the same gzip in
/// the same run. One operation = the whole command's data work.
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private readonly byte[] _buffer = new byte[1 << 17];
    private string _path = string.Empty;
    private string _catalog = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.GetFullPath(Path.Combine(Repo.Root, "../shared/data/binance-usdm/btcusdt_20240808.gz"));
        _catalog = Path.Combine(Path.GetTempPath(), "fillwise-bench-replay-catalog-" + Environment.ProcessId);
        if (Directory.Exists(_catalog))
        {
            Directory.Delete(_catalog, recursive: true);
        }
        CatalogWriter.Convert([_path], _catalog);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_catalog, recursive: true);

    [Benchmark(Baseline = true, Description = "decompress only (gzip -dc floor)")]
    public long DecompressOnly() => Repo.Inflate(_path, _buffer);

    [Benchmark(Description = "input check only (gzip)")]
    public long CheckOnly() => BacktestInputs.Load([_path], null, SymbolCatalog.Default).Quality.MarketEvents;

    [Benchmark(Description = "check + replay, intel, 2 s arrivals (gzip)")]
    public long IntelFromGzip() => Run(BacktestInputs.Load([_path], null, SymbolCatalog.Default), "intel");

    [Benchmark(Description = "check + replay, static, 2 s arrivals (gzip)")]
    public long StaticFromGzip() => Run(BacktestInputs.Load([_path], null, SymbolCatalog.Default), "static");

    [Benchmark(Description = "check + replay, intel, 2 s arrivals (catalog)")]
    public long IntelFromCatalog() =>
        Run(BacktestInputs.Load(null, null, SymbolCatalog.Default, new CatalogSelection(_catalog, [new Symbol("BTCUSDT")])), "intel");

    [Benchmark(Description = "replay checking its own read, intel, 2 s arrivals (gzip)")]
    public long IntelFromGzipCheckedInRun() => Run(BacktestInputs.Load([_path], null, SymbolCatalog.Default, checkInRun: true), "intel");

    [Benchmark(Description = "replay checking its own read, intel, 2 s arrivals (catalog)")]
    public long IntelFromCatalogCheckedInRun() =>
        Run(BacktestInputs.Load(null, null, SymbolCatalog.Default, new CatalogSelection(_catalog, [new Symbol("BTCUSDT")]), checkInRun: true), "intel");

    /// <summary>`eval --grid` (taker, static, rules, intel and the 30 fixed settings): one checked read kept in memory, then the 34 runs in lockstep groups on both cores.</summary>
    [Benchmark(Description = "eval --grid: check + 4 policies + 30 cells (gzip)")]
    public long EvalGridFromGzip()
    {
        var inputs = BacktestInputs.Load([_path], null, SymbolCatalog.Default, preload: true);
        var spec = new EvalSpec(["taker", "static", "rules", "intel"], 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5_000m, 1)), "2s", new ExecutorOptions());
        return Evaluation.Run(inputs, spec, grid: true).Grid!.Count;
    }

    private static long Run(BacktestInputs inputs, string policy)
    {
        var (options, _) = inputs.Adapt(new ExecutorOptions());
        var spec = new BacktestSpec(policy, 1, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5_000m, 1)), options);
        return BacktestEngine.Run(inputs, spec).Stats.Orders;
    }
}
