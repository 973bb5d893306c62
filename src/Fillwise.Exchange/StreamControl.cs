using System.Text.Json;

namespace Fillwise.Exchange;

/// <summary>
/// Binance's live subscription messages on a market connection: <c>{"method":"SUBSCRIBE","params":[…],"id":1}</c>
/// → <c>{"result":null,"id":1}</c>, UNSUBSCRIBE likewise, LIST_SUBSCRIPTIONS → <c>{"result":[…],"id":1}</c>.
/// </summary>
internal static class StreamControl
{
    public static byte[]? Handle(StreamHub hub, SocketClient client, string text, bool combined)
    {
        JsonElement id = default;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
            {
                return Error(2, "Invalid request: method must be a string", default);
            }
            id = root.TryGetProperty("id", out var i) ? i.Clone() : default;
            var names = root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
                : [];
            switch (method.GetString())
            {
                case "SUBSCRIBE":
                    foreach (var name in names)
                    {
                        switch (hub.Subscribe(client, name, combined))
                        {
                            case SubscribeOutcome.UnknownStream:
                                return Error(2, $"Invalid request: unknown stream '{name}'", id);
                            case SubscribeOutcome.TooManyStreams:
                                return Error(2, $"Invalid request: at most {StreamHub.MaxStreamsPerConnection} streams per connection", id);
                        }
                    }
                    return Result(null, id);
                case "UNSUBSCRIBE":
                    foreach (var name in names)
                    {
                        hub.Unsubscribe(client, name);
                    }
                    return Result(null, id);
                case "LIST_SUBSCRIPTIONS":
                    return Result(hub.SubscriptionsOf(client), id);
                default:
                    return Error(2, "Invalid request: unknown method", id);
            }
        }
        catch (JsonException)
        {
            return Error(3, "Invalid JSON: expected an object", id);
        }
    }

    private static byte[] Result(IReadOnlyList<string>? result, JsonElement id) => Json.Build(w =>
    {
        w.WriteStartObject();
        if (result is null)
        {
            w.WriteNull("result");
        }
        else
        {
            w.WriteStartArray("result");
            foreach (var name in result)
            {
                w.WriteStringValue(name);
            }
            w.WriteEndArray();
        }
        WriteId(w, id);
        w.WriteEndObject();
    });

    private static byte[] Error(int code, string message, JsonElement id) => Json.Build(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("msg", message);
        w.WriteEndObject();
        WriteId(w, id);
        w.WriteEndObject();
    });

    private static void WriteId(Utf8JsonWriter w, JsonElement id)
    {
        w.WritePropertyName("id");
        if (id.ValueKind == JsonValueKind.Undefined)
        {
            w.WriteNullValue();
        }
        else
        {
            id.WriteTo(w);
        }
    }
}
