namespace Fillwise.TestData;

/// <summary>Where the real market data lives: samples/ in the repo, and ../shared/data beside it when present.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Samples => Path.Combine(RepoRoot, "samples");

    public static string SampleCapture(string name) => Path.Combine(Samples, "capture", name);

    public static string SampleKlines(string name) => Path.Combine(Samples, "klines", name);

    /// <summary>The first <paramref name="count"/> lines of a sample capture, decompressed (for tests that make damaged or renamed copies of real data).</summary>
    public static string[] SampleCaptureLines(string name, int count = int.MaxValue)
    {
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(SampleCapture(name)), System.IO.Compression.CompressionMode.Decompress));
        var lines = new List<string>();
        while (lines.Count < count && reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return [.. lines];
    }

    /// <summary>../shared/data relative to the repo root, or null when it is not there.</summary>
    public static string? SharedData
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return Directory.Exists(path) ? path : null;
        }
    }

    public const string SharedDataMissing = "../shared/data is not beside the repository: tests on the full real data set are skipped (samples/ tests still run).";

    public static string Shared(params string[] parts) =>
        Path.Combine([SharedData ?? throw new InvalidOperationException(SharedDataMissing), .. parts]);

    /// <summary>The capture sets of ../shared/data/binance-usdm, each as the files to replay as one stream.</summary>
    public static IEnumerable<string[]> SharedCaptureSets()
    {
        string[][] sets =
        [
            ["btcusdt_20240718.gz", "btcusdt_20240719.gz"],
            ["ethusdt_20240718.gz", "ethusdt_20240719.gz"],
            ["btcusdt_20240808.gz"],
            ["ethusdt_20240808.gz"],
        ];
        return sets;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fillwise.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Fillwise.slnx) above " + AppContext.BaseDirectory);
    }
}
