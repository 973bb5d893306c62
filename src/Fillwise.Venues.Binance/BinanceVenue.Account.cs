using Fillwise.Core;

namespace Fillwise.Venues.Binance;

/// <summary>
/// The user-data stream (listenKey, keep-alive, expiry → new key and reconnect, missed fills recovered from REST
/// after every reconnect), reconciliation at start and the kill switch.
/// </summary>
public sealed partial class BinanceVenue
{
    private string? _listenKey;
    private WebSocketFeed? _user;

    /// <summary>The user stream (tests drop it to check recovery).</summary>
    internal WebSocketFeed? UserFeed => _user;

    /// <summary>True once the user stream has connected (orders are only sent after it, so no fill can be missed).</summary>
    public bool UserStreamReady { get; private set; }

    private void StartUserStream()
    {
        _user = new WebSocketFeed("user", UserStreamAddressAsync, OnUserBytes,
            reconnect => Post(() => OnUserConnected(reconnect)), reason => Stats.LastDisconnect = $"user: {reason}", ClockNs, _o, _time);
        Background(_user.RunAsync);
        Background(KeepAliveAsync);
    }

    /// <summary>
    /// Network thread: an expiry notice forgets the key at once (the socket closes right after it, and the
    /// reconnect must not race the engine thread to a dead key); everything is then handled on the engine thread.
    /// </summary>
    private void OnUserBytes(byte[] bytes, long receiveNs)
    {
        if (bytes.AsSpan().IndexOf("\"listenKeyExpired\""u8) >= 0)
        {
            Volatile.Write(ref _listenKey, null);
        }
        Post(() => OnUserMessage(bytes));
    }

    /// <summary>A listenKey for the next connection: the current one, or a new one after expiry.</summary>
    private async Task<Uri?> UserStreamAddressAsync(CancellationToken ct)
    {
        var key = Volatile.Read(ref _listenKey);
        if (key is not null && _user?.Connects > 0)
        {
            // A reconnect: the expiry notice may have been lost with the connection, so the key is checked
            // (a keep-alive) before it is used again; a key the venue no longer knows is replaced.
            var alive = await _rest.SendAsync(HttpMethod.Put, "/fapi/v1/listenKey", [], Security.ApiKey, ct).ConfigureAwait(false);
            if (!alive.Ok)
            {
                Volatile.Write(ref _listenKey, null);
                key = null;
            }
        }
        if (key is null)
        {
            var created = await _rest.SendAsync(HttpMethod.Post, "/fapi/v1/listenKey", [], Security.ApiKey, ct).ConfigureAwait(false);
            if (!created.Ok)
            {
                return null;
            }
            key = BinanceJson.ParseListenKey(created.Body);
            Volatile.Write(ref _listenKey, key);
            Post(() => Stats.ListenKeysCreated++);
        }
        return new Uri(_rest.Endpoints.WebSocket, $"ws/{key}");
    }

    private async Task KeepAliveAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_o.KeepAlive, _time, ct).ConfigureAwait(false);
            if (Volatile.Read(ref _listenKey) is not null)
            {
                var result = await _rest.SendAsync(HttpMethod.Put, "/fapi/v1/listenKey", [], Security.ApiKey, ct).ConfigureAwait(false);
                if (result.Code == -1125)
                {
                    // The key does not exist any more: the next connection makes a new one.
                    ExpireListenKey();
                }
            }
        }
    }

    private void ExpireListenKey()
    {
        Volatile.Write(ref _listenKey, null);
        _user?.Drop();
    }

    private void OnUserConnected(bool reconnect)
    {
        UserStreamReady = true;
        if (!reconnect)
        {
            return;
        }
        Stats.UserReconnects++;
        // Whatever happened while we were away: every order still working is queried, missing fills come from userTrades.
        foreach (var order in _orders.Values.Where(o => !o.Terminal && !o.Abandoned))
        {
            Background(ct => ResolveAsync(order, null, ct));
        }
    }

    private void OnUserMessage(byte[] message)
    {
        (string Event, OrderUpdate? Order) parsed;
        try
        {
            parsed = BinanceJson.ParseUserEvent(message);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            UserParseErrors++;
            return;
        }
        switch (parsed.Event)
        {
            case "ORDER_TRADE_UPDATE":
                OnUserOrder(parsed.Order!.Value);
                break;
            case "listenKeyExpired":
                ExpireListenKey();
                break;
        }
    }

    /// <summary>User-stream messages that could not be read (counted; the REST recovery covers what they said).</summary>
    public long UserParseErrors { get; private set; }

    /// <summary>Positions read; with --trade, every open order carrying our prefix (any session: an earlier process's) cancelled.</summary>
    private async Task ReconcileAsync(CancellationToken ct)
    {
        var positions = await _rest.SendAsync(HttpMethod.Get, "/fapi/v2/positionRisk", [], Security.Signed, ct).ConfigureAwait(false);
        if (!positions.Ok)
        {
            throw new VenueException($"GET /fapi/v2/positionRisk failed ({positions}); check the API key and secret.");
        }
        StartPositions = [.. BinanceJson.ParsePositions(positions.Body).Where(p => p.Amount != 0).OrderBy(p => p.Symbol.Value, StringComparer.Ordinal)];
        if (_o.Trade)
        {
            Stats.ReconciledCancels += await CancelOpenAsync(sessionOnly: false, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels open orders with our prefix (of this session only, or of any); returns how many were cancelled.</summary>
    private async Task<long> CancelOpenAsync(bool sessionOnly, CancellationToken ct)
    {
        var open = await _rest.SendAsync(HttpMethod.Get, "/fapi/v1/openOrders", [], Security.Signed, ct).ConfigureAwait(false);
        if (!open.Ok)
        {
            throw new VenueException($"GET /fapi/v1/openOrders failed ({open}).");
        }
        long cancelled = 0;
        foreach (var o in BinanceJson.ParseOrders(open.Body).Where(o => sessionOnly ? Ids.TryParse(o.ClientOrderId, out _) : Ids.IsOurs(o.ClientOrderId)))
        {
            var r = await _rest.SendAsync(HttpMethod.Delete, "/fapi/v1/order", [("symbol", o.Symbol.Value), ("origClientOrderId", o.ClientOrderId)], Security.Signed, ct).ConfigureAwait(false);
            if (r.Ok)
            {
                cancelled++;
            }
        }
        return cancelled;
    }

    /// <summary>
    /// The kill switch (engine thread): no new orders, a cancel for every working order, events processed until
    /// all are final or the grace period ends, then a sweep of anything of this session still open.
    /// </summary>
    public void Kill()
    {
        _killed = true;
        if (DryRun)
        {
            return;
        }
        foreach (var order in _orders.Values.Where(o => !o.Terminal && !o.Abandoned).ToList())
        {
            Stats.KillCancels++;
            Background(ct => CancelAsync(order, ct));
        }
        var until = NowNs + _o.KillGrace.Ticks * 100;
        while (WorkingOrders > 0 && Step(until))
        {
        }
        try
        {
            Stats.KillCancels += CancelOpenAsync(sessionOnly: true, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (VenueException)
        {
            // Best effort after the per-order cancels; the next start's reconciliation cancels what is left.
        }
        var drain = NowNs + 200_000_000;
        while (Step(drain))
        {
            // Drain the cancels' final events (a fill that raced the cancel included).
        }
    }

    /// <summary>Symbols this venue streams.</summary>
    public IReadOnlyList<Symbol> Symbols => _symbols;
}
