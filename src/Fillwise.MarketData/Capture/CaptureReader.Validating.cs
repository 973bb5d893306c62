using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

/// <summary>The validating path: every JSON token through <c>Utf8JsonReader</c>, with an error text for anything unexpected.</summary>
public sealed partial class CaptureReader
{
    private string? ParseObject(ref Utf8JsonReader reader, int depth)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            if (!reader.Read())
            {
                return "unexpected end of JSON";
            }
            var token = reader.TokenType;
            string? error = null;
            switch (name.Length)
            {
                case 1:
                    error = ParseShortField(ref reader, name[0], token);
                    break;
                case 2 when name.SequenceEqual("pu"u8):
                    error = ReadLong(ref reader, Field.PrevFinalId, "pu");
                    break;
                case 4 when name.SequenceEqual("data"u8) && token == JsonTokenType.StartObject && depth == 0:
                    error = ParseObject(ref reader, depth + 1);
                    break;
                case 4 when name.SequenceEqual("bids"u8):
                    error = ReadLevels(ref reader, _bids, Field.Bids, "bids");
                    break;
                case 4 when name.SequenceEqual("asks"u8):
                    error = ReadLevels(ref reader, _asks, Field.Asks, "asks");
                    break;
                case 12 when name.SequenceEqual("lastUpdateId"u8):
                    error = ReadLong(ref reader, Field.LastUpdateId, "lastUpdateId");
                    break;
                default:
                    reader.Skip();
                    break;
            }
            if (error is not null)
            {
                return error;
            }
        }
        return reader.TokenType == JsonTokenType.EndObject ? null : "malformed JSON object";
    }

    private string? ReadLong(ref Utf8JsonReader reader, Field field, string label)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            return $"\"{label}\" must be an integer";
        }
        _fields.SetLong(field, value);
        return null;
    }

    private string? ParseShortField(ref Utf8JsonReader reader, byte name, JsonTokenType token)
    {
        var f = _fields;
        switch (name)
        {
            case (byte)'e':
                return token == JsonTokenType.String ? f.SetEventType(reader.ValueSpan) : "\"e\" must be a string";
            case (byte)'s':
                return token == JsonTokenType.String ? f.SetSymbol(reader.ValueSpan) : "\"s\" must be a string";
            case (byte)'E': return ReadLong(ref reader, Field.EventTime, "E");
            case (byte)'T': return ReadLong(ref reader, Field.TransactTime, "T");
            case (byte)'U': return ReadLong(ref reader, Field.FirstId, "U");
            case (byte)'u': return ReadLong(ref reader, Field.FinalId, "u");
            case (byte)'t': return ReadLong(ref reader, Field.TradeId, "t");
            // "b"/"a": levels in depth diffs, best prices in bookTickers, order ids (numbers) in spot trades.
            case (byte)'b':
                return token == JsonTokenType.StartArray ? ReadLevels(ref reader, _bids, Field.BidLevels, "b")
                    : token == JsonTokenType.Number ? ReadLong(ref reader, Field.BuyerOrderId, "b") : Decimal(ref reader, Field.BidPrice, "b");
            case (byte)'a':
                return token == JsonTokenType.StartArray ? ReadLevels(ref reader, _asks, Field.AskLevels, "a")
                    : token == JsonTokenType.Number ? ReadLong(ref reader, Field.SellerOrderId, "a") : Decimal(ref reader, Field.AskPrice, "a");
            case (byte)'B': return Decimal(ref reader, Field.BidQty, "B");
            case (byte)'A': return Decimal(ref reader, Field.AskQty, "A");
            case (byte)'p': return Decimal(ref reader, Field.Price, "p");
            case (byte)'q': return Decimal(ref reader, Field.Quantity, "q");
            case (byte)'m':
                if (token is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return "\"m\" must be true or false";
                }
                f.SetBool(Field.BuyerIsMaker, token == JsonTokenType.True);
                return null;
            default:
                reader.Skip();
                return null;
        }

        string? Decimal(ref Utf8JsonReader r, Field field, string label)
        {
            if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !Fixed8.TryParse(r.ValueSpan, out var value))
            {
                return $"\"{label}\" must be a decimal string such as \"63943.90\"";
            }
            f.SetDecimal(field, value);
            return null;
        }
    }

    private string? ReadLevels(ref Utf8JsonReader reader, LevelBuffer levels, Field field, string label)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"\"{label}\" must be an array of [price, quantity] pairs";
        }
        levels.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.String || !Fixed8.TryParse(reader.ValueSpan, out var price)
                || !reader.Read() || reader.TokenType != JsonTokenType.String || !Fixed8.TryParse(reader.ValueSpan, out var quantity))
            {
                return $"\"{label}\" level {levels.Count + 1}: expected [\"price\", \"quantity\"] as decimal strings";
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }
            levels.Add(new Level(price, quantity));
        }
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            return $"\"{label}\" must be an array of [price, quantity] pairs";
        }
        _fields.Mark(field);
        return null;
    }

}
