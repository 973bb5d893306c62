using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Fillwise.Exchange.Tests;

/// <summary>Clients that misbehave: oversized or foreign requests, socket floods, orders beyond the published filters.</summary>
[Collection("replaying")]
public sealed class HostileClientTests(ReplayingExchange fixture)
{
    private TestExchange X => fixture.Exchange;

    [Fact]
    public async Task A_body_over_the_limit_gets_binance_json_not_an_empty_413()
    {
        // Raw HTTP: the announced length is refused before the body is read, so nothing races the answer.
        var address = new Uri(X.Address);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"POST /fapi/v1/order HTTP/1.1\r\nHost: 127.0.0.1:{address.Port}\r\nX-MBX-APIKEY: {X.Key}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {1 << 20}\r\n\r\nsymbol=BTCUSDT";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        var json = answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.LastIndexOf('}') + 1)];
        using var body = JsonDocument.Parse(json);
        Assert.Equal(-1101, body.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("65536", body.RootElement.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("192.0.2.7")]
    public async Task A_foreign_host_header_is_refused_on_loopback(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/fapi/v1/time", UriKind.Relative));
        request.Headers.Host = host;
        using var response = await X.Http.SendAsync(request);
        Assert.Equal(421, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(-1002, body.RootElement.GetProperty("code").GetInt32());

        using var faults = new HttpRequestMessage(HttpMethod.Post, new Uri("/admin/faults", UriKind.Relative)) { Content = new StringContent("{\"force429\":3}", Encoding.UTF8, "application/json") };
        faults.Headers.Host = host;
        using var refused = await X.Http.SendAsync(faults);
        Assert.Equal(421, (int)refused.StatusCode);

        foreach (var loopback in new[] { "localhost", "127.0.0.1", "[::1]" })
        {
            using var ok = new HttpRequestMessage(HttpMethod.Get, new Uri("/fapi/v1/time", UriKind.Relative));
            ok.Headers.Host = loopback + ":" + new Uri(X.Address).Port.ToString(CultureInfo.InvariantCulture);
            using var answer = await X.Http.SendAsync(ok);
            Assert.Equal(200, (int)answer.StatusCode);
        }
    }

    [Fact]
    public async Task A_socket_message_that_never_ends_drops_the_connection_instead_of_growing_a_buffer()
    {
        await using var socket = await X.Connect("/ws");
        var chunk = new byte[16 * 1024];
        Array.Fill(chunk, (byte)'a');
        try
        {
            // Fragments of one message that never ends: past 64 KB the exchange must cut the connection.
            for (var i = 0; i < 64 && socket.Raw.State == WebSocketState.Open; i++)
            {
                await socket.Raw.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The exchange dropped us mid-send: what this test wants.
        }
        var closed = await Task.WhenAny(socket.Closed, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(socket.Closed, closed);
    }

    [Fact]
    public async Task A_connection_holds_at_most_200_streams()
    {
        await using var socket = await X.Connect("/ws");
        var names = Enumerable.Range(0, 201).Select(i => $"\"made{i}usdt@trade\"");
        await socket.Send($"{{\"method\":\"SUBSCRIBE\",\"params\":[{string.Join(',', names)}],\"id\":7}}");
        var reply = await socket.Next(m => m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 7, TimeSpan.FromSeconds(10));
        Assert.NotNull(reply);
        Assert.Contains("at most 200 streams", reply.Value.GetProperty("error").GetProperty("msg").GetString(), StringComparison.Ordinal);

        await socket.Send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":8}");
        var list = await socket.Next(m => m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 8, TimeSpan.FromSeconds(10));
        Assert.Equal(200, list!.Value.GetProperty("result").GetArrayLength());

        // The same limit on the URL: refused at the handshake.
        using var tooMany = new ClientWebSocket();
        var streams = string.Join('/', Enumerable.Range(0, 201).Select(i => $"made{i}usdt@trade"));
        await Assert.ThrowsAsync<WebSocketException>(() => tooMany.ConnectAsync(new Uri(X.Ws + "/stream?streams=" + streams), CancellationToken.None));
    }
}

/// <summary>The filters exchangeInfo publishes (maxPrice, maxQty, MAX_NUM_ORDERS) hold, on an exchange of its own (it fills the book with orders).</summary>
public sealed class PublishedFilterTests : IAsyncLifetime
{
    private TestExchange _x = null!;

    public async Task InitializeAsync() => _x = await TestExchange.Start(new ExchangeOptions { Speed = 10 });

    public async Task DisposeAsync() => await _x.DisposeAsync();

    [Fact]
    public async Task Price_quantity_and_open_orders_beyond_exchange_info_are_refused()
    {
        var depth = await _x.WaitForDepth();
        var far = (decimal.Parse(depth.GetProperty("bids")[0][0].GetString()!, CultureInfo.InvariantCulture) - 1000m).ToString(CultureInfo.InvariantCulture);

        var price = await _x.Signed(HttpMethod.Post, "/fapi/v1/order", "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.010&price=20000000");
        Assert.Equal((400, -4002), (price.Status, price.Body.GetProperty("code").GetInt32()));
        var quantity = await _x.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=20000000&price={far}");
        Assert.Equal((400, -4005), (quantity.Status, quantity.Body.GetProperty("code").GetInt32()));

        for (var i = 0; i < 200; i++)
        {
            var placed = await _x.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far}");
            Assert.Equal(200, placed.Status);
        }
        var over = await _x.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far}");
        Assert.Equal((400, -2025), (over.Status, over.Body.GetProperty("code").GetInt32()));

        // A cancel makes room again.
        var open = await _x.Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=BTCUSDT");
        var first = open.Body[0].GetProperty("orderId").GetInt64();
        Assert.Equal(200, (await _x.Signed(HttpMethod.Delete, "/fapi/v1/order", $"symbol=BTCUSDT&orderId={first}")).Status);
        Assert.Equal(200, (await _x.Signed(HttpMethod.Post, "/fapi/v1/order", $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price={far}")).Status);
    }
}

/// <summary>The stream hub on its own: what a subscription flood leaves in the map the engine reads on every event.</summary>
public sealed class StreamHubTests
{
    [Fact]
    public void Made_up_stream_names_are_listed_but_kept_out_of_the_published_map()
    {
        var hub = new StreamHub(["BTCUSDT"]);
        var clients = Enumerable.Range(0, 20).Select(_ => new SocketClient(16, 10, TimeProvider.System)).ToList();
        foreach (var (client, c) in clients.Select((client, c) => (client, c)))
        {
            hub.Add(client);
            for (var j = 0; j < StreamHub.MaxStreamsPerConnection; j++)
            {
                Assert.Equal(SubscribeOutcome.Subscribed, hub.Subscribe(client, $"c{c}x{j}usdt@trade", combined: true));
            }
            Assert.Equal(SubscribeOutcome.TooManyStreams, hub.Subscribe(client, "btcusdt@trade", combined: true));
            Assert.Equal(StreamHub.MaxStreamsPerConnection, hub.SubscriptionsOf(client).Count);
        }
        Assert.False(hub.HasSubscribers(new StreamKey("C0X0USDT", StreamKind.Trade)));

        // A listed symbol is published; the made-up names go with their connection.
        hub.Unsubscribe(clients[0], "c0x0usdt@trade");
        Assert.Equal(SubscribeOutcome.Subscribed, hub.Subscribe(clients[0], "btcusdt@trade", combined: true));
        Assert.True(hub.HasSubscribers(new StreamKey("BTCUSDT", StreamKind.Trade)));
        hub.Remove(clients[0]);
        Assert.False(hub.HasSubscribers(new StreamKey("BTCUSDT", StreamKind.Trade)));
        Assert.Empty(hub.SubscriptionsOf(clients[0]));
    }
}
