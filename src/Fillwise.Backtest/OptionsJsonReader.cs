using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Fillwise.Execution;

namespace Fillwise.Backtest;

/// <summary>
/// Reads options JSON (a <c>--config</c> file) onto the defaults in code. The options' contract is generated at
/// compile time (<see cref="OptionsJson"/>, what a native build needs), and a generated contract builds an init-only
/// record with every property it does not find set to zero, not to its default. So the file is read twice: first as
/// given, which reports its syntax, unknown keys and value types at the file's own lines; then its values laid over
/// the serialized defaults, a key at a time, so every property is present when the record is built.
/// </summary>
public static class OptionsJsonReader
{
    /// <summary>
    /// A config file's reading rules: unknown and duplicate keys refused, comments allowed, numbers as numbers, enums
    /// by name ("Scheme": "HourOfDay", as the README writes them; one converter per enum of the options, since the
    /// generic converter needs no code generated at run time: a test checks that every enum the options hold has one).
    /// </summary>
    public static JsonSerializerOptions Strict { get; } = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = OptionsJson.Default,
        Converters = { new JsonStringEnumConverter<Fillwise.Intel.BucketScheme>() },
    };

    /// <param name="text">The file's text.</param>
    /// <exception cref="JsonException">The file is not valid options JSON.</exception>
    public static ExecutorOptions Read(string text)
    {
        var contract = (JsonTypeInfo<ExecutorOptions>)Strict.GetTypeInfo(typeof(ExecutorOptions));
        _ = JsonSerializer.Deserialize(text, contract) ?? throw new JsonException("empty document (expected a JSON object)");
        var given = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        var merged = JsonSerializer.SerializeToNode(new ExecutorOptions(), OptionsJson.Default.ExecutorOptions)!.AsObject();
        Overlay(merged, given);
        return merged.Deserialize(contract)!;
    }

    /// <summary>Objects merge key by key; anything else (a number, a list, null) replaces the default.</summary>
    private static void Overlay(JsonObject defaults, JsonObject given)
    {
        foreach (var (key, value) in given)
        {
            if (value is JsonObject inner && defaults[key] is JsonObject innerDefaults)
            {
                Overlay(innerDefaults, inner);
            }
            else
            {
                defaults[key] = value?.DeepClone();
            }
        }
    }
}
