using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Fillwise.Exchange;

/// <summary>
/// One WebSocket connection: a bounded send queue drained by one writer, and a reader for control messages
/// (SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS on market connections). A client whose queue overflows is
/// disconnected, as Binance disconnects consumers that cannot keep up.
/// </summary>
internal sealed class SocketClient(WebSocket socket, int capacity)
{
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();

    public long Sent { get; private set; }

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
        socket.Abort();
        _stop.Cancel();
    }

    /// <summary>Runs until either side closes; <paramref name="onText"/> handles each text message from the client.</summary>
    public async Task RunAsync(Func<string, byte[]?> onText, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
        var sending = SendLoop(linked.Token);
        var receiving = ReceiveLoop(onText, linked.Token);
        await Task.WhenAny(sending, receiving).ConfigureAwait(false);
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

    private async Task SendLoop(CancellationToken ct)
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
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the exchange", ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoop(Func<string, byte[]?> onText, CancellationToken ct)
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
                if (!result.EndOfMessage || message.Length > 64 * 1024)
                {
                    continue;
                }
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
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
