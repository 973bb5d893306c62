using Fillwise.Core;

namespace Fillwise.MarketData;

public static class InputFiles
{
    private static readonly string[] QuoteAssets = ["USDT", "USDC", "BUSD", "USD"];

    /// <summary>
    /// The symbol a file is named after ("btcusdt_20240718.gz", "BTCUSDT-1m.csv.gz"), or null. Only names
    /// ending in a quote asset count, so "capture.txt" is not mistaken for a symbol called CAPTURE.
    /// </summary>
    public static Symbol? SymbolFromFileName(string path)
    {
        var name = Path.GetFileName(path);
        var end = name.AsSpan().IndexOfAny('_', '-', '.');
        return end > 0
            && Symbol.TryParse(name[..end], out var symbol)
            && QuoteAssets.Any(q => symbol.Value.Length > q.Length && symbol.Value.EndsWith(q, StringComparison.Ordinal))
            ? symbol
            : null;
    }

    /// <summary>
    /// Refuses a file given twice (the same full path): read twice, a capture's clock would go backwards and bars
    /// would count double. The one check for replay, eval and data inspect (captures and klines alike).
    /// </summary>
    public static void EachOnce(IEnumerable<string> files)
    {
        if (files.GroupBy(Path.GetFullPath, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new DataFormatException($"{twice.First()}: given twice; give each file once.");
        }
    }

    /// <summary>
    /// Like <see cref="OpenMaybeGzip"/>, but a gzip file is inflated on its own thread, ahead of the reader
    /// (see <c>PipelinedStream</c>): for streaming readers that parse what they read.
    /// </summary>
    public static Stream OpenForStreaming(string path)
    {
        var stream = OpenMaybeGzip(path, out var gzip);
        return gzip ? new Capture.PipelinedStream(stream) : stream;
    }

    /// <summary>Opens a file for reading, transparently decompressing gzip (detected by its magic bytes, not by the name).</summary>
    public static Stream OpenMaybeGzip(string path, out bool isGzip)
    {
        var file = OpenRead(path, bufferSize: 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        isGzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        return isGzip ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
    }

    /// <summary>
    /// Opens a file the user named for reading. Every reason it cannot be read (missing, a directory, no
    /// permission) is one sentence naming it, so no command reports a user's input as an internal error.
    /// </summary>
    public static FileStream OpenRead(string path, int bufferSize = 4096)
    {
        if (Directory.Exists(path))
        {
            throw new DataFormatException($"{path}: a directory, not a file.");
        }
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
        }
        catch (FileNotFoundException)
        {
            throw new DataFormatException($"{path}: no such file.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new DataFormatException($"{path}: no such file (its directory does not exist).");
        }
        catch (UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: permission denied.");
        }
        catch (IOException e)
        {
            throw new DataFormatException($"{path}: cannot open ({e.Message}).", e);
        }
    }

    /// <summary>A small text file the user named (options, signals), read whole; errors as <see cref="OpenRead"/>.</summary>
    public static string ReadAllText(string path)
    {
        using var reader = new StreamReader(OpenRead(path));
        return reader.ReadToEnd();
    }

    /// <summary>The lines of a small text file the user named, split as <see cref="File.ReadAllLines(string)"/> does; errors as <see cref="OpenRead"/>.</summary>
    public static string[] ReadAllLines(string path)
    {
        using var reader = new StreamReader(OpenRead(path));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return [.. lines];
    }
}
