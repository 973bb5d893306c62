using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fillwise.MarketData.Catalog;

/// <summary>One source capture converted into the catalog, with its SHA-256 (hex).</summary>
public sealed record CatalogSource(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>One Parquet file of the catalog: its partition, its receive-time span and row/event counts.</summary>
public sealed record CatalogPartition(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("market")] string Market,
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("first_receive_ns")] long FirstReceiveNs,
    [property: JsonPropertyName("last_receive_ns")] long LastReceiveNs,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("events")] long Events,
    [property: JsonPropertyName("sources")] IReadOnlyList<string> Sources);

/// <summary>The catalog's manifest (manifest.json): every source converted and every file written.</summary>
public sealed record CatalogManifest(
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("sources")] IReadOnlyList<CatalogSource> Sources,
    [property: JsonPropertyName("partitions")] IReadOnlyList<CatalogPartition> Partitions)
{
    public static CatalogManifest Empty { get; } = new(CatalogFormat.SchemaVersion, [], []);

    /// <summary>The manifest of <paramref name="directory"/>, empty when there is none yet.</summary>
    public static CatalogManifest Load(string directory)
    {
        var path = System.IO.Path.Combine(directory, CatalogFormat.ManifestName);
        if (!System.IO.File.Exists(path))
        {
            return Empty;
        }
        try
        {
            return JsonSerializer.Deserialize(System.IO.File.ReadAllText(path), CatalogManifestJson.Default.CatalogManifest)
                ?? throw new DataFormatException($"{path}: the catalog manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path}: the catalog manifest is not valid JSON ({Fillwise.Core.JsonErrors.Describe(e).TrimEnd('.')}).", e);
        }
    }

    public void Save(string directory)
    {
        var path = System.IO.Path.Combine(directory, CatalogFormat.ManifestName);
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(this, CatalogManifestJson.Default.CatalogManifest));
        System.IO.File.Move(temporary, path, overwrite: true); // a crash leaves the old manifest, never half a new one
    }
}

/// <summary>The manifest's JSON contract, generated at compile time (a native build has no reflection serializer).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CatalogManifest))]
internal sealed partial class CatalogManifestJson : JsonSerializerContext;
