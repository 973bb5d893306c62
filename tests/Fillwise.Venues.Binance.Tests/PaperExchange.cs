using System.Collections.Concurrent;
using System.Net.Http.Json;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Exchange;
using Fillwise.TestData;

namespace Fillwise.Venues.Binance.Tests;

/// <summary>
/// The paper exchange (fillwise exchange) in-process on a free loopback port over the repository's sample
/// capture (btcusdt 2024-07-18: 2 min 58 s with a depth snapshot at its start), at speed 5 (36 s of wall time); the client side gets an HttpClient that records every request it sends.
/// </summary>
internal sealed class PaperExchange : IAsyncDisposable
{
    public static readonly Symbol Btc = new("BTCUSDT");

    private readonly ExchangeServer _server;

    private PaperExchange(ExchangeServer server, string address)
    {
        _server = server;
        Address = address;
        Endpoints = BinanceEndpoints.Parse(address)!;
        Http = new HttpClient(Recorder) { Timeout = Timeout.InfiniteTimeSpan };
        Admin = new HttpClient { BaseAddress = new Uri(address) };
    }

    public string Address { get; }
    public ExchangeServer Server => _server;
    public BinanceEndpoints Endpoints { get; }
    public RequestRecorder Recorder { get; } = new(new SocketsHttpHandler());
    public HttpClient Http { get; }
    public HttpClient Admin { get; }

    public static BinanceCredentials Credentials => new(ExchangeOptions.DefaultApiKey, ExchangeOptions.DefaultApiSecret);

    public static async Task<PaperExchange> StartAsync(double speed = 5, string capture = "btcusdt_20240718.gz")
    {
        var inputs = BacktestInputs.Load([TestPaths.SampleCapture(capture)], null, SymbolCatalog.Default);
        var server = ExchangeServer.Build(new ExchangeOptions { Urls = "http://127.0.0.1:0", Speed = speed }, inputs.TickSources(), inputs.Quality.Symbols, inputs.Catalog);
        var address = await server.StartAsync();
        return new PaperExchange(server, address);
    }

    public BinanceRestClient Client(BinanceVenueOptions options, bool withKeys = true) =>
        new(Http, Endpoints, withKeys ? Credentials : null, options, TimeProvider.System);

    public BinanceVenue Venue(BinanceVenueOptions options, bool withKeys = true) => new(Client(options, withKeys), [Btc], options, TimeProvider.System);

    public async Task FaultAsync(object fault)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/faults", fault);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Our trades as the exchange has them (a separate client: not counted by the recorder).</summary>
    public async Task<IReadOnlyList<UserTrade>> TradesAsync()
    {
        using var http = new HttpClient();
        var rest = new BinanceRestClient(http, Endpoints, Credentials, new BinanceVenueOptions(), TimeProvider.System);
        await rest.SyncTimeAsync(default);
        var result = await rest.SendAsync(HttpMethod.Get, "/fapi/v1/userTrades", [("symbol", Btc.Value), ("limit", "1000")], Security.Signed, default);
        Assert.True(result.Ok, result.ToString());
        return BinanceJson.ParseUserTrades(result.Body);
    }

    public async Task<IReadOnlyList<OrderUpdate>> OpenOrdersAsync()
    {
        using var http = new HttpClient();
        var rest = new BinanceRestClient(http, Endpoints, Credentials, new BinanceVenueOptions(), TimeProvider.System);
        await rest.SyncTimeAsync(default);
        var result = await rest.SendAsync(HttpMethod.Get, "/fapi/v1/openOrders", [], Security.Signed, default);
        Assert.True(result.Ok, result.ToString());
        return BinanceJson.ParseOrders(result.Body);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await _server.DisposeAsync();
    }
}

/// <summary>Records the method and path of every request that leaves the client.</summary>
internal sealed class RequestRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ConcurrentQueue<(string Method, string Path, string Query)> Sent { get; } = new();

    public int Count(string method, string path) => Sent.Count(r => r.Method == method && r.Path == path);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sent.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query));
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A venue listener that records everything, for scripted order tests (engine thread only).</summary>
internal sealed class RecordingListener : Fillwise.Execution.IVenueListener
{
    public List<OrderEvent> Events { get; } = [];
    public MarketUpdate LastQuote { get; private set; }
    public MarketUpdate LastUpdate { get; private set; }
    public long MarketUpdates { get; private set; }

    public void OnMarket(in MarketUpdate update)
    {
        MarketUpdates++;
        LastUpdate = update;
        if (update.HasTwoSidedQuote)
        {
            LastQuote = update;
        }
    }

    public void OnOrderEvent(in OrderEvent orderEvent) => Events.Add(orderEvent);

    public void OnTimer(long token)
    {
    }
}
