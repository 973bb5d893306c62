namespace Fillwise.Backtest;

/// <summary>
/// Makes the allocator hand a run memory it has written before. A stored replay allocates a few MB in all (5.4 MB
/// over btcusdt 08-08 with intel, 2.8 MB of it on the engine thread) and, left alone, collects nothing: every piece
/// the allocator hands out is then a page the process has never written, and on a virtual machine the first write
/// to a page costs ~13.5 µs (p99 52 µs; <c>Fillwise.Benchmarks stalls</c>). A decision whose records take the next
/// piece paid for two such pages, and those decisions set the decision p99. Allocating garbage until the young
/// generation has been collected twice leaves it on pages already written, which the run's allocations then reuse.
/// </summary>
internal static class YoungGeneration
{
    /// <summary>Below the large-object threshold (85,000 B), so every piece comes from the young generation.</summary>
    private const int Piece = 8_000;

    /// <summary>A bound for a runtime whose young generation is far larger than the few MB it is here.</summary>
    private const long MaxBytes = 64L << 20;

    /// <summary>Allocates throwaway memory until <paramref name="collections"/> young collections have happened (at most 64 MB); returns the bytes allocated.</summary>
    public static long Prefault(int collections = 2)
    {
        var start = GC.CollectionCount(0);
        var bytes = 0L;
        while (bytes < MaxBytes && GC.CollectionCount(0) - start < collections)
        {
            GC.KeepAlive(new byte[Piece]);
            bytes += Piece;
        }
        return bytes;
    }
}
