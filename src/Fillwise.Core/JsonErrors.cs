using System.Text.Json;

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
}
