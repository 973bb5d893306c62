using System.Globalization;

namespace Fillwise.Core;

/// <summary>
/// An exact decimal with eight fractional digits held in a <see cref="long"/> (1 unit = 1e-8).
/// Binance prints prices and quantities with at most eight decimals, so every value on the wire maps onto
/// it exactly; integer arithmetic keeps the hot paths (parsing, book updates) free of decimal and double.
/// Range: about ±92 billion, enough for any price or quantity of a USDⓈ-M contract.
/// </summary>
public readonly record struct Fixed8(long Raw) : IComparable<Fixed8>
{
    public const int Scale = 8;
    public const long One = 100_000_000;
    private const decimal OneDecimal = 100_000_000m;

    public static Fixed8 Zero => default;

    public bool IsZero => Raw == 0;

    public int CompareTo(Fixed8 other) => Raw.CompareTo(other.Raw);

    public static bool operator <(Fixed8 a, Fixed8 b) => a.Raw < b.Raw;
    public static bool operator >(Fixed8 a, Fixed8 b) => a.Raw > b.Raw;
    public static bool operator <=(Fixed8 a, Fixed8 b) => a.Raw <= b.Raw;
    public static bool operator >=(Fixed8 a, Fixed8 b) => a.Raw >= b.Raw;

    public decimal ToDecimal() => Raw / OneDecimal;

    public double ToDouble() => Raw / (double)One;

    /// <summary>Converts exactly; fails when the value has more than eight decimals or is out of range.</summary>
    public static bool TryFromDecimal(decimal value, out Fixed8 result)
    {
        var scaled = value * OneDecimal;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue)
        {
            result = default;
            return false;
        }
        result = new Fixed8((long)scaled);
        return true;
    }

    public static Fixed8 FromDecimal(decimal value) =>
        TryFromDecimal(value, out var result)
            ? result
            : throw new ArgumentOutOfRangeException(nameof(value), value, "needs more than 8 decimals or is out of range");

    /// <summary>
    /// Parses a plain decimal number ("63943.90", "0.000", "5") from UTF-8 without allocating. No sign,
    /// exponent or grouping: Binance never sends them for prices and quantities, so they are errors.
    /// Digits beyond the eighth decimal are accepted only when they are zeros (the value stays exact).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Fixed8 result)
    {
        result = default;
        if (utf8.IsEmpty)
        {
            return false;
        }
        long integer = 0;
        var i = 0;
        var digits = 0;
        for (; i < utf8.Length && utf8[i] != (byte)'.'; i++)
        {
            var d = utf8[i] - (byte)'0';
            if ((uint)d > 9 || integer > (long.MaxValue / One - 9) / 10)
            {
                return false;
            }
            integer = (integer * 10) + d;
            digits++;
        }
        long fraction = 0;
        var fractionDigits = 0;
        if (i < utf8.Length)
        {
            i++; // the '.'
            for (; i < utf8.Length; i++)
            {
                var d = utf8[i] - (byte)'0';
                if ((uint)d > 9)
                {
                    return false;
                }
                if (fractionDigits < Scale)
                {
                    fraction = (fraction * 10) + d;
                }
                else if (d != 0)
                {
                    return false;
                }
                fractionDigits++;
                digits++;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        for (var k = Math.Min(fractionDigits, Scale); k < Scale; k++)
        {
            fraction *= 10;
        }
        result = new Fixed8((integer * One) + fraction);
        return true;
    }

    public static bool TryParse(string text, out Fixed8 result)
    {
        Span<byte> buffer = stackalloc byte[64];
        if (text.Length > buffer.Length)
        {
            result = default;
            return false;
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                result = default;
                return false;
            }
            buffer[i] = (byte)text[i];
        }
        return TryParse(buffer[..text.Length], out result);
    }

    public override string ToString() => ToDecimal().ToString(CultureInfo.InvariantCulture);
}
