using System.Buffers;
using System.Net.WebSockets;

namespace Fillwise.Venues.Binance;

/// <summary>
/// One WebSocket kept open: connect, hand every complete text message to <c>onMessage</c> with its receive time,
/// and on a drop (server close, error, or the rotation age reached) report it and reconnect after a delay that
/// doubles on consecutive failures. The address is asked for anew on every connect (a user stream's listenKey
/// may have changed). Runs on a pool thread; the callbacks only enqueue work for the engine thread.
/// </summary>
internal sealed class WebSocketFeed(string name, Func<CancellationToken, Task<Uri?>> address, Action<byte[], long> onMessage, Action<bool> onConnected, Action<string> onDropped, Func<long> clockNs, BinanceVenueOptions options, TimeProvider time)
{
    private ClientWebSocket? _socket;
    private long _connects;

    public string Name => name;

    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Closes the current connection; the loop reconnects (listenKeyExpired, rotation, tests).</summary>
    public void Drop()
    {
        try
        {
            _socket?.Abort();
        }
        catch (ObjectDisposedException)
        {
            // Already gone: the loop is reconnecting anyway.
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            string reason;
            try
            {
                var uri = await address(ct).ConfigureAwait(false);
                if (uri is null)
                {
                    reason = "no address (the venue refused the request)";
                }
                else
                {
                    using var socket = new ClientWebSocket();
                    socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
                    using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        connectTimeout.CancelAfter(options.RequestTimeout);
                        await socket.ConnectAsync(uri, connectTimeout.Token).ConfigureAwait(false);
                    }
                    _socket = socket;
                    var first = Interlocked.Increment(ref _connects) == 1;
                    onConnected(!first);
                    failures = 0;
                    reason = await ReadAsync(socket, ct).ConfigureAwait(false);
                    _socket = null;
                }
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                reason = e.Message;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (ct.IsCancellationRequested)
            {
                return;
            }
            onDropped(reason);
            failures = Math.Min(failures + 1, 5);
            try
            {
                await Task.Delay(options.ReconnectDelay * (1 << (failures - 1)), time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<string> ReadAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var message = new ArrayBufferWriter<byte>(1 << 16);
        using var rotation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        rotation.CancelAfter(options.StreamRotation);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), rotation.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Binance drops a connection at 24 h: leave first, on our terms, and resync.
                    return "rotation (the connection reached its maximum age)";
                }
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return $"closed by the server ({socket.CloseStatus} {socket.CloseStatusDescription})";
                }
                message.Write(buffer.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                {
                    onMessage(message.WrittenSpan.ToArray(), clockNs());
                    message.ResetWrittenCount();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
