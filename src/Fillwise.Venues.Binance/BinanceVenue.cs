using System.Threading.Channels;
using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Venues.Binance;

/// <summary>
/// The live Binance USDⓈ-M venue. Network work (REST calls, two WebSockets) runs on pool threads and only
/// enqueues closures on one bounded channel; <see cref="Step"/>, called in a loop on the engine's thread, runs
/// them and the due timers one at a time, so the executor sees every <see cref="IVenueListener"/> callback on one
/// thread, in the order things happened. The clock is the wall clock (injected <see cref="TimeProvider"/>);
/// the server-time offset from /fapi/v1/time only stamps signed requests. Dry run unless <see cref="BinanceVenueOptions.Trade"/>: orders are
/// answered locally (accepted and never filled; IOC/market expire unfilled) and nothing is sent.
/// </summary>
public sealed partial class BinanceVenue : IVenue, IAsyncDisposable
{
    private readonly Channel<Action> _queue;
    private readonly PriorityQueue<long, (long Due, long Seq)> _timers = new();
    private readonly BinanceRestClient _rest;
    private readonly BinanceVenueOptions _o;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<Symbol> _symbols;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _background = [];
    private IVenueListener? _listener;
    private long _timerSeq;
    private long _lastNowNs;

    public BinanceVenue(BinanceRestClient rest, IReadOnlyList<Symbol> symbols, BinanceVenueOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(rest);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _rest = rest;
        _symbols = symbols;
        _o = options;
        _time = time;
        _queue = Channel.CreateBounded<Action>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Ids = new ClientIds(options.ClientIdPrefix, time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var symbol in symbols)
        {
            _books[symbol] = NewBook(symbol);
        }
    }

    public TimeProvider Time => _time;

    /// <summary>Wall time, Unix ns, never going backwards (engine thread).</summary>
    public long NowNs
    {
        get
        {
            _lastNowNs = Math.Max(_lastNowNs, ClockNs());
            return _lastNowNs;
        }
    }

    public LiveStats Stats { get; } = new();

    public ClientIds Ids { get; }

    public BinanceRestClient Rest => _rest;

    /// <summary>The filters the exchange reported (exchangeInfo) over the built-in catalog; set by <see cref="StartAsync"/>.</summary>
    public SymbolCatalog Catalog { get; private set; } = SymbolCatalog.Default;

    /// <summary>Positions read at start (reconciliation).</summary>
    public IReadOnlyList<PositionRisk> StartPositions { get; private set; } = [];

    public bool DryRun => !_o.Trade;

    public void Attach(IVenueListener listener) => _listener = listener;

