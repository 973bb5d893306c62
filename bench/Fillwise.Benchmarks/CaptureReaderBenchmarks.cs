using BenchmarkDotNet.Attributes;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Capture;
using Fillwise.MarketData.Catalog;
using Fillwise.MarketData.Inspection;
using Fillwise.TestData;
using Fillwise.Venues.Replay;

namespace Fillwise.Benchmarks;

/// <summary>
/// Reading a real capture, as ratios to the decompression floor measured in the same run: inflating the gzip
/// and nothing else (what `gzip -dc` does) vs parsing every event vs `data inspect` (read + parse + book +
/// ticker checks) vs reading the same events back from the Parquet catalog, and the replay venue (book, queue
/// model, an update to a listener per event; no orders) fed from either. One operation = the whole file.
/// </summary>
[MemoryDiagnoser]
public class CaptureReaderBenchmarks
{
    private string _path = string.Empty;
    private string _catalog = string.Empty;
    private string _lz4Catalog = string.Empty;
    private readonly byte[] _buffer = new byte[1 << 17];

    /// <summary>The capture to read: the reference file (../shared/data), 27.7 MB decompressed.</summary>
    [Params("../shared/data/binance-usdm/btcusdt_20240808.gz")]
    public string File { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.GetFullPath(Path.Combine(Repo.Root, File));
        _catalog = Path.Combine(Path.GetTempPath(), "fillwise-bench-catalog-" + Environment.ProcessId);
        if (Directory.Exists(_catalog))
        {
            Directory.Delete(_catalog, recursive: true);
        }
        CatalogWriter.Convert([_path], _catalog);
        _lz4Catalog = _catalog + "-lz4";
        if (Directory.Exists(_lz4Catalog))
        {
            Directory.Delete(_lz4Catalog, recursive: true);
        }
        CatalogWriter.Convert([_path], _lz4Catalog, compression: CatalogCompression.Lz4);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Directory.Delete(_catalog, recursive: true);
        Directory.Delete(_lz4Catalog, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "decompress only (gzip -dc floor)")]
    public long DecompressOnly() => Repo.Inflate(_path, _buffer);

    [Benchmark(Description = "read + parse, validating Utf8JsonReader only")]
    public long ReadAndParseValidating() => Count(new CaptureReader([_path], new CaptureReaderOptions { ValidatingOnly = true }));

    [Benchmark(Description = "read + parse (fast scanner)")]
    public long ReadAndParse() => Count(new CaptureReader([_path]));

    [Benchmark(Description = "inspect: read + parse + book + ticker checks")]
    public long Inspect() => CaptureInspection.Run([_path]).Books[0].AppliedDiffs;

    [Benchmark(Description = "catalog: read every event back")]
    public long CatalogRead() => Count(new CatalogReader(_catalog));

    [Benchmark(Description = "catalog (--compression lz4): read every event back")]
    public long Lz4CatalogRead() => Count(new CatalogReader(_lz4Catalog));

    [Benchmark(Description = "catalog: read + book + ticker checks")]
    public long CatalogInspect()
    {
        using var reader = new CatalogReader(_catalog);
        return CaptureInspection.Run(reader)[0].AppliedDiffs;
    }

    [Benchmark(Description = "replay venue, no orders, from the gzip")]
    public long VenueFromGzip() => RunVenue(ReplayVenues.FromCaptures([_path]));

    [Benchmark(Description = "replay venue, no orders, from the catalog")]
    public long VenueFromCatalog() => RunVenue(ReplayVenues.FromSources([new CatalogReader(_catalog)]));

    private static long RunVenue(ReplayVenue venue)
    {
        using (venue)
        {
            var listener = new UpdateCounter();
            VenueLoop.RunToEnd(venue, listener);
            return listener.Updates;
        }
    }

    private sealed class UpdateCounter : IVenueListener
    {
        public long Updates { get; private set; }

        public void OnMarket(in MarketUpdate update) => Updates++;

        public void OnOrderEvent(in OrderEvent orderEvent)
        {
        }

        public void OnTimer(long token)
        {
        }
    }

    private static long Count(IMarketEventSource source)
    {
        using (source)
        {
            long events = 0;
            while (source.MoveNext())
            {
                events++;
            }
            return events;
        }
    }
}
