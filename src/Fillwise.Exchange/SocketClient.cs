using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Fillwise.Exchange;

/// <summary>
/// One WebSocket connection: a bounded send queue drained by one writer, and a reader for control messages
/// (SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS on market connections). A client whose queue overflows is
/// disconnected, as Binance disconnects consumers that cannot keep up. The client is registered (subscribed,
/// attached to its listenKey) before the handshake completes, so nothing published after the client sees the
/// upgrade can be missed; messages wait in the queue until <see cref="RunAsync"/> has the socket. A client that
/// sends more than <paramref name="messagesPerSecond"/> messages in a second is closed (policy violation), as
/// Binance closes a connection over its 10 incoming messages per second.
/// </summary>
internal sealed class SocketClient(int capacity, int messagesPerSecond, TimeProvider time)
{
    /// <summary>Largest message a client may send (SUBSCRIBE with Binance's 200 streams is about 6 KB); larger ones drop the connection.</summary>
    public const int MaxIncomingMessageBytes = 64 * 1024;

    private WebSocket? _socket;

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();

    private long _windowStart;
    private int _inWindow;
    private volatile bool _flooded;

    public long Sent { get; private set; }

    /// <summary>Closed for sending more messages per second than allowed.</summary>
    public bool Flooded => _flooded;

    /// <summary>Messages queued and not yet sent.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues a message; false (and the connection is closed) when the client is too far behind.</summary>
    public bool TrySend(byte[] message)
    {
        if (_queue.Writer.TryWrite(message))
        {
            return true;
        }
        Drop();
        return false;
    }

    /// <summary>Queues a last message and closes normally once it is sent (listenKeyExpired, server shutdown).</summary>
    public void SendAndClose(byte[]? message)
    {
        if (message is not null)
        {
            _queue.Writer.TryWrite(message);
        }
        _queue.Writer.TryComplete();
    }

    /// <summary>Cuts the connection without a close handshake (fault injection, slow consumer).</summary>
    public void Drop()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        Volatile.Read(ref _socket)?.Abort();
    }

    /// <summary>Runs until either side closes; <paramref name="onText"/> handles each text message from the client.</summary>
    public async Task RunAsync(WebSocket socket, Func<string, byte[]?> onText, CancellationToken stopping)
    {
        Volatile.Write(ref _socket, socket);
        if (_stop.IsCancellationRequested)
        {
            socket.Abort();
            return;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
        var sending = SendLoop(socket, linked.Token);
        var receiving = ReceiveLoop(socket, onText, linked.Token);
        var first = await Task.WhenAny(sending, receiving).ConfigureAwait(false);
        if (first == sending && !linked.IsCancellationRequested)
        {
            // We closed (listenKeyExpired, DELETE listenKey, shutdown): wait briefly for the client's close reply,
            // because cancelling the receive aborts the socket and an abort can discard the last message in flight.
            try
            {
                await receiving.WaitAsync(TimeSpan.FromSeconds(2), time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The client did not answer the close: cut it.
            }
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(sending, receiving).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The peer went away or the connection was dropped on purpose: nothing to report.
        }
    }

    private async Task SendLoop(WebSocket socket, CancellationToken ct)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var message))
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
                    Sent++;
                }
            }
            if (socket.State == WebSocketState.Open)
            {
                await (_flooded
                    ? socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, $"Too many messages; at most {messagesPerSecond} per second.", ct)
                    : socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the exchange", ct)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>One more message in the current one-second window; false when it is one too many.</summary>
    private bool WithinRate()
    {
        var now = time.GetTimestamp();
        if (_inWindow == 0 || time.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
        {
            _windowStart = now;
            _inWindow = 0;
        }
        return ++_inWindow <= messagesPerSecond;
    }

    private async Task ReceiveLoop(WebSocket socket, Func<string, byte[]?> onText, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var message = new MemoryStream();
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _queue.Writer.TryComplete();
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxIncomingMessageBytes)
                {
                    // A control message is a few hundred bytes; a client that sends more (in one frame or in
                    // endless fragments) would otherwise grow this buffer without bound.
                    Drop();
                    return;
                }
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                if (_flooded || !WithinRate())
                {
                    // Over the limit: what is queued is sent, then the close; later messages are not handled.
                    _flooded = true;
                    _queue.Writer.TryComplete();
                    continue;
                }
                if (result.MessageType == WebSocketMessageType.Text && onText(text) is { } reply)
                {
                    TrySend(reply);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }
}
