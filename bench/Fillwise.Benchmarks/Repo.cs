namespace Fillwise.Benchmarks;

/// <summary>Where the repository (and its samples) is, found from the benchmark binary.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    /// <summary>The sample pair as one stream: the REST snapshot is in the first file, so the second alone never syncs.</summary>
    public static string[] SampleCapturePair =>
    [
        Path.Combine(Root, "samples/capture/btcusdt_20240718.gz"),
        Path.Combine(Root, "samples/capture/btcusdt_20240719.gz"),
    ];

    /// <summary>The floor of the reading benchmarks: inflating a gzip file and nothing else (what `gzip -dc` does); the bytes inflated.</summary>
    public static long Inflate(string path, byte[] buffer)
    {
        using var stream = new System.IO.Compression.GZipStream(System.IO.File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            total += read;
        }
        return total;
    }

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Fillwise.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }
}
