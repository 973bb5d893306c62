using System.Threading.Channels;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Mirror.Firestore;
using Grpc.Core;

namespace Fillwise.Mirror;

/// <summary>
/// Best-effort mirror of execution intel and health to Firestore. The executor's <see cref="Offer"/> writes to a
/// bounded channel (drop oldest, counted) and returns; a background loop coalesces to the latest document per
/// name and commits them in one Commit per period, retrying with jittered exponential backoff, behind a
/// circuit breaker. Nothing here can block or fail the executor.
/// </summary>
public sealed class FirestoreMirror : IExecutionMirror, IAsyncDisposable
{
    private readonly MirrorOptions _o;
    private readonly FirestoreConnection _connection;
    private readonly TimeProvider _time;
    private readonly Channel<(ExecutionHealth Health, IReadOnlyList<double> Hourly)> _channel;
    private readonly Dictionary<string, Document> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private DeterministicRandom _jitter;
    private long _offered, _drops, _commits, _retries, _failures;
    private int _consecutiveFailures;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset _circuitOpenUntil = DateTimeOffset.MinValue;
    private string? _lastError;

    public FirestoreMirror(MirrorOptions options, FirestoreConnection connection, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _o = options;
        _connection = connection;
        _time = time ?? TimeProvider.System;
        _jitter = new DeterministicRandom(options.Seed);
        _channel = Channel.CreateBounded<(ExecutionHealth, IReadOnlyList<double>)>(
            new BoundedChannelOptions(options.Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ =>
            {
                Interlocked.Increment(ref _drops);
                ExecutionMetrics.MirrorDropped("firestore");
            });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Builds the mirror from options and the environment, or says in one sentence why it cannot.</summary>
    public static FirestoreMirror Create(MirrorOptions options, TimeProvider? time = null)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new MirrorConfigException(e.Message, e);
        }
        return new FirestoreMirror(options, FirestoreConnection.Create(options.ProjectId), time);
    }

    public string Target => _connection.Target;

    public void Offer(ExecutionHealth health, IReadOnlyList<double> hourlyExpectancyBps)
    {
        Interlocked.Increment(ref _offered);
        _channel.Writer.TryWrite((health, hourlyExpectancyBps));
    }

    public MirrorStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new MirrorStatus(Interlocked.Read(ref _offered), Interlocked.Read(ref _drops), _commits, _retries, _failures, _lastSuccess, _lastError, _time.GetUtcNow() < _circuitOpenUntil);
            }
        }
    }

    /// <summary>Stops the loop after one last attempt to commit what is pending (bounded by the call timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            // Stopped mid-wait or mid-call.
        }
        Drain();
        if (_pending.Count > 0)
        {
            // One last probe even with the circuit open: the process is ending and this is the final state.
            await CommitAsync(CancellationToken.None, attempts: 1).ConfigureAwait(false);
        }
        _stop.Dispose();
        _connection.Dispose();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_o.Period, _time, ct).ConfigureAwait(false);
            Drain();
            if (_pending.Count == 0 || _time.GetUtcNow() < _circuitOpenUntil)
            {
                continue;
            }
            await CommitAsync(ct, _o.MaxAttempts).ConfigureAwait(false);
        }
    }

    /// <summary>Latest document per name wins: the mirror shows state, not history.</summary>
    private void Drain()
    {
        var now = _time.GetUtcNow();
        while (_channel.Reader.TryRead(out var item))
        {
            foreach (var document in Documents.For(_connection.DocumentsRoot, _o.Environment, item.Health, item.Hourly, now))
            {
                _pending[document.Name] = document;
            }
        }
    }

    private async Task CommitAsync(CancellationToken ct, int attempts)
    {
        var request = new CommitRequest { Database = _connection.Database };
        request.Writes.Add(_pending.Values.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => new Write { Update = d }));
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                await _connection.Client.CommitAsync(request, _connection.Call(_time, _o.CallTimeout, ct)).ConfigureAwait(false);
                lock (_gate)
                {
                    _commits++;
                    _lastSuccess = _time.GetUtcNow();
                    _consecutiveFailures = 0;
                }
                _pending.Clear();
                return;
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
            {
                lock (_gate)
                {
                    _lastError = $"{e.StatusCode}: {e.Status.Detail}";
                    if (attempt < attempts)
                    {
                        _retries++;
                    }
                }
                if (attempt < attempts)
                {
                    await Task.Delay(Backoff(attempt), _time, ct).ConfigureAwait(false);
                }
            }
        }
        lock (_gate)
        {
            _failures++;
            if (++_consecutiveFailures >= _o.BreakerFailures)
            {
                _circuitOpenUntil = _time.GetUtcNow() + _o.EffectiveBreakerOpenFor;
                _consecutiveFailures = 0;
            }
        }
    }

    /// <summary>Exponential backoff with full jitter (seeded).</summary>
    private TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(_o.BackoffMax.Ticks, _o.BackoffBase.Ticks << Math.Min(attempt - 1, 20));
        return TimeSpan.FromTicks((long)(cap * (0.5 + 0.5 * _jitter.NextDouble())));
    }
}
