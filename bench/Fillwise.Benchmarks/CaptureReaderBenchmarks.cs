using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Benchmarks;

/// <summary>
/// Reading a real capture: the decompression floor vs parsing every event vs parsing and applying every
/// depth event to the order book. One operation = the whole file.
/// </summary>
[MemoryDiagnoser]
public class CaptureReaderBenchmarks
{
    private string _path = string.Empty;
    private readonly byte[] _buffer = new byte[1 << 17];

    /// <summary>The capture to read; defaults to the larger sample file.</summary>
    [Params("samples/capture/btcusdt_20240719.gz")]
    public string File { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup() => _path = Path.Combine(Repo.Root, File);

    [Benchmark(Baseline = true, Description = "decompress only")]
    public long DecompressOnly()
    {
        using var stream = new GZipStream(System.IO.File.OpenRead(_path), CompressionMode.Decompress);
        long total = 0;
        int read;
        while ((read = stream.Read(_buffer)) > 0)
        {
            total += read;
        }
        return total;
    }

    /// <summary>Splitting lines and walking every JSON token, doing nothing with them: the floor of this parsing approach.</summary>
    [Benchmark(Description = "lines + JSON tokens only")]
    public long TokenizeOnly()
    {
        using var lines = new LineReader(new GZipStream(System.IO.File.OpenRead(_path), CompressionMode.Decompress));
        long tokens = 0;
        while (lines.TryReadLine(out var line, out _))
        {
            var space = line.IndexOf((byte)' ');
            var json = new System.Text.Json.Utf8JsonReader(line[(space + 1)..]);
            while (json.Read())
            {
                tokens++;
            }
        }
        return tokens;
    }

    [Benchmark(Description = "read + parse")]
    public long ReadAndParse()
    {
        using var reader = new CaptureReader([_path]);
        long events = 0;
        while (reader.MoveNext())
        {
            events++;
        }
        return events;
    }

    [Benchmark(Description = "read + parse + book")]
    public long ReadParseAndApply()
    {
        using var reader = new CaptureReader([_path]);
        var book = new OrderBook(new Symbol("BTCUSDT"));
        // The _0719 file continues _0718 without a snapshot: seed the book so diffs are applied, not buffered.
        var seeded = false;
        long events = 0;
        while (reader.MoveNext())
        {
            if (!seeded && reader.Kind == CaptureEventKind.DepthUpdate)
            {
                book.ApplySnapshot(reader.UpdateIds.First, [], []);
                seeded = true;
            }
            reader.ApplyTo(book);
            events++;
        }
        return events + book.AppliedDiffs;
    }
}
