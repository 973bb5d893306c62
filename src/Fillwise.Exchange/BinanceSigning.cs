using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Exchange;

/// <summary>Binance's SIGNED-endpoint signature: lowercase hex HMAC-SHA256 of the total parameter string, keyed by the secret.</summary>
public static class BinanceSigning
{
    public static string Sign(string secret, string payload)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(payload);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>Constant-time comparison of a received signature (hex, any case) with the expected one.</summary>
    public static bool Verify(string secret, string payload, string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var expected = Encoding.ASCII.GetBytes(Sign(secret, payload));
        var received = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }
}
