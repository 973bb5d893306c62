using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fillwise.Core;

/// <summary>One line for a user about a JSON file that could not be read (options, symbol filters).</summary>
public static class JsonErrors
{
    /// <summary>
    /// "line N ($.Path): reason." System.Text.Json's message ends in its own 0-based position ("Path: $ | LineNumber:
    /// 0 | BytePositionInLine: 4.") and can quote a bad token with its line break, which would split the one-line error.
    /// </summary>
    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var reason = e.Message;
        var cut = reason.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = reason.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }
        reason = (cut >= 0 ? reason[..cut] : reason).ReplaceLineEndings(" ").Trim();
        var line = e.LineNumber is { } n ? $"line {n + 1}" : "";
        var path = e.Path is { Length: > 1 } p ? $" ({p})" : "";
        var where = line + path;
        return where.Length == 0 ? reason : $"{where.TrimStart()}: {reason}";
    }

    /// <summary>
    /// For a file read into <paramref name="root"/>: a value of the wrong kind becomes "line 3, Intel.PatiencesS[2]:
    /// expected a whole number (seconds), got "x"." in the file's own terms (its key path, what the key takes), not
    /// .NET's ("could not be converted to System.Int32"); any other error is <see cref="Describe(JsonException)"/>.
    /// </summary>
    /// <param name="text">The file's text, to quote the value given.</param>
    public static string Describe(JsonException e, JsonTypeInfo root, string text)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(root);
        if (e.Path is not { Length: > 2 } jsonPath)
        {
            return Describe(e);
        }
        var key = KeyPath(jsonPath);
        var line = e.LineNumber is { } n ? $"line {n + 1}, " : "";
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            // An unknown key: name what its object takes instead of the .NET type it could not be mapped to.
            var dot = key.LastIndexOf('.');
            var parent = dot < 0 ? null : key[..dot];
            return TypeAt(root, parent is null ? "$" : "$." + parent) is { } container
                ? $"{line}{key}: not a known key; {(parent is null ? "the file" : parent)} takes {Keys(container)}."
                : Describe(e);
        }
        if (e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return $"{line}{key}: given twice; give each key once.";
        }
        if (!e.Message.Contains("could not be converted", StringComparison.Ordinal) || TypeAt(root, jsonPath) is not { } type)
        {
            return Describe(e);
        }
        var got = Locate(text, key) is { } found ? $", got {Quote(found.Raw)}" : "";
        return $"{line}{key}: expected {Expected(type)}{got}.";
    }

    private static string Keys(JsonTypeInfo type) => $"any of the keys {string.Join(", ", type.Properties.Where(p => p.Set is not null).Select(p => p.Name))}";

    /// <summary>
    /// An options error found after the file was read (<c>Router.MakerTimeout must be ...</c>, naming the key path
    /// first) with the line of that key in <paramref name="text"/> put before it, when the file holds the key.
    /// </summary>
    public static string AtLine(string message, string text)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = message.Split(' ', 2)[0].TrimEnd(':').Split('/')[0];
        return Locate(text, key) is { } found ? $"line {found.Line}, {message}" : message;
    }

    /// <summary>"$.Intel.PatiencesS[2]" -> "Intel.PatiencesS[2]": the key path as the file spells it.</summary>
    public static string KeyPath(string jsonPath) => jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    /// <summary>
    /// The 1-based line and the raw JSON of the value at <paramref name="keyPath"/> ("Router.MakerTimeout",
    /// "Intel.PatiencesS[2]") in <paramref name="text"/>, or null when the text does not hold it or is not JSON:
    /// an options error found after reading (a negative timeout) can then say where the value is.
    /// </summary>
    public static (int Line, string Raw)? Locate(string text, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(keyPath);
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var path = new List<string>();
        var index = new Stack<int>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.GetString();
                    continue;
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    if (path.Count > 0)
                    {
                        path.RemoveAt(path.Count - 1);
                    }
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        index.Pop();
                    }
                    continue;
                }
                // A value: its path is the enclosing path plus its property name or array index.
                var segment = property is not null ? property : index.Count > 0 ? $"[{index.Peek()}]" : "";
                if (property is null && index.Count > 0)
                {
                    index.Push(index.Pop() + 1);
                }
                property = null;
                var here = Join(path, segment);
                if (string.Equals(here, keyPath, StringComparison.Ordinal))
                {
                    var start = (int)reader.TokenStartIndex;
                    var line = 1 + bytes.AsSpan(0, start).Count((byte)'\n');
                    reader.Skip();
                    var end = (int)reader.BytesConsumed;
                    return (line, Encoding.UTF8.GetString(bytes, start, end - start));
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    path.Add(segment);
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        index.Push(0);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (then it was refused before anything could be located).
        }
        return null;
    }

    private static string Join(List<string> path, string segment)
    {
        var text = new StringBuilder();
        foreach (var part in path.Append(segment))
        {
            if (part.Length > 0 && part[0] != '[' && text.Length > 0)
            {
                text.Append('.');
            }
            text.Append(part);
        }
        return text.ToString();
    }

    /// <summary>
    /// The contract at a "$.A.B[2]" path of <paramref name="root"/>'s JSON shape (its properties, lists), or null. Read
    /// from the serializer's contract, not by reflection, so a native build (which trims what reflection would need) words
    /// its errors the same.
    /// </summary>
    private static JsonTypeInfo? TypeAt(JsonTypeInfo root, string jsonPath)
    {
        var type = root;
        foreach (var segment in KeyPath(jsonPath).Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment[0] == '[')
            {
                if (ElementType(type) is not { } element)
                {
                    return null;
                }
                type = element;
                continue;
            }
            if (type.Properties.FirstOrDefault(p => p.Name == segment) is not { } property)
            {
                return null;
            }
            type = type.Options.GetTypeInfo(property.PropertyType);
        }
        return type;
    }

    private static JsonTypeInfo? ElementType(JsonTypeInfo type) =>
        type.Kind == JsonTypeInfoKind.Enumerable && type.ElementType is { } element ? type.Options.GetTypeInfo(element) : null;

    /// <summary>What a key of this type takes, in the words of the README's "Configuration".</summary>
    private static string Expected(JsonTypeInfo contract)
    {
        var type = Nullable.GetUnderlyingType(contract.Type) ?? contract.Type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type).Select(n => $"\"{n}\""))}";
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
        {
            return "a whole number";
        }
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float))
        {
            return "a number";
        }
        if (type == typeof(bool))
        {
            return "true or false";
        }
        if (type == typeof(TimeSpan))
        {
            return "a duration as a string \"hh:mm:ss\" (e.g. \"00:00:05\", \"00:00:00.250\")";
        }
        if (type == typeof(string))
        {
            return "a string";
        }
        if (ElementType(contract) is { } element)
        {
            return $"a list [...] of {Plural(Expected(element))}";
        }
        return $"an object {{...}} with {Keys(contract)}";
    }

    private static string Plural(string expected) => expected switch
    {
        "a whole number" => "whole numbers",
        "a number" => "numbers",
        "a string" => "strings",
        _ => $"values, each {expected}",
    };

    private static string Quote(string raw)
    {
        var flat = raw.ReplaceLineEndings(" ");
        return flat.Length <= 40 ? flat : string.Create(CultureInfo.InvariantCulture, $"{flat[..37]}...");
    }
}
