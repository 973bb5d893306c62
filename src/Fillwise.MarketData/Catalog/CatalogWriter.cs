using System.Globalization;
using System.Security.Cryptography;
using Fillwise.Core;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData.Catalog;

/// <summary>What one conversion wrote, and what the reader saw in the sources.</summary>
public sealed record ConvertResult(IReadOnlyList<CatalogPartition> Written, IReadOnlyList<CatalogSource> Sources, CaptureStats Stats);

/// <summary>
/// `fillwise data convert`: reads captures once (as one stream, files in the order given, like inspect) and
/// writes their events into the catalog. All-or-nothing: files are written to a staging directory and moved
/// into place only when the whole input was read without errors and overlaps nothing already there.
/// </summary>
public static class CatalogWriter
{
    public static ConvertResult Convert(IReadOnlyList<string> captures, string directory, SymbolCatalog? symbols = null, CatalogCompression compression = CatalogCompression.None)
    {
        ArgumentNullException.ThrowIfNull(captures);
        symbols ??= SymbolCatalog.Default;
        // Inputs first: a capture that cannot be read leaves no catalog directory behind.
        var sources = captures.Select(Describe).ToList();
        var created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        var manifest = CatalogManifest.Load(directory);
        CatalogFormat.CheckVersion(directory, manifest.SchemaVersion);
        foreach (var source in sources)
        {
            if (manifest.Sources.FirstOrDefault(s => s.Sha256 == source.Sha256) is { } known)
            {
                throw new DataFormatException($"{source.Path}: the catalog {directory} already holds this capture (same SHA-256 as {known.Path}); overlapping writes are refused.");
            }
        }

        var staging = Path.Combine(directory, ".staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (written, stats) = WriteStaged(captures, staging, symbols, compression);
            if (stats.ErrorCount > 0)
            {
                throw new DataFormatException($"{stats.Errors[0]} ({stats.ErrorCount} error(s) in the captures; nothing was written — see `fillwise data inspect`).");
            }
            foreach (var partition in written)
            {
                var clash = manifest.Partitions.FirstOrDefault(p => p.Market == partition.Market && p.Symbol == partition.Symbol
                    && p.FirstReceiveNs <= partition.LastReceiveNs && partition.FirstReceiveNs <= p.LastReceiveNs);
                if (clash is not null)
                {
                    throw new DataFormatException($"The catalog {directory} already holds {clash.Market} {clash.Symbol} from {Time(clash.FirstReceiveNs)} to {Time(clash.LastReceiveNs)} (from {string.Join(", ", clash.Sources)}), which these captures overlap; overlapping writes are refused.");
                }
            }
            foreach (var partition in written)
            {
                var target = Path.Combine(directory, partition.File);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(Path.Combine(staging, partition.File), target);
            }
            new CatalogManifest(CatalogFormat.SchemaVersion, [.. manifest.Sources, .. sources], [.. manifest.Partitions, .. written]).Save(directory);
            return new ConvertResult(written, sources, stats);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            // A refused conversion into a directory it made (data errors, say) leaves no empty catalog behind.
            if (created && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    private static (List<CatalogPartition> Written, CaptureStats Stats) WriteStaged(IReadOnlyList<string> captures, string staging, SymbolCatalog symbols, CatalogCompression compression)
    {
        var writers = new Dictionary<(Market, Symbol), PartitionWriter>();
        try
        {
            using var reader = new CaptureReader(captures);
            PartitionWriter? last = null;
            (Market, Symbol) lastKey = default;
            while (reader.MoveNext())
            {
                var key = (reader.Market, reader.Symbol);
                if (last is null || key != lastKey)
                {
                    if (!writers.TryGetValue(key, out last))
                    {
                        last = new PartitionWriter(staging, reader.Market, reader.Symbol, symbols, compression);
                        writers.Add(key, last);
                    }
                    lastKey = key;
                }
                last.Add(reader);
            }
            foreach (var writer in writers.Values)
            {
                writer.Complete();
            }
            return (writers.Values.SelectMany(w => w.Partitions).OrderBy(p => p.File, StringComparer.Ordinal).ToList(), reader.Stats);
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }
    }

    private static CatalogSource Describe(string path)
    {
        using var file = InputFiles.OpenRead(path);
        var hash = SHA256.HashData(file);
        return new CatalogSource(Path.GetFullPath(path), System.Convert.ToHexStringLower(hash), file.Length);
    }

    private static string Time(long ns) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
