using System.Globalization;
using System.Text.Json;
using Fillwise.Core;
using Fillwise.MarketData.Books;

namespace Fillwise.Exchange.Tests;

/// <summary>One exchange replaying the sample capture at 10x, shared by the market-data and trading tests (run one after the other).</summary>
public sealed class ReplayingExchange : IAsyncLifetime
{
    public TestExchange Exchange { get; private set; } = null!;

    public async Task InitializeAsync() => Exchange = await TestExchange.Start(new ExchangeOptions { Speed = 10 });

    public async Task DisposeAsync() => await Exchange.DisposeAsync();
}

[CollectionDefinition("replaying")]
public sealed class ReplayingCollection : ICollectionFixture<ReplayingExchange>;

[Collection("replaying")]
public sealed class MarketDataTests(ReplayingExchange fixture)
{
    private TestExchange X => fixture.Exchange;

    [Fact]
    public async Task Time_and_exchange_info_speak_binance()
    {
        var (status, time, _) = await X.Get("/fapi/v1/time");
        Assert.Equal(200, status);
        Assert.InRange(time.GetProperty("serverTime").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), -2000, 2000);

        var (infoStatus, info, response) = await X.Get("/fapi/v1/exchangeInfo");
        Assert.Equal(200, infoStatus);
        Assert.True(response.Headers.Contains("X-MBX-USED-WEIGHT-1M"));
        var limits = info.GetProperty("rateLimits").EnumerateArray().ToList();
        Assert.Contains(limits, l => l.GetProperty("rateLimitType").GetString() == "REQUEST_WEIGHT" && l.GetProperty("limit").GetInt32() == 2400);
        var btc = Assert.Single(info.GetProperty("symbols").EnumerateArray());
        Assert.Equal("BTCUSDT", btc.GetProperty("symbol").GetString());
        var filters = btc.GetProperty("filters").EnumerateArray().ToDictionary(f => f.GetProperty("filterType").GetString()!);
        var catalog = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
        Assert.Equal(catalog.TickSize, decimal.Parse(filters["PRICE_FILTER"].GetProperty("tickSize").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(catalog.StepSize, decimal.Parse(filters["LOT_SIZE"].GetProperty("stepSize").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(catalog.MinNotional, decimal.Parse(filters["MIN_NOTIONAL"].GetProperty("notional").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_client_syncs_its_book_from_the_snapshot_and_the_diff_stream_with_no_gap()
    {
        await X.WaitForDepth();
        await using var socket = await X.Connect("/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker/btcusdt@trade");
        var book = new OrderBook(new Symbol("BTCUSDT"));
        // Binance's procedure: buffer the stream, then take the snapshot, then apply from the bridging diff on.
        Assert.NotNull(await socket.Next(m => Feed(book, m), TimeSpan.FromSeconds(10)));
        var (status, snapshot, _) = await X.Get("/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
        Assert.Equal(200, status);
        book.ApplySnapshot(snapshot.GetProperty("lastUpdateId").GetInt64(), Levels(snapshot, "bids"), Levels(snapshot, "asks"));
        var tickers = 0;
        var trades = 0;
        await socket.Next(m =>
        {
            var stream = m.GetProperty("stream").GetString();
            tickers += stream == "btcusdt@bookTicker" ? 1 : 0;
            trades += stream == "btcusdt@trade" ? 1 : 0;
            Feed(book, m);
            return book.AppliedDiffs >= 500 && tickers > 0 && trades > 0;
        }, TimeSpan.FromSeconds(40));
        Assert.Equal(0, book.Gaps);
        Assert.True(book.IsValid);
        Assert.True(book.AppliedDiffs >= 500, $"applied {book.AppliedDiffs} diffs");
        Assert.True(tickers > 0 && trades > 0);
        Assert.True(book.TryGetBestBid(out var bid) && book.TryGetBestAsk(out var ask) && bid.Price < ask.Price);
    }

    [Fact]
    public async Task Replay_time_runs_at_the_given_speed()
    {
        await X.WaitForDepth();
        var (_, before, _) = await X.Get("/admin/status");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(2000);
        var (_, after, _) = await X.Get("/admin/status");
        var wall = watch.Elapsed.TotalMilliseconds;
        var replay = after.GetProperty("replayTimeMs").GetInt64() - before.GetProperty("replayTimeMs").GetInt64();
        // Speed 10: ten replay seconds per wall second (the clock moves in recorded events, so allow for gaps and load).
        Assert.InRange(replay / wall, 7.0, 11.0);
    }

    [Fact]
    public async Task Subscribe_messages_and_raw_streams_work_as_on_binance()
    {
        await using var socket = await X.Connect("/ws");
        await socket.Send("""{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":7}""");
        var ack = await socket.Next(m => m.TryGetProperty("id", out _), TimeSpan.FromSeconds(5));
        Assert.Equal(7, ack!.Value.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Null, ack.Value.GetProperty("result").ValueKind);
        var trade = await socket.Next(m => m.TryGetProperty("e", out var e) && e.GetString() == "trade", TimeSpan.FromSeconds(30));
        Assert.NotNull(trade);
        Assert.Equal("BTCUSDT", trade!.Value.GetProperty("s").GetString());
        Assert.True(trade.Value.GetProperty("t").GetInt64() > 0);
    }

    private static bool Feed(OrderBook book, JsonElement message)
    {
        if (message.GetProperty("stream").GetString() != "btcusdt@depth@0ms")
        {
            return false;
        }
        var d = message.GetProperty("data");
        var ids = new Fillwise.MarketData.Capture.UpdateIds(d.GetProperty("U").GetInt64(), d.GetProperty("u").GetInt64(), d.GetProperty("pu").GetInt64());
        book.Apply(new DepthUpdate(ids, Levels(d, "b"), Levels(d, "a")));
        return true;
    }

    private static Level[] Levels(JsonElement e, string name) =>
        [.. e.GetProperty(name).EnumerateArray().Select(l => new Level(Fixed8.FromDecimal(decimal.Parse(l[0].GetString()!, CultureInfo.InvariantCulture)), Fixed8.FromDecimal(decimal.Parse(l[1].GetString()!, CultureInfo.InvariantCulture))))];
}
