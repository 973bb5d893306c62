using System.Net.WebSockets;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.MarketData;

namespace Fillwise.Exchange.Tests;

public sealed class BackpressureTests
{
    /// <summary>Holds the replay at its first event until the test has subscribed.</summary>
    private sealed class Gate(IMarketEventSource inner, Task open) : PassThroughEventSource(inner)
    {
        private int _calls;

        public override bool MoveNext()
        {
            if (++_calls == 2)
            {
                open.Wait();
            }
            return Inner.MoveNext();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }
        }
    }

    [Fact]
    public async Task At_max_speed_a_slow_subscriber_gets_every_message_instead_of_being_dropped()
    {
        var inputs = BacktestInputs.Load(TestExchange.Captures, null, SymbolCatalog.Default);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sources = inputs.TickSources().Select(s => (IMarketEventSource)new Gate(s, open.Task)).ToList();
        // A 256-message queue: without backpressure the client would be dropped as a slow consumer at once.
        var options = new ExchangeOptions { Urls = "http://127.0.0.1:0", Speed = double.PositiveInfinity, SocketQueueCapacity = 256 };
        await using var server = ExchangeServer.Build(options, sources, inputs.Quality.Symbols, inputs.Catalog);
        var address = await server.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri("ws" + address[4..] + "/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker/btcusdt@trade"), CancellationToken.None);
        open.SetResult();
        var buffer = new byte[1 << 16];
        long received = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (!(server.RecordingEnded.IsCompleted && received == server.Status().MessagesPublished))
            {
                if (received == server.Status().MessagesPublished)
                {
                    // Caught up: the recording may have ended after the last message was sent; a receive would wait for ever.
                    await Task.WhenAny(server.RecordingEnded, Task.Delay(50, timeout.Token));
                    timeout.Token.ThrowIfCancellationRequested();
                    continue;
                }
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                received += result.EndOfMessage ? 1 : 0;
            }
        }
        catch (OperationCanceledException)
        {
            var s = server.Status();
            Assert.Fail($"timed out: received {received} of {s.MessagesPublished} published, recording ended {s.RecordingEnded}, events consumed {s.EventsConsumed}, connections {s.MarketConnections}");
        }
        var status = server.Status();
        Assert.Equal(status.MessagesPublished, received);
        Assert.True(received > 50_000, $"{received} messages");
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
