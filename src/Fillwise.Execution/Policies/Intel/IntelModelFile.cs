using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>
/// An <see cref="IntelModel"/> as a JSON file (<c>--intel-save</c> writes one after a run, <c>--intel-prior</c>
/// starts a run from one): the action layout and, per symbol sorted, the sums per context x action. Written to a
/// temporary file and renamed, so a crash never leaves half a model; read with one sentence for anything wrong.
/// </summary>
public static class IntelModelFile
{
    private const string Format = "fillwise-intel-model";
    private const int Version = 1;

    public static void Save(string path, IntelModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, Serialize(model));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a model; <see cref="InvalidDataException"/> naming the file and what was expected when it is not one.</summary>
    public static IntelModel Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the intel model ({e.Message}).", e);
        }
        try
        {
            return Parse(bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or OverflowException or NullReferenceException)
        {
            // System.Text.Json can quote the bad token with its line break: one line, with the position it found.
            var reason = e is JsonException json ? JsonErrors.Describe(json) : e.Message.ReplaceLineEndings(" ");
            throw new InvalidDataException($"{path}: not a Fillwise intel model ({reason.TrimEnd('.')}); write one with replay --intel-save.", e);
        }
    }

    /// <summary>SHA-256 of the canonical file, hex (16): part of a run's identity when the run starts from the model.</summary>
    public static string Fingerprint(IntelModel model) => Convert.ToHexStringLower(SHA256.HashData(Serialize(model)))[..16];

    private static byte[] Serialize(IntelModel model)
    {
        var symbols = new JsonObject();
        foreach (var (symbol, sums) in model.Symbols)
        {
            symbols[symbol.Value] = new JsonObject
            {
                ["resting"] = sums.Resting,
                ["n"] = new JsonArray([.. sums.N.Select(n => (JsonNode)n)]),
                ["cost"] = new JsonArray([.. sums.Cost.Select(c => (JsonNode)c)]),
                ["fills"] = new JsonArray([.. sums.Fills.Select(f => (JsonNode)f)]),
            };
        }
        var root = new JsonObject { ["format"] = Format, ["version"] = Version, ["layout"] = model.Layout, ["actions"] = model.Actions, ["symbols"] = symbols };
        // Written by the node itself (what the serializer does for a node), so a native build needs no reflection.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }
        return buffer.ToArray();
    }

    private static IntelModel Parse(byte[] bytes)
    {
        var root = JsonNode.Parse(bytes)?.AsObject() ?? throw new FormatException("empty document");
        if ((string?)root["format"] != Format || (int?)root["version"] != Version)
        {
            throw new FormatException($"expected \"format\": \"{Format}\", \"version\": {Version}");
        }
        var layout = (string?)root["layout"] ?? throw new FormatException("no \"layout\"");
        var actions = (int?)root["actions"] is { } a and > 0 and <= 1000 ? a : throw new FormatException("\"actions\" must be a count between 1 and 1000");
        var cells = Context.Count * actions;
        var symbols = ImmutableSortedDictionary.CreateBuilder<Symbol, IntelModel.Sums>(Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
        foreach (var (name, node) in root["symbols"]?.AsObject() ?? throw new FormatException("no \"symbols\""))
        {
            if (!Symbol.TryParse(name, out var symbol))
            {
                throw new FormatException($"\"{name}\" is not a symbol");
            }
            var n = node!["n"]!.AsArray().Select(x => (long)x!).ToImmutableArray();
            var cost = node["cost"]!.AsArray().Select(x => (double)x!).ToImmutableArray();
            var fills = node["fills"]!.AsArray().Select(x => (double)x!).ToImmutableArray();
            var resting = (long)node["resting"]!;
            if (n.Length != cells || cost.Length != cells || fills.Length != cells || n.Any(x => x < 0) || cost.Any(c => !double.IsFinite(c)) || fills.Select((f, i) => f < 0 || f > n[i]).Any(bad => bad) || resting < 0)
            {
                throw new FormatException($"{name}: n, cost and fills must be arrays of {cells} cells ({Context.Count} contexts x {actions} actions), counts >= 0, costs finite, 0 <= fills <= n");
            }
            symbols.Add(symbol, new IntelModel.Sums(cost, fills, n, resting));
        }
        return new IntelModel(layout, actions, symbols.ToImmutable());
    }
}
