using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Exchange;

/// <summary>
/// listenKeys of the one paper account and the user-data connections attached to them. A key lives
/// <c>lifetime</c> after its creation or last keep-alive; when it lapses (or fault injection expires it) its
/// connections get <c>{"e":"listenKeyExpired",…}</c> and are closed, as on Binance.
/// </summary>
internal sealed class UserStreams(ExchangeClock clock, TimeSpan lifetime, string apiKey)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private long _created;

    private sealed class KeyState(string key, long expiresMs)
    {
        public string Key { get; } = key;
        public long ExpiresMs { get; set; } = expiresMs;
        public List<SocketClient> Clients { get; } = [];
    }

    public int ActiveKeys
    {
        get
        {
            lock (_lock)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>POST /fapi/v1/listenKey: the account's active key, extended, or a new one (Binance returns the same key while it is valid).</summary>
    public string CreateOrExtend()
    {
        lock (_lock)
        {
            var now = clock.NowMs;
            if (_keys.Values.FirstOrDefault(k => k.ExpiresMs > now) is { } active)
            {
                active.ExpiresMs = now + (long)lifetime.TotalMilliseconds;
                return active.Key;
            }
            // 64 characters like Binance's keys; derived from a counter so runs are reproducible.
            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{apiKey}/{now}/{++_created}")));
            _keys[key] = new KeyState(key, now + (long)lifetime.TotalMilliseconds);
            return key;
        }
    }

    /// <summary>PUT: extends a valid key; false when it does not exist (-1125).</summary>
    public bool Extend(string key)
    {
        lock (_lock)
        {
            if (!_keys.TryGetValue(key, out var state) || state.ExpiresMs <= clock.NowMs)
            {
                return false;
            }
            state.ExpiresMs = clock.NowMs + (long)lifetime.TotalMilliseconds;
            return true;
        }
    }

    /// <summary>PUT without a key: extends the account's active key; false when there is none.</summary>
    public bool ExtendActive()
    {
        lock (_lock)
        {
            var now = clock.NowMs;
            if (_keys.Values.FirstOrDefault(k => k.ExpiresMs > now) is not { } active)
            {
                return false;
            }
            active.ExpiresMs = now + (long)lifetime.TotalMilliseconds;
            return true;
        }
    }

    /// <summary>DELETE: closes the key and its connections; false when it does not exist.</summary>
    public bool Close(string key)
    {
        KeyState? state;
        lock (_lock)
        {
            if (!_keys.Remove(key, out state))
            {
                return false;
            }
        }
        foreach (var client in state.Clients)
        {
            client.SendAndClose(null);
        }
        return true;
    }

    /// <summary>DELETE without a key: closes every key of the account and its connections (no event, as on Binance).</summary>
    public void CloseAll()
    {
        string[] keys;
        lock (_lock)
        {
            keys = [.. _keys.Keys];
        }
        foreach (var key in keys)
        {
            Close(key);
        }
    }

    public bool Attach(string key, SocketClient client)
    {
        lock (_lock)
        {
            if (!_keys.TryGetValue(key, out var state) || state.ExpiresMs <= clock.NowMs)
            {
                return false;
            }
            state.Clients.Add(client);
            return true;
        }
    }

    public void Detach(string key, SocketClient client)
    {
        lock (_lock)
        {
            if (_keys.TryGetValue(key, out var state))
            {
                state.Clients.Remove(client);
            }
        }
    }

    /// <summary>An account event to every live user-data connection.</summary>
    public void Publish(byte[] message)
    {
        lock (_lock)
        {
            foreach (var state in _keys.Values)
            {
                foreach (var client in state.Clients)
                {
                    client.TrySend(message);
                }
            }
        }
    }

    /// <summary>Expires keys whose time has come (or all of them, for fault injection); returns how many.</summary>
    public int Expire(bool all)
    {
        List<KeyState> expired;
        var now = clock.NowMs;
        lock (_lock)
        {
            expired = [.. _keys.Values.Where(k => all || k.ExpiresMs <= now)];
            foreach (var state in expired)
            {
                _keys.Remove(state.Key);
            }
        }
        foreach (var state in expired)
        {
            var message = Json.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("e", "listenKeyExpired");
                w.WriteNumber("E", now);
                w.WriteString("listenKey", state.Key);
                w.WriteEndObject();
            });
            foreach (var client in state.Clients)
            {
                client.SendAndClose(message);
            }
        }
        return expired.Count;
    }

    /// <summary>Drops every user-data connection without closing the keys (fault injection).</summary>
    public int DropAll()
    {
        List<SocketClient> clients;
        lock (_lock)
        {
            clients = [.. _keys.Values.SelectMany(k => k.Clients)];
        }
        foreach (var client in clients)
        {
            client.Drop();
        }
        return clients.Count;
    }
}
