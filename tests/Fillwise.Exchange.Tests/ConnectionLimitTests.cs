using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Fillwise.Exchange.Tests;

/// <summary>A wall clock that stands still until the test moves it.</summary>
internal sealed class SettableClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 10, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Binance's WebSocket limits with real loopback clients: connection attempts per IP per 5 minutes, incoming messages per second.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Connections_over_the_cap_get_429_json_with_retry_after_and_are_counted_until_the_window_moves_on()
    {
        var clock = new SettableClock();
        await using var x = await TestExchange.Start(new ExchangeOptions { RateLimits = new RateLimitOptions { ConnectionsPer5Minutes = 3 } }, clock);
        var open = new List<TestExchange.Socket>();
        try
        {
            // Each endpoint counts: combined and raw market streams, and the user stream.
            open.Add(await x.Connect("/stream?streams=btcusdt@bookTicker"));
            open.Add(await x.Connect("/ws/btcusdt@trade"));
            clock.Now += TimeSpan.FromMinutes(1);
            var (_, key) = await x.KeyOnly(HttpMethod.Post, "/fapi/v1/listenKey");
            open.Add(await x.Connect("/ws/" + key.GetProperty("listenKey").GetString()));

            var (status, retryAfter, body) = await Upgrade(x, "/ws/btcusdt@trade");
            Assert.Equal(429, status);
            Assert.Equal("240", retryAfter); // the first attempt leaves the 5-minute window 4 minutes from now
            using (var json = JsonDocument.Parse(body))
            {
                Assert.Equal(-1003, json.RootElement.GetProperty("code").GetInt32());
                Assert.Contains("3 WebSocket connections per 5 minutes", json.RootElement.GetProperty("msg").GetString(), StringComparison.Ordinal);
            }
            var refused = await Assert.ThrowsAsync<WebSocketException>(() => x.Connect("/stream?streams=btcusdt@depth"));
            Assert.Contains("429", refused.Message, StringComparison.Ordinal);
            Assert.Equal(2, x.Server.Status().ConnectionsRefused);
            // The accepted connections are untouched.
            Assert.All(open, s => Assert.Equal(WebSocketState.Open, s.Raw.State));

            // 5 minutes after the first two attempts they have left the window: two more get in, the next does not.
            clock.Now += TimeSpan.FromMinutes(4);
            open.Add(await x.Connect("/ws/btcusdt@bookTicker"));
            open.Add(await x.Connect("/ws/btcusdt@depth"));
            Assert.Equal(429, (await Upgrade(x, "/ws/btcusdt@bookTicker")).Status);
            Assert.Equal(3, x.Server.Status().ConnectionsRefused);
        }
        finally
        {
            foreach (var socket in open)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_client_over_the_incoming_message_rate_is_closed_with_policy_violation_and_counted()
    {
        await using var x = await TestExchange.Start();
        await using var socket = await x.Connect("/ws");
        // At the limit: every request is answered.
        for (var id = 1; id <= 10; id++)
        {
            await socket.Send($$"""{"method":"LIST_SUBSCRIPTIONS","id":{{id}}}""");
        }
        for (var id = 1; id <= 10; id++)
        {
            Assert.NotNull(await socket.Next(m => m.TryGetProperty("id", out var i) && i.GetInt32() == id, TimeSpan.FromSeconds(10)));
        }
        Assert.Equal(0, x.Server.Status().FloodDisconnects);
        // A burst well over 10 in a second: the exchange closes the connection.
        try
        {
            for (var id = 11; id <= 40 && socket.Raw.State == WebSocketState.Open; id++)
            {
                await socket.Send($$"""{"method":"LIST_SUBSCRIPTIONS","id":{{id}}}""");
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Closed mid-burst: what this test wants.
        }
        var closed = await Task.WhenAny(socket.Closed, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(socket.Closed, closed);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.Raw.CloseStatus);
        Assert.Contains("at most 10 per second", socket.Raw.CloseStatusDescription, StringComparison.Ordinal);
        // Counted once the server has finished with the connection (a moment after the client sees the close).
        for (var i = 0; i < 100 && x.Server.Status().FloodDisconnects == 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, x.Server.Status().FloodDisconnects);
    }

    /// <summary>A raw WebSocket upgrade request, to read the status, Retry-After and body a refused upgrade gets.</summary>
    private static async Task<(int Status, string? RetryAfter, string Body)> Upgrade(TestExchange x, string path)
    {
        var address = new Uri(x.Address);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{address.Port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = int.Parse((await reader.ReadLineAsync())!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        string? retryAfter = null;
        var length = 0;
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            var (name, value) = (line[..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            if (name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
            {
                retryAfter = value;
            }
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        var body = new char[length];
        var read = 0;
        while (read < length)
        {
            read += await reader.ReadAsync(body.AsMemory(read));
        }
        return (status, retryAfter, new string(body));
    }
}