    /// <summary>
    /// Before the first step: server time, exchangeInfo (filters and limits), reconciliation (with credentials:
    /// positions read; with --trade, open orders carrying our prefix cancelled), then the streams. Throws
    /// <see cref="VenueException"/> with one sentence when the venue cannot be used.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (!await _rest.SyncTimeAsync(ct).ConfigureAwait(false))
        {
            throw new VenueException($"The venue did not answer GET /fapi/v1/time; is it reachable?");
        }
        var info = await _rest.SendAsync(HttpMethod.Get, "/fapi/v1/exchangeInfo", [], Security.None, ct).ConfigureAwait(false);
        if (!info.Ok)
        {
            throw new VenueException($"GET /fapi/v1/exchangeInfo failed ({info}).");
        }
        var parsed = BinanceJson.ParseExchangeInfo(info.Body);
        _rest.Limits.SetLimits(parsed.WeightPerMinute, parsed.OrdersPer10Seconds, parsed.OrdersPerMinute);
        var missing = _symbols.Where(s => parsed.Filters.All(f => f.Symbol != s)).ToList();
        if (missing.Count > 0)
        {
            throw new VenueException($"The venue does not list {string.Join(", ", missing)} in exchangeInfo.");
        }
        Catalog = SymbolCatalog.WithFilters(parsed.Filters.Where(f => _symbols.Contains(f.Symbol)));
        if (_rest.HasCredentials)
        {
            await ReconcileAsync(ct).ConfigureAwait(false);
        }
        else if (_o.Trade)
        {
            throw new VenueException($"--trade needs API credentials ({BinanceCredentials.KeyVariable} / {BinanceCredentials.SecretVariable} or --key-file).");
        }
        StartMarketStream();
        if (_o.Trade)
        {
            StartUserStream();
        }
    }

    /// <summary>
    /// Runs one queued callback or due timer on the calling (engine) thread, waiting for one until
    /// <paramref name="untilNs"/>; false once that time is reached, or when cancelled or the venue stopped.
    /// </summary>
    public bool Step(long untilNs, CancellationToken ct = default)
    {
        if (_listener is null)
        {
            throw new InvalidOperationException("Attach a listener before stepping the venue.");
        }
        while (true)
        {
            var now = NowNs;
            if (now >= untilNs)
            {
                // A busy feed never leaves the queue empty: the deadline, not an idle moment, ends the step loop.
                return false;
            }
            if (_timers.TryPeek(out var token, out var key) && key.Due <= now)
            {
                _timers.Dequeue();
                _listener.OnTimer(token);
                return true;
            }
            if (_queue.Reader.TryRead(out var action))
            {
                action();
                return true;
            }
            if (ct.IsCancellationRequested || _stop.IsCancellationRequested)
            {
                return false;
            }
            var dueNs = Math.Min(untilNs, _timers.TryPeek(out _, out key) ? key.Due : long.MaxValue);
            var wait = TimeSpan.FromTicks(Math.Clamp((dueNs - now) / 100, 1, TimeSpan.TicksPerSecond));
            var ready = _queue.Reader.WaitToReadAsync(ct).AsTask();
            try
            {
                Task.WhenAny(ready, Task.Delay(wait, _time, ct)).Wait(ct);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    public void SetTimer(long dueNs, long token) => _timers.Enqueue(token, (dueNs, _timerSeq++));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] pending;
        lock (_background)
        {
            pending = [.. _background];
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        if (_listenKey is not null && _rest.HasCredentials)
        {
            await _rest.SendAsync(HttpMethod.Delete, "/fapi/v1/listenKey", [], Security.ApiKey, CancellationToken.None).ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    /// <summary>
    /// Raw clock for stamping (any thread): the local wall clock, Unix ns. The server offset signs requests only:
    /// a re-sync (clock skew, -1021) must not make the executor's timers and the session's end jump.
    /// </summary>
    internal long ClockNs() => (_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Queues work for the engine thread; waits (back-pressure) when the queue is full.</summary>
    private void Post(Action action)
    {
        if (!_queue.Writer.TryWrite(action))
        {
            _queue.Writer.WriteAsync(action, _stop.Token).AsTask().Wait(_stop.Token);
        }
    }

    /// <summary>Starts background work that posts its results; a failure is counted and kept (<see cref="LastError"/>), never lost silently.</summary>
    private void Background(Func<CancellationToken, Task> work)
    {
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(Task.Run(async () =>
            {
                try
                {
                    await work(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // Stopping.
                }
                catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or HttpRequestException)
                {
                    // A payload we could not read: the order stays working and the next query or reconnect resolves it.
                    Interlocked.Increment(ref _backgroundErrors);
                    LastError = $"{e.GetType().Name}: {e.Message}";
                }
            }));
        }
    }

    private long _backgroundErrors;

    /// <summary>Background requests whose answer could not be read (counted; see <see cref="LastError"/>).</summary>
    public long BackgroundErrors => Interlocked.Read(ref _backgroundErrors);

    public string? LastError { get; private set; }
}

/// <summary>The live venue cannot be used (unreachable, symbol unknown, no credentials): one sentence.</summary>
public sealed class VenueException(string message) : Exception(message);
