using System.Threading.Channels;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.Venues.Replay;

namespace Fillwise.Exchange;

/// <summary>
/// The one thread of the paper exchange that touches the market and the account. It advances replay time at
/// <c>Speed</c> times wall-clock time from the first recorded event, steps the replay venue while its next event
/// is due, and between steps applies client commands (orders, cancels, queries) taken in arrival order from a
/// bounded channel: matching stays single-threaded and deterministic given when commands arrive.
/// </summary>
public sealed class ExchangeEngine : IVenueListener, IDisposable
{
    private readonly ReplayVenue _venue;
    private readonly Channel<Action> _commands;
    private readonly TimeProvider _wall;
    private readonly double _speed;
    private readonly StreamHub _hub;
    private readonly int _highWater;
    private readonly int _checkEvery;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<bool>? _commandWait;
    private long _startWallTs;
    private long _startReplayNs;
    private long _replayNowNs;

    internal ExchangeEngine(IReadOnlyList<IMarketEventSource> sources, SymbolCatalog catalog, ExchangeOptions options, ExchangeClock clock, StreamHub hub, UserStreams users)
    {
        _wall = clock.Wall;
        _speed = options.Speed;
        _hub = hub;
        _highWater = options.SocketQueueCapacity / 2;
        // Between two checks a queue grows by at most this many events' messages: well within the half left free.
        _checkEvery = Math.Clamp(options.SocketQueueCapacity / 8, 1, 64);
        _commands = Channel.CreateBounded<Action>(new BoundedChannelOptions(options.CommandQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Feed = new MarketFeed(catalog, hub, clock);
        Account = new PaperAccount(options.StartingBalance, clock, users.Publish);
        // The exchange is the venue: network latency is real here, so the venue adds none of its own.
        var zero = LatencySpec.Constant(TimeSpan.Zero);
        var venueOptions = new ReplayVenueOptions { Latency = new LatencyOptions { OrderEntry = zero, Cancel = zero, Response = zero, MarketData = zero } };
        _venue = ReplayVenues.FromSources([.. sources.Select(s => (IMarketEventSource)new MarketTap(s, Feed))], catalog, venueOptions);
        _venue.Attach(this);
        Desk = new PaperDesk(_venue, Account, Feed, catalog, Settle);
    }

    internal MarketFeed Feed { get; }

    internal PaperAccount Account { get; }

    internal PaperDesk Desk { get; }

    /// <summary>Completes when the recording is exhausted: market streams stop, the server stays up for orders and queries.</summary>
    public Task RecordingEnded => _ended.Task;

    /// <summary>Wall time from the start to the end of the recording (set when <see cref="RecordingEnded"/> completes).</summary>
    public TimeSpan ReplayedIn { get; private set; }

    /// <summary>Replay time (Unix ns) of the last step or command.</summary>
    public long ReplayNowNs => Interlocked.Read(ref _replayNowNs);

    /// <summary>Recorded events the matching consumed, and stream messages published from them.</summary>
    public long EventsConsumed => Feed.Consumed;

    public long MessagesPublished => Feed.Published;

    /// <summary>Runs <paramref name="work"/> on the engine thread between steps; the task completes with its result.</summary>
    internal async Task<T> Invoke<T>(Func<T> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _commands.Writer.WriteAsync(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }, ct).ConfigureAwait(false);
        return await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The paced loop; returns when <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _startWallTs = _wall.GetTimestamp();
        _startReplayNs = _venue.TryPeekNextTime(out var first) ? first : 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Drain();
                var target = TargetNs();
                var steps = 0;
                long next;
                bool more;
                while ((more = _venue.TryPeekNextTime(out next)) && next <= target)
                {
                    _venue.Step();
                    if (++steps == _checkEvery)
                    {
                        // Commands wait at most 64 events, even when replaying as fast as possible.
                        steps = 0;
                        Interlocked.Exchange(ref _replayNowNs, _venue.NowNs);
                        Drain();
                        target = TargetNs();
                        if (double.IsPositiveInfinity(_speed))
                        {
                            await WaitForSubscribers(ct).ConfigureAwait(false);
                        }
                    }
                }
                Interlocked.Exchange(ref _replayNowNs, _venue.NowNs);
                if (!more)
                {
                    if (!_ended.Task.IsCompleted)
                    {
                        ReplayedIn = _wall.GetElapsedTime(_startWallTs);
                    }
                    _ended.TrySetResult();
                    await WaitForCommand(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                    continue;
                }
                if (double.IsPositiveInfinity(_speed))
                {
                    continue;
                }
                var waitNs = (next - target) / _speed;
                await WaitForCommand(TimeSpan.FromTicks((long)Math.Clamp(waitNs / 100, 1, TimeSpan.TicksPerSecond)), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown.
        }
        catch (Exception e)
        {
            // A broken engine must not leave requests waiting forever: they fail at once (503), and the CLI says why.
            _commands.Writer.TryComplete(e);
            while (_commands.Reader.TryRead(out var pending))
            {
                pending();
            }
            throw;
        }
    }

    public void Dispose() => _venue.Dispose();

    void IVenueListener.OnMarket(in MarketUpdate update)
    {
        // The feed republishes the full recorded events through the tap; the venue's top-of-book summary is not needed.
    }

    void IVenueListener.OnOrderEvent(in OrderEvent orderEvent) => Account.OnOrderEvent(orderEvent);

    void IVenueListener.OnTimer(long token)
    {
    }

    private long TargetNs()
    {
        if (double.IsPositiveInfinity(_speed))
        {
            return long.MaxValue;
        }
        var elapsed = _wall.GetElapsedTime(_startWallTs);
        return _startReplayNs + (long)(elapsed.Ticks * 100 * _speed);
    }

    private void Drain()
    {
        while (_commands.Reader.TryRead(out var command))
        {
            if (!double.IsPositiveInfinity(_speed))
            {
                // The command happens now on the paced clock, not at the last event's time.
                _venue.AdvanceTo(TargetNs());
            }
            command();
            Interlocked.Exchange(ref _replayNowNs, _venue.NowNs);
        }
    }

    /// <summary>Steps everything due at the venue's current time: an order's arrival, its fills, acks and expiry.</summary>
    private void Settle()
    {
        while (_venue.TryPeekNextTime(out var t) && t <= _venue.NowNs)
        {
            _venue.Step();
        }
    }

    /// <summary>
    /// As fast as possible means as fast as the slowest market subscriber takes it: the replay waits while a
    /// connection's queue is over half full, rather than dropping the client (at a finite speed, a client that
    /// falls behind is disconnected, as Binance does).
    /// </summary>
    private async Task WaitForSubscribers(CancellationToken ct)
    {
        while (_hub.Backlog() > _highWater)
        {
            Drain();
            await Task.Delay(TimeSpan.FromMilliseconds(1), _wall, ct).ConfigureAwait(false);
        }
    }

    private async Task WaitForCommand(TimeSpan timeout, CancellationToken ct)
    {
        // One outstanding wait is reused until it completes, so idle waiting registers no new waiter per tick.
        if (_commandWait is null || _commandWait.IsCompleted)
        {
            _commandWait = _commands.Reader.WaitToReadAsync(ct).AsTask();
        }
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            await _commandWait.ConfigureAwait(false);
            return;
        }
        using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, _wall, delayCancel.Token);
        await Task.WhenAny(_commandWait, delay).ConfigureAwait(false);
        await delayCancel.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }
}
