using System.IO.Compression;
using System.Text;

namespace Fillwise.TestData;

/// <summary>A file in the temp directory that deletes itself; for edge-case inputs written by a test.</summary>
public sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile WithText(string text, string name = "data.txt", bool gzip = false) =>
        WithBytes(Encoding.UTF8.GetBytes(text), name, gzip);

    public static TempFile WithBytes(byte[] bytes, string name = "data.bin", bool gzip = false)
    {
        var dir = Directory.CreateTempSubdirectory("fillwise-test-");
        var path = System.IO.Path.Combine(dir.FullName, name);
        if (gzip)
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        return new TempFile(path);
    }

    /// <summary>All lines of a (gzip) text file.</summary>
    public static List<string> ReadLines(string path)
    {
        using var stream = File.OpenRead(path);
        using var zip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(zip);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }

    public void Dispose()
    {
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
