using System.IO.Compression;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>
/// The first lines of the real BTCUSDT sample capture (unchanged, just cut short) in a temp file, so property
/// tests can run hundreds of replays quickly on real data.
/// </summary>
internal static class SampleSlice
{
    private static readonly Lazy<string> Slice = new(Create);

    public static string[] Files => [Slice.Value];

    private static string Create()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fillwise-btcusdt-slice-{Environment.ProcessId}.gz");
        using var input = new GZipStream(File.OpenRead(Venues.SampleBtc[0]), CompressionMode.Decompress);
        using var reader = new StreamReader(input);
        using var output = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        using var writer = new StreamWriter(output);
        for (var i = 0; i < 8_000 && reader.ReadLine() is { } line; i++)
        {
            writer.WriteLine(line);
        }
        return path;
    }
}
