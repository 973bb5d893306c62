using System.Text;
using System.Text.Json;

namespace Fillwise.Exchange;

internal enum StreamKind
{
    Depth = 0,
    BookTicker,
    Trade,
}

internal enum SubscribeOutcome
{
    Subscribed = 0,
    UnknownStream,
    TooManyStreams,
}

/// <summary>A market stream: the symbol (upper case) and what it carries.</summary>
internal readonly record struct StreamKey(string Symbol, StreamKind Kind)
{
    /// <summary>Parses Binance stream names: <c>btcusdt@depth</c>, <c>btcusdt@depth@0ms|100ms|250ms|500ms</c>, <c>btcusdt@bookTicker</c>, <c>btcusdt@trade</c>.</summary>
    public static bool TryParse(string name, out StreamKey key)
    {
        key = default;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return false;
        }
        var symbol = name[..at].ToUpperInvariant();
        StreamKind? kind = name[(at + 1)..] switch
        {
            "depth" or "depth@0ms" or "depth@100ms" or "depth@250ms" or "depth@500ms" => StreamKind.Depth,
            "bookTicker" => StreamKind.BookTicker,
            "trade" => StreamKind.Trade,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }
        key = new StreamKey(symbol, kind.Value);
        return true;
    }
}

/// <summary>
/// Who listens to which market stream. The engine publishes each event once per stream; the hub wraps it for
/// each subscriber as Binance does: <c>{"stream":"…","data":{…}}</c> on combined connections (<c>/stream</c>),
/// the bare event on raw ones (<c>/ws/&lt;stream&gt;</c>).
/// </summary>
internal sealed class StreamHub(IEnumerable<string> symbols)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _listed = new(symbols, StringComparer.Ordinal);
    private readonly Dictionary<StreamKey, List<Subscription>> _subscriptions = [];

    // Names of symbols the exchange does not list: accepted and silent, kept per connection (for LIST_SUBSCRIPTIONS
    // and the limit) and out of the published map, so made-up names cannot make every (un)subscription slower.
    private readonly Dictionary<SocketClient, HashSet<string>> _silent = [];
    private readonly HashSet<SocketClient> _clients = [];

    // What the engine reads on every event: rebuilt under the lock on each (un)subscription, read without it.
    private volatile Dictionary<StreamKey, Subscription[]> _published = [];
    private static readonly byte[] Suffix = "}"u8.ToArray();

    private sealed record Subscription(SocketClient Client, string Name, byte[]? Prefix);

    public int Connections
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    public void Add(SocketClient client)
    {
        lock (_lock)
        {
            _clients.Add(client);
        }
    }

    public void Remove(SocketClient client)
    {
        lock (_lock)
        {
            _clients.Remove(client);
            _silent.Remove(client);
            foreach (var list in _subscriptions.Values)
            {
                list.RemoveAll(s => s.Client == client);
            }
            Prune();
            Rebuild();
        }
    }

    /// <summary>Binance's limit of streams on one connection; it also bounds what one client can make the hub hold.</summary>
    public const int MaxStreamsPerConnection = 200;

    /// <summary>Subscribes a connection to a stream by its Binance name: refused when the name is not a stream the exchange publishes, or the connection already has <see cref="MaxStreamsPerConnection"/>.</summary>
    public SubscribeOutcome Subscribe(SocketClient client, string name, bool combined)
    {
        if (!StreamKey.TryParse(name, out var key))
        {
            return SubscribeOutcome.UnknownStream;
        }
        lock (_lock)
        {
            _subscriptions.TryGetValue(key, out var list);
            _silent.TryGetValue(client, out var silent);
            if ((list is not null && list.Exists(s => s.Client == client && s.Name == name)) || (silent is not null && silent.Contains(name)))
            {
                return SubscribeOutcome.Subscribed;
            }
            if ((silent?.Count ?? 0) + _subscriptions.Values.Sum(l => l.Count(s => s.Client == client)) >= MaxStreamsPerConnection)
            {
                return SubscribeOutcome.TooManyStreams;
            }
            if (!_listed.Contains(key.Symbol))
            {
                if (silent is null)
                {
                    silent = new HashSet<string>(StringComparer.Ordinal);
                    _silent.Add(client, silent);
                }
                silent.Add(name);
                return SubscribeOutcome.Subscribed;
            }
            if (list is null)
            {
                list = [];
                _subscriptions.Add(key, list);
            }
            list.Add(new Subscription(client, name, combined ? Encoding.UTF8.GetBytes($"{{\"stream\":{JsonSerializer.Serialize(name, ExchangeJson.Default.String)},\"data\":") : null));
            Rebuild();
        }
        return SubscribeOutcome.Subscribed;
    }

    public void Unsubscribe(SocketClient client, string name)
    {
        if (StreamKey.TryParse(name, out var key))
        {
            lock (_lock)
            {
                if (_silent.TryGetValue(client, out var silent))
                {
                    silent.Remove(name);
                }
                if (_subscriptions.TryGetValue(key, out var list))
                {
                    list.RemoveAll(s => s.Client == client && s.Name == name);
                    Prune();
                    Rebuild();
                }
            }
        }
    }

    public IReadOnlyList<string> SubscriptionsOf(SocketClient client)
    {
        lock (_lock)
        {
            var silent = _silent.TryGetValue(client, out var names) ? names : [];
            return [.. _subscriptions.Values.SelectMany(l => l).Where(s => s.Client == client).Select(s => s.Name).Concat(silent).Order(StringComparer.Ordinal)];
        }
    }

    public bool HasSubscribers(StreamKey key) => _published.ContainsKey(key);

    public void Publish(StreamKey key, ReadOnlySpan<byte> data)
    {
        if (!_published.TryGetValue(key, out var targets))
        {
            return;
        }
        byte[]? raw = null;
        foreach (var target in targets)
        {
            if (target.Prefix is null)
            {
                target.Client.TrySend(raw ??= data.ToArray());
                continue;
            }
            var message = new byte[target.Prefix.Length + data.Length + 1];
            target.Prefix.CopyTo(message, 0);
            data.CopyTo(message.AsSpan(target.Prefix.Length));
            Suffix.CopyTo(message, message.Length - 1);
            target.Client.TrySend(message);
        }
    }

    /// <summary>Forgets streams nobody listens to, so names made up by departed clients do not accumulate.</summary>
    private void Prune()
    {
        foreach (var key in _subscriptions.Where(p => p.Value.Count == 0).Select(p => p.Key).ToList())
        {
            _subscriptions.Remove(key);
        }
    }

    private void Rebuild() =>
        _published = _subscriptions.Where(p => p.Value.Count > 0).ToDictionary(p => p.Key, p => p.Value.ToArray());

    /// <summary>The longest send queue of any market connection (the engine waits on it at --speed max).</summary>
    public int Backlog()
    {
        lock (_lock)
        {
            var most = 0;
            foreach (var client in _clients)
            {
                most = Math.Max(most, client.Pending);
            }
            return most;
        }
    }

    /// <summary>Drops every market connection (fault injection: the client must reconnect and resync).</summary>
    public int DropAll()
    {
        SocketClient[] all;
        lock (_lock)
        {
            all = [.. _clients];
        }
        foreach (var client in all)
        {
            client.Drop();
        }
        return all.Length;
    }

    /// <summary>Closes every connection normally (shutdown).</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var client in _clients)
            {
                client.SendAndClose(null);
            }
        }
    }
}
