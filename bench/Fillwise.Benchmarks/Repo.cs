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
