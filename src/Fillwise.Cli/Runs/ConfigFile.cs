using System.Text.Json;
using Fillwise.Execution;
using Fillwise.Execution.Routing;
using Fillwise.Intel;
using Fillwise.MarketData;

namespace Fillwise.Cli.Runs;

/// <summary>
/// An executor configuration file: any of the sections below, each overriding the defaults in code; unknown
/// properties are errors. Validated once, with the file named in every message.
/// <code>{ "MakerOffset": { "NormalBaseBps": 0.5 }, "RouterPolicy": { "MinOrders": 30 }, "Router": { "MakerTimeout": "00:00:05" } }</code>
/// </summary>
internal static class ConfigFile
{
    private sealed record Sections(MakerOffsetOptions? MakerOffset, RouterPolicyOptions? RouterPolicy, RouterOptions? Router, AtrRegimeOptions? Regime);

    private static readonly JsonSerializerOptions Json = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static ExecutorOptions Apply(string? path, ExecutorOptions options)
    {
        if (path is null)
        {
            return options;
        }
        if (!File.Exists(path))
        {
            throw new DataFormatException($"{path}: file not found.");
        }
        Sections sections;
        try
        {
            sections = JsonSerializer.Deserialize<Sections>(File.ReadAllText(path), Json) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path}: {e.Message}");
        }
        var result = options with
        {
            MakerOffset = sections.MakerOffset ?? options.MakerOffset,
            RouterPolicy = sections.RouterPolicy ?? options.RouterPolicy,
            Router = sections.Router ?? options.Router,
            Regime = sections.Regime ?? options.Regime,
        };
        try
        {
            result.Validate();
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException($"{path}: {e.Message}");
        }
        return result;
    }
}
