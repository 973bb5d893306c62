using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// The fast path for the message shapes Binance actually sends: compact JSON, ASCII, no escapes, integer ids,
/// decimal strings, level arrays of exactly two strings. It fills the same <see cref="EventFields"/> and level
/// buffers, in the same order and with the same semantics, as the validating <c>Utf8JsonReader</c> path, but
/// scans the bytes once by hand. It never reports an error: on anything it does not expect (whitespace, an
/// escape, a float, a nested object, a bad decimal) it gives up and the caller re-parses the line with the
/// validating reader, so error messages and the handling of unusual-but-valid JSON are unchanged.
/// </summary>
internal static class FastScanner
{
    /// <summary>True when the whole message was scanned; false = use the validating path.</summary>
    public static bool TryScan(ReadOnlySpan<byte> json, EventFields fields, LevelBuffer bids, LevelBuffer asks)
    {
        var pos = 0;
        if (json.IsEmpty || json[0] != (byte)'{' || !ScanObject(json, ref pos, 0, fields, bids, asks))
        {
            return false;
        }
        return pos == json.Length;
    }

    private static bool ScanObject(ReadOnlySpan<byte> s, ref int pos, int depth, EventFields f, LevelBuffer bids, LevelBuffer asks)
    {
        pos++; // '{'
        if (pos < s.Length && s[pos] == (byte)'}')
        {
            pos++;
            return true;
        }
        while (true)
        {
            if (!TryString(s, ref pos, out var name) || pos >= s.Length || s[pos++] != (byte)':' || pos >= s.Length)
            {
                return false;
            }
            if (!ScanMember(s, ref pos, name, depth, f, bids, asks) || pos >= s.Length)
            {
                return false;
            }
            var c = s[pos++];
            if (c == (byte)'}')
            {
                return true;
            }
            if (c != (byte)',')
            {
                return false;
            }
        }
    }

    private static bool ScanMember(ReadOnlySpan<byte> s, ref int pos, ReadOnlySpan<byte> name, int depth, EventFields f, LevelBuffer bids, LevelBuffer asks)
    {
        var c = s[pos];
        switch (name.Length)
        {
            case 1:
                switch (name[0])
                {
                    case (byte)'e':
                        return TryString(s, ref pos, out var type) && f.SetEventType(type) is null;
                    case (byte)'s':
                        return TryString(s, ref pos, out var symbol) && f.SetSymbol(symbol) is null;
                    case (byte)'E': return Long(s, ref pos, f, Field.EventTime);
                    case (byte)'T': return Long(s, ref pos, f, Field.TransactTime);
                    case (byte)'U': return Long(s, ref pos, f, Field.FirstId);
                    case (byte)'u': return Long(s, ref pos, f, Field.FinalId);
                    case (byte)'t': return Long(s, ref pos, f, Field.TradeId);
                    case (byte)'b':
                        return c == (byte)'[' ? Levels(s, ref pos, f, bids, Field.BidLevels)
                            : c == (byte)'"' ? Decimal(s, ref pos, f, Field.BidPrice) : Long(s, ref pos, f, Field.BuyerOrderId);
                    case (byte)'a':
                        return c == (byte)'[' ? Levels(s, ref pos, f, asks, Field.AskLevels)
                            : c == (byte)'"' ? Decimal(s, ref pos, f, Field.AskPrice) : Long(s, ref pos, f, Field.SellerOrderId);
                    case (byte)'B': return Decimal(s, ref pos, f, Field.BidQty);
                    case (byte)'A': return Decimal(s, ref pos, f, Field.AskQty);
                    case (byte)'p': return Decimal(s, ref pos, f, Field.Price);
                    case (byte)'q': return Decimal(s, ref pos, f, Field.Quantity);
                    case (byte)'m':
                        if (Literal(s, ref pos, "true"u8))
                        {
                            f.SetBool(Field.BuyerIsMaker, true);
                            return true;
                        }
                        if (Literal(s, ref pos, "false"u8))
                        {
                            f.SetBool(Field.BuyerIsMaker, false);
                            return true;
                        }
                        return false;
                    default:
                        return SkipScalar(s, ref pos);
                }
            case 2 when name[0] == (byte)'p' && name[1] == (byte)'u':
                return Long(s, ref pos, f, Field.PrevFinalId);
            case 4 when name.SequenceEqual("data"u8) && c == (byte)'{' && depth == 0:
                return ScanObject(s, ref pos, depth + 1, f, bids, asks);
            case 4 when name.SequenceEqual("bids"u8):
                return c == (byte)'[' && Levels(s, ref pos, f, bids, Field.Bids);
            case 4 when name.SequenceEqual("asks"u8):
                return c == (byte)'[' && Levels(s, ref pos, f, asks, Field.Asks);
            case 12 when name.SequenceEqual("lastUpdateId"u8):
                return Long(s, ref pos, f, Field.LastUpdateId);
            default:
                return SkipScalar(s, ref pos);
        }
    }

