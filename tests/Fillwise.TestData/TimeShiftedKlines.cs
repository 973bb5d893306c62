using System.Globalization;
using System.IO.Compression;

namespace Fillwise.TestData;

/// <summary>
/// Longer kline inputs DERIVED FROM REAL DATA, TIME-SHIFTED: copy k (k = 0 .. copies-1) of a real file is the same
/// rows with open_time moved forward by k x <see cref="ShiftMs"/>. No price or volume is changed or invented;
/// only the timestamps of the later copies are not real. For measuring how replay scales with input length.
/// </summary>
public static class TimeShiftedKlines
{
    /// <summary>Six weeks: longer than any file of the real month (ETHUSDT spans 42 days less a few minutes), so copies never overlap and stay in ascending time.</summary>
    public const long ShiftMs = 42L * 24 * 3_600_000;

    /// <summary>Writes <paramref name="copies"/> time-shifted copies of one kline CSV (gzip or plain) as one gzip CSV, streaming.</summary>
    public static void Write(string source, string destination, int copies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        using var output = new StreamWriter(new GZipStream(File.Create(destination), CompressionLevel.Fastest)) { NewLine = "\n" };
        for (var k = 0; k < copies; k++)
        {
            using var input = new StreamReader(OpenMaybeGzip(source));
            var first = true;
            while (input.ReadLine() is { } line)
            {
                var comma = line.IndexOf(',', StringComparison.Ordinal);
                if (comma <= 0 || !long.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out var openTime))
                {
                    if (first && k == 0)
                    {
                        output.WriteLine(line); // the header, once
                    }
                    first = false;
                    continue;
                }
                first = false;
                output.Write((openTime + (k * ShiftMs)).ToString(CultureInfo.InvariantCulture));
                output.WriteLine(line.AsSpan(comma));
            }
        }
    }

    /// <summary>Every kline file of a directory, time-shifted <paramref name="copies"/> times, into <paramref name="outputDirectory"/> under the same names (so the symbols stay the same).</summary>
    public static IReadOnlyList<string> WriteDirectory(string sourceDirectory, string outputDirectory, int copies)
    {
        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        foreach (var source in Directory.EnumerateFiles(sourceDirectory, "*.csv*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(source);
            var destination = Path.Combine(outputDirectory, name.EndsWith(".gz", StringComparison.Ordinal) ? name : name + ".gz");
            Write(source, destination, copies);
            written.Add(destination);
        }
        return written;
    }

    private static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        var gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
