using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Fillwise.Core;

namespace Fillwise.Exchange;

/// <summary>
/// Binance's number conventions: prices and quantities are JSON strings with the symbol's precision
/// ("63943.90", "0.095"), ids and times are JSON numbers. Writes Fixed8 values without going through decimal.
/// </summary>
internal static class Json
{
    private static readonly long[] Pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>Decimal places of a tick or step size as the catalog states it ("0.10" → 2, "0.001" → 3).</summary>
    public static int Places(decimal size) => Math.Min(8, (int)((decimal.GetBits(size)[3] >> 16) & 0xFF));

    /// <summary>A Fixed8 value as a JSON string with <paramref name="places"/> decimals (more when the value needs them).</summary>
    public static void WriteFixed(Utf8JsonWriter writer, string name, long raw, int places)
    {
        Span<byte> buffer = stackalloc byte[32];
        writer.WriteString(name, Format(raw, places, buffer));
    }

    public static void WriteFixedValue(Utf8JsonWriter writer, long raw, int places)
    {
        Span<byte> buffer = stackalloc byte[32];
        writer.WriteStringValue(Format(raw, places, buffer));
    }

    /// <summary>A decimal amount (PnL, commission, balance) as a JSON string with 8 decimals at most, trailing zeros kept to <paramref name="places"/>.</summary>
    public static void WriteDecimal(Utf8JsonWriter writer, string name, decimal value, int places = 8) =>
        writer.WriteString(name, Math.Round(value, places, MidpointRounding.ToEven).ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    public static ReadOnlySpan<byte> Format(long raw, int places, Span<byte> buffer)
    {
        var negative = raw < 0;
        var magnitude = negative ? -(Int128)raw : raw;
        var integer = (long)(magnitude / Fixed8.One);
        var fraction = (long)(magnitude % Fixed8.One);
        // Drop trailing zeros beyond the symbol's precision, never significant digits.
        var shown = 8;
        while (shown > places && fraction % 10 == 0)
        {
            fraction /= 10;
            shown--;
        }
        var length = 0;
        if (negative)
        {
            buffer[length++] = (byte)'-';
        }
        Utf8Formatter.TryFormat(integer, buffer[length..], out var written);
        length += written;
        if (shown > 0)
        {
            buffer[length++] = (byte)'.';
            Utf8Formatter.TryFormat(fraction, buffer[length..], out written, new StandardFormat('D', (byte)shown));
            length += written;
        }
        return buffer[..length];
    }

    /// <summary>Writes a JSON document into a fresh array.</summary>
    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(int code, string message) => Build(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", code);
        w.WriteString("msg", message);
        w.WriteEndObject();
    });

    internal static long Pow(int places) => Pow10[places];
}