    /// <summary>A string without escapes, control or non-ASCII bytes; <paramref name="value"/> excludes the quotes.</summary>
    private static bool TryString(ReadOnlySpan<byte> s, ref int pos, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (pos >= s.Length || s[pos] != (byte)'"')
        {
            return false;
        }
        var rest = s[(pos + 1)..];
        var end = rest.IndexOf((byte)'"');
        if (end < 0)
        {
            return false;
        }
        value = rest[..end];
        // One vectorised check for '\\', control characters and non-ASCII: all of them send the line to the validating path.
        if (value.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) >= 0 || value.Contains((byte)'\\'))
        {
            return false;
        }
        pos += end + 2;
        return true;
    }

    /// <summary>A JSON integer the validating path would accept with TryGetInt64: no sign, fraction, exponent or leading zero.</summary>
    private static bool Long(ReadOnlySpan<byte> s, ref int pos, EventFields f, Field field)
    {
        var start = pos;
        long value = 0;
        while (pos < s.Length && (uint)(s[pos] - '0') <= 9)
        {
            value = (value * 10) + (s[pos] - '0');
            pos++;
        }
        var digits = pos - start;
        if (digits is 0 or > 18 || (digits > 1 && s[start] == (byte)'0') || (pos < s.Length && s[pos] is (byte)'.' or (byte)'e' or (byte)'E'))
        {
            return false;
        }
        f.SetLong(field, value);
        return true;
    }

    private static bool Decimal(ReadOnlySpan<byte> s, ref int pos, EventFields f, Field field)
    {
        if (!TryString(s, ref pos, out var text) || !Fixed8.TryParse(text, out var value))
        {
            return false;
        }
        f.SetDecimal(field, value);
        return true;
    }

    private static bool Levels(ReadOnlySpan<byte> s, ref int pos, EventFields f, LevelBuffer levels, Field field)
    {
        levels.Clear();
        pos++; // '['
        if (pos < s.Length && s[pos] == (byte)']')
        {
            pos++;
            f.Mark(field);
            return true;
        }
        while (pos < s.Length && s[pos] == (byte)'[')
        {
            pos++;
            if (!TryString(s, ref pos, out var priceText) || pos >= s.Length || s[pos++] != (byte)','
                || !TryString(s, ref pos, out var quantityText) || pos >= s.Length || s[pos++] != (byte)']'
                || !Fixed8.TryParse(priceText, out var price) || !Fixed8.TryParse(quantityText, out var quantity))
            {
                return false;
            }
            levels.Add(new Level(price, quantity));
            if (pos >= s.Length)
            {
                return false;
            }
            var c = s[pos++];
            if (c == (byte)']')
            {
                f.Mark(field);
                return true;
            }
            if (c != (byte)',')
            {
                return false;
            }
        }
        return false;
    }

    private static bool Literal(ReadOnlySpan<byte> s, ref int pos, ReadOnlySpan<byte> literal)
    {
        if (!s[pos..].StartsWith(literal))
        {
            return false;
        }
        pos += literal.Length;
        return true;
    }

    /// <summary>Skips a string, integer, true, false or null; anything else (objects, arrays, floats) goes to the validating path.</summary>
    private static bool SkipScalar(ReadOnlySpan<byte> s, ref int pos)
    {
        var c = s[pos];
        if (c == (byte)'"')
        {
            return TryString(s, ref pos, out _);
        }
        if ((uint)(c - '0') <= 9)
        {
            var start = pos;
            while (pos < s.Length && (uint)(s[pos] - '0') <= 9)
            {
                pos++;
            }
            return !(pos - start > 1 && s[start] == (byte)'0') && !(pos < s.Length && s[pos] is (byte)'.' or (byte)'e' or (byte)'E');
        }
        return Literal(s, ref pos, "true"u8) || Literal(s, ref pos, "false"u8) || Literal(s, ref pos, "null"u8);
    }
}
