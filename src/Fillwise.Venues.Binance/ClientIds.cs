using System.Globalization;

namespace Fillwise.Venues.Binance;

/// <summary>
/// newClientOrderId = prefix + session + "-" + the engine's child id (e.g. "fw-m3k9x2a1-1002"). The child id is
/// the executor's idempotent id (parent * 1000 + leg); the session (the venue's start time in base 36) keeps a
/// restarted process, whose child ids start again at 1001, from reusing an earlier process's ids. Reconciliation
/// cancels any open order that carries the prefix, whatever its session.
/// </summary>
public sealed class ClientIds
{
    private readonly string _sessionPrefix;

    public ClientIds(string prefix, long sessionMs)
    {
        Prefix = prefix;
        Session = ToBase36(sessionMs);
        _sessionPrefix = prefix + Session + "-";
    }

    public string Prefix { get; }

    public string Session { get; }

    public string Format(long childId) => _sessionPrefix + childId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Carries our prefix (any session).</summary>
    public bool IsOurs(string clientOrderId) => clientOrderId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The child id of an order of this session.</summary>
    public bool TryParse(string clientOrderId, out long childId)
    {
        childId = 0;
        return clientOrderId.StartsWith(_sessionPrefix, StringComparison.Ordinal)
            && long.TryParse(clientOrderId.AsSpan(_sessionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out childId);
    }

    private static string ToBase36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var chars = new Stack<char>();
        do
        {
            chars.Push(digits[(int)(value % 36)]);
            value /= 36;
        }
        while (value > 0);
        return new string([.. chars]);
    }
}
