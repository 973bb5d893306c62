using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Venues.Binance;

/// <summary>A credential problem: one sentence naming the source and what was expected (never the secret).</summary>
public sealed class CredentialsException(string message) : Exception(message);

/// <summary>
/// An API key and its secret. Never printed, logged or stored: <see cref="ToString"/> shows neither, and the
/// secret only ever leaves this object as an HMAC.
/// </summary>
public sealed class BinanceCredentials
{
    public const string KeyVariable = "FILLWISE_BINANCE_API_KEY";
    public const string SecretVariable = "FILLWISE_BINANCE_API_SECRET";

    private readonly byte[] _secret;

    public BinanceCredentials(string apiKey, string secret)
    {
        if (string.IsNullOrWhiteSpace(apiKey) || string.IsNullOrWhiteSpace(secret))
        {
            throw new CredentialsException("The API key and the secret must both be non-empty.");
        }
        ApiKey = apiKey.Trim();
        _secret = Encoding.UTF8.GetBytes(secret.Trim());
    }

    /// <summary>Sent as X-MBX-APIKEY.</summary>
    internal string ApiKey { get; }

    /// <summary>Lower-case hex HMAC-SHA256 of the total parameter string, as Binance signs it.</summary>
    public string Sign(string totalParams) => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(totalParams)));

    public override string ToString() => "BinanceCredentials(***)";

    /// <summary>From the environment (both variables), or null when neither is set.</summary>
    public static BinanceCredentials? FromEnvironment(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        var key = get(KeyVariable);
        var secret = get(SecretVariable);
        if (string.IsNullOrEmpty(key) && string.IsNullOrEmpty(secret))
        {
            return null;
        }
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
        {
            throw new CredentialsException($"Set both {KeyVariable} and {SecretVariable} (only one is set).");
        }
        return new BinanceCredentials(key, secret);
    }

    /// <summary>
    /// A key file: two lines, the API key then the secret. Refused unless only its owner can read or write it
    /// (mode 0600 or 0400), as ssh does with private keys.
    /// </summary>
    public static BinanceCredentials FromKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CredentialsException($"{path}: key file not found.");
        }
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & others) != 0)
            {
                throw new CredentialsException($"{path}: the key file is readable or writable by others; it must be readable only by its owner (chmod 600 {path}).");
            }
        }
        string[] lines;
        try
        {
            lines = [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"{path}: cannot read the key file ({e.GetType().Name}).");
        }
        return lines.Length == 2
            ? new BinanceCredentials(lines[0], lines[1])
            : throw new CredentialsException($"{path}: expected two non-empty lines (the API key, then the secret), found {lines.Length}.");
    }
}
