using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Telemetry.Tests;

/// <summary>The store's writer thread: order kept, the executor never waits for a commit, nothing lost when it falls behind, failures surface.</summary>
public sealed class BackgroundTelemetryTests
{
    private static RoundTripRecord Row(long i) => new(i, i, new Symbol("BTCUSDT"), i, 0);

    [Fact]
    public void HandsEveryRecordAndFlushOnInTheOrderGiven()
    {
        var inner = new RecordingSink();
        using (var background = new BackgroundTelemetry(inner))
        {
            background.RoundTrip(Row(1));
            background.Flush();
            background.RoundTrip(Row(2));
            background.RoundTrip(Row(3));
            background.Flush();
            background.Complete();
        }
        Assert.Equal(["1", "flush", "2", "3", "flush"], inner.Log);
    }

    [Fact]
    public void TheExecutorDoesNotWaitForACommitInProgress() => WhileTheWriterCommits((inner, background, release) =>
    {
        const int queued = BackgroundTelemetry.Capacity - 1;
        for (var i = 0; i < queued; i++)
        {
            background.RoundTrip(Row(i)); // returns at once: queued behind the commit
        }
        background.Flush();
        Assert.Equal(0, inner.Count);
        Assert.Equal(0, background.Stalls);
        release.Set();
        background.Complete();
        Assert.Equal(queued, inner.Count);
    });

    [Fact]
    public void AWriterThatFallsBehindMakesTheExecutorWaitAndLosesNothing() => WhileTheWriterCommits((inner, background, release) =>
    {
        var total = BackgroundTelemetry.Capacity + 100;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < total; i++)
            {
                background.RoundTrip(Row(i));
            }
        });
        producer.Start();
        Assert.False(producer.Join(TimeSpan.FromMilliseconds(300)), "the producer should wait while the queue is full");
        release.Set();
        Assert.True(producer.Join(TimeSpan.FromSeconds(30)));
        background.Complete();
        Assert.Equal(total, inner.Count);
        Assert.True(background.Stalls > 0);
    });

    [Fact]
    public void AWriterFailureIsThrownOnTheExecutorsThreadAsItself()
    {
        var inner = new RecordingSink { FailOnFlush = new IOException("disk full") };
        using var background = new BackgroundTelemetry(inner);
        background.RoundTrip(Row(1));
        background.Flush();
        var thrown = Assert.Throws<IOException>(background.Complete);
        Assert.Equal("disk full", thrown.Message);
    }

    [Fact]
    public void ARecordAfterTheWriterStoppedIsRefusedNotLost()
    {
        var inner = new RecordingSink();
        using var background = new BackgroundTelemetry(inner);
        background.Complete();
        Assert.Throws<InvalidOperationException>(() => background.RoundTrip(Row(1)));
    }

    /// <summary>Runs <paramref name="test"/> while the writer sits in a commit that lasts until the test sets the event.</summary>
    private static void WhileTheWriterCommits(Action<RecordingSink, BackgroundTelemetry, ManualResetEventSlim> test)
    {
        using var release = new ManualResetEventSlim();
        var inner = new RecordingSink { FlushGate = release };
        using var background = new BackgroundTelemetry(inner);
        try
        {
            background.Flush();
            Assert.True(inner.InFlush.Wait(TimeSpan.FromSeconds(30)), "the writer should be committing");
            test(inner, background, release);
        }
        finally
        {
            release.Set(); // a failed assertion must not leave the writer blocked for Dispose to wait on
        }
    }

    private sealed class RecordingSink : ITelemetrySink
    {
        public List<string> Log { get; } = [];
        public int Count => Log.Count(l => l != "flush");
        public ManualResetEventSlim? FlushGate { get; init; }
        public ManualResetEventSlim InFlush { get; } = new();
        public Exception? FailOnFlush { get; init; }

        public void Parent(ParentRecord record) => Log.Add("parent");
        public void Child(ChildRecord record) => Log.Add("child");
        public void Fill(FillRecord record) => Log.Add("fill");
        public void Result(ParentResult result) => Log.Add("result");
        public void RoundTrip(RoundTripRecord trade) => Log.Add(trade.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        public void Health(ExecutionHealth health) => Log.Add("health");

        public void Flush()
        {
            if (FailOnFlush is { } e)
            {
                throw e;
            }
            InFlush.Set();
            FlushGate?.Wait();
            Log.Add("flush");
        }
    }
}
