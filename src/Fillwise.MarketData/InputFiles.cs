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
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
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
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        isGzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        return isGzip ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
    }
}
