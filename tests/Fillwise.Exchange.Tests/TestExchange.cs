using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.TestData;

namespace Fillwise.Exchange.Tests;

/// <summary>A paper exchange on 127.0.0.1 (a free port) over the sample BTCUSDT capture, and a raw Binance client for it.</summary>
public sealed class TestExchange : IAsyncDisposable
{
    public static readonly string[] Captures = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];

    private TestExchange(ExchangeServer server, string address)
    {
        Server = server;
        Address = address;
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ExchangeServer Server { get; }
    public string Address { get; }
    public HttpClient Http { get; }
    public string Ws => "ws" + Address[4..];
    public string Key { get; private set; } = ExchangeOptions.DefaultApiKey;
    public string Secret { get; private set; } = ExchangeOptions.DefaultApiSecret;

    /// <summary>Time offset the client keeps to the server clock (as a live client does after GET /fapi/v1/time).</summary>
    public long OffsetMs { get; set; }

    public static async Task<TestExchange> Start(ExchangeOptions? options = null, TimeProvider? time = null)
    {
        options ??= new ExchangeOptions();
        options = options with { Urls = "http://127.0.0.1:0" };
        var inputs = BacktestInputs.Load(Captures, null, SymbolCatalog.Default);
        var server = ExchangeServer.Build(options, inputs.TickSources(), inputs.Quality.Symbols, inputs.Catalog, time);
        var address = await server.StartAsync();
        return new TestExchange(server, address) { Key = options.ApiKey, Secret = options.ApiSecret };
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> Get(string path)
    {
        var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        return (Status: (int)response.StatusCode, Body: await Parse(response), Response: response);
    }

    /// <summary>A SIGNED request: parameters in the query string, timestamp from the local clock plus the kept offset.</summary>
    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> Signed(HttpMethod method, string path, string parameters, long? timestamp = null, string? signature = null)
    {
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + OffsetMs;
        var query = (parameters.Length > 0 ? parameters + "&" : "") + "timestamp=" + ts.ToString(CultureInfo.InvariantCulture);
        query += "&signature=" + (signature ?? BinanceSigning.Sign(Secret, query));
        using var request = new HttpRequestMessage(method, new Uri(path + "?" + query, UriKind.Relative));
        request.Headers.Add("X-MBX-APIKEY", Key);
        var response = await Http.SendAsync(request);
        return (Status: (int)response.StatusCode, Body: await Parse(response), Response: response);
    }

    public async Task<(int Status, JsonElement Body)> KeyOnly(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-MBX-APIKEY", Key);
        var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await Parse(response));
    }

    /// <summary>Waits until the replay's book is synchronised (the recording's first snapshot has been replayed).</summary>
    public async Task<JsonElement> WaitForDepth(int limit = 5)
    {
        for (var i = 0; i < 400; i++)
        {
            var (status, body, _) = await Get($"/fapi/v1/depth?symbol=BTCUSDT&limit={limit}");
            if (status == 200)
            {
                return body;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the exchange's book never synchronised");
    }

    public async Task<Socket> Connect(string path)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(Ws + path), CancellationToken.None);
        return new Socket(socket);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    private static async Task<JsonElement> Parse(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A WebSocket whose text messages are parsed into a queue as they arrive.</summary>
    public sealed class Socket : IAsyncDisposable
    {
        private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
        private readonly Task _reader;

        public Socket(ClientWebSocket socket)
        {
            Raw = socket;
            _reader = Task.Run(ReadLoop);
        }

        public ClientWebSocket Raw { get; }

        /// <summary>Completes when the server closed or dropped the connection.</summary>
        public Task Closed => _reader;

        public async Task Send(string text) => await Raw.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        /// <summary>The next message matching <paramref name="match"/> within <paramref name="timeout"/>, or null.</summary>
        public async Task<JsonElement?> Next(Func<JsonElement, bool> match, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (await _messages.Reader.WaitToReadAsync(cts.Token))
                {
                    while (_messages.Reader.TryRead(out var message))
                    {
                        if (match(message))
                        {
                            return message;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            return null;
        }

        public async ValueTask DisposeAsync()
        {
            Raw.Abort();
            Raw.Dispose();
            await _reader;
        }

        private async Task ReadLoop()
        {
            var buffer = new byte[1 << 16];
            var message = new MemoryStream();
            try
            {
                while (Raw.State == WebSocketState.Open)
                {
                    var result = await Raw.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                    message.Write(buffer, 0, result.Count);
                    if (result.EndOfMessage)
                    {
                        _messages.Writer.TryWrite(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                        message.SetLength(0);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Dropped: Closed completes.
            }
            _messages.Writer.TryComplete();
        }
    }
}
