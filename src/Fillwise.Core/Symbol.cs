namespace Fillwise.Core;

/// <summary>
/// An exchange symbol such as BTCUSDT: upper-case letters and digits, and inner underscores for COIN-M
/// contracts (ETHUSD_PERP, BTCUSD_240927). Its hash is computed once: symbols key the dictionaries every market
/// event goes through (books, a venue's orders, the executor's state, markouts), and hashing the name there was a
/// few percent of an evaluation.
/// </summary>
public readonly record struct Symbol
{
    private readonly int _hash;

    public Symbol(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a symbol: expected 2-32 upper-case letters or digits (inner '_' allowed), e.g. BTCUSDT or ETHUSD_PERP.", nameof(value));
        }
        Value = value;
        _hash = string.GetHashCode(value, StringComparison.Ordinal);
    }

    public string Value { get; }

    public bool Equals(Symbol other) => _hash == other._hash && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => _hash;

    public static bool IsValid(string? value)
    {
        if (value is null || value.Length is < 2 or > 32)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }
        return value[0] != '_' && value[^1] != '_';
    }

    /// <summary>Accepts any case ("btcusdt" in stream names) and normalises to upper case.</summary>
    public static bool TryParse(string? text, out Symbol symbol)
    {
        var upper = text?.ToUpperInvariant();
        if (IsValid(upper))
        {
            symbol = new Symbol(upper!);
            return true;
        }
        symbol = default;
        return false;
    }

    public override string ToString() => Value ?? string.Empty;
}

public enum Side
{
    Buy = 1,
    Sell = -1,
}

public static class SideExtensions
{
    public static int Sign(this Side side) => (int)side;
}
