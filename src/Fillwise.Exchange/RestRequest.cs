using System.Globalization;
using System.Text.RegularExpressions;
using Fillwise.Core;

namespace Fillwise.Exchange;

/// <summary>
/// The parameters of one REST request exactly as sent: the query string and the form body (Binance reads both;
/// the query wins on a clash). The signature covers the total parameter string — query then body, each without
/// its <c>signature</c> pair. Typed getters record the first problem as Binance's error (<see cref="Error"/>)
/// instead of throwing.
/// </summary>
internal sealed partial class RestRequest
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public RestRequest(string query, string body)
    {
        Query = query.StartsWith('?') ? query[1..] : query;
        Body = body;
        Add(Body);
        Add(Query);
        TotalParams = Strip(Query) + Strip(Body);
    }

    public string Query { get; }
    public string Body { get; }

    /// <summary>What the client signed: the query string followed by the body, without the signature pairs.</summary>
    public string TotalParams { get; }

    public Reply? Error { get; private set; }

    public string? Raw(string name) => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string? Required(string name)
    {
        var value = Raw(name);
        if (value is null)
        {
            Fail(-1102, $"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.");
        }
        return value;
    }

    public Symbol? Symbol(bool required = true)
    {
        var text = required ? Required("symbol") : Raw("symbol");
        if (text is null)
        {
            return null;
        }
        if (!Core.Symbol.TryParse(text, out var symbol))
        {
            Fail(-1121, "Invalid symbol.");
            return null;
        }
        return symbol;
    }

    public long? Long(string name, bool required = false)
    {
        var text = required ? Required(name) : Raw(name);
        if (text is null)
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            Fail(-1100, $"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.");
            return null;
        }
        return value;
    }

    public Fixed8? Decimal(string name, bool required)
    {
        var text = required ? Required(name) : Raw(name);
        if (text is null)
        {
            return null;
        }
        if (!Fixed8.TryParse(text, out var value))
        {
            Fail(-1100, $"Illegal characters found in parameter '{name}'; legal range is '^([0-9]{{1,20}})(\\.[0-9]{{1,20}})?$'.");
            return null;
        }
        return value;
    }

    public bool Flag(string name) => string.Equals(Raw(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A client order id (Binance's pattern), or null when absent.</summary>
    public string? ClientOrderId(string name)
    {
        var text = Raw(name);
        if (text is not null && !ClientOrderIdPattern().IsMatch(text))
        {
            Fail(-1100, $"Illegal characters found in parameter '{name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{{1,36}}$'.");
            return null;
        }
        return text;
    }

    public void Fail(int code, string message) => Error ??= Reply.Error(400, code, message);

    private void Add(string pairs)
    {
        foreach (var pair in pairs.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            _values[name] = value;
        }
    }

    private static string Strip(string pairs) =>
        string.Join('&', pairs.Split('&').Where(p => !p.StartsWith("signature=", StringComparison.Ordinal)));

    [GeneratedRegex(@"^[\.A-Z\:/a-z0-9_-]{1,36}$")]
    private static partial Regex ClientOrderIdPattern();
}
