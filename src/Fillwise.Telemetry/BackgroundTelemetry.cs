using System.Runtime.ExceptionServices;
using Fillwise.Execution;

namespace Fillwise.Telemetry;

/// <summary>
/// Takes the store's writes off the executor's thread. Records go into a bounded buffer and one writer thread hands
/// them, in order, to the inner sink, so a batch commit (milliseconds on SQLite, a round trip on PostgreSQL) never
/// sits inside a routing decision: on a replay it did, every 512 rows, as the slowest decision of the run.
/// The writer is woken only every <see cref="WakeEvery"/> records, at a flush, or after <see cref="IdleWake"/>,
/// not for each record (a wake is a system call). Nothing is dropped: when the writer is <see cref="Capacity"/>
/// records behind, the executor waits (counted in <see cref="Stalls"/>). A failure of the writer (disk full, server
/// gone) is thrown on the executor's thread at its next record or flush, or by <see cref="Complete"/>, as the
/// original exception, so callers explain it as before.
/// </summary>
public sealed class BackgroundTelemetry : ITelemetrySink, IDisposable
{
    public const int Capacity = 512;
    public const int WakeEvery = 128;
    public static readonly TimeSpan IdleWake = TimeSpan.FromMilliseconds(100);

    private static readonly object FlushMarker = new();

    private readonly ITelemetrySink _inner;
    private readonly object _sync = new();
    private readonly Thread _thread;
    private List<object> _incoming = [];
    private List<object> _writing = [];
    private bool _flushAsked;
    private bool _completing;
    private bool _stopped;
    private ExceptionDispatchInfo? _failure;

    public BackgroundTelemetry(ITelemetrySink inner)
    {
        _inner = inner;
        _thread = new Thread(Drain) { IsBackground = true, Name = "fillwise telemetry writer" };
        _thread.Start();
    }

    /// <summary>Records the executor had to wait for because the writer was <see cref="Capacity"/> behind.</summary>
    public long Stalls { get; private set; }

    public void Parent(ParentRecord record) => Put(record);
    public void Child(ChildRecord record) => Put(record);
    public void Fill(FillRecord record) => Put(record);
    public void Result(ParentResult result) => Put(result);
    public void RoundTrip(RoundTripRecord trade) => Put(trade);
    public void Health(ExecutionHealth health) => Put(health);

    /// <summary>Asks the writer to commit what it has been given so far; does not wait for it.</summary>
    public void Flush() => Put(FlushMarker);

    /// <summary>Waits until the writer has handed over everything, then throws its failure if it had one.</summary>
    public void Complete()
    {
        Stop();
        _failure?.Throw();
    }

    /// <summary>Stops the writer without throwing (an error path that already has its exception).</summary>
    public void Dispose() => Stop();

    private void Put(object item)
    {
        lock (_sync)
        {
            if (_completing)
            {
                // Nothing may be handed over after the writer stopped: it would never be written.
                throw new InvalidOperationException("A record was written to the store after its run's writer was stopped.");
            }
            while (_incoming.Count >= Capacity && _failure is null)
            {
                Stalls++;
                Monitor.Wait(_sync);
            }
            _failure?.Throw();
            _incoming.Add(item);
            if (item == FlushMarker)
            {
                _flushAsked = true;
                Monitor.PulseAll(_sync);
            }
            else if (_incoming.Count % WakeEvery == 0)
            {
                Monitor.PulseAll(_sync);
            }
        }
    }

    private void Stop()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        lock (_sync)
        {
            _completing = true;
            Monitor.PulseAll(_sync);
        }
        _thread.Join();
    }

    private void Drain()
    {
        while (true)
        {
            lock (_sync)
            {
                while (_incoming.Count < WakeEvery && !_flushAsked && !_completing)
                {
                    if (!Monitor.Wait(_sync, IdleWake))
                    {
                        break;
                    }
                }
                if (_incoming.Count == 0 && _completing)
                {
                    return;
                }
                (_incoming, _writing) = (_writing, _incoming);
                _flushAsked = false;
                Monitor.PulseAll(_sync); // room again for an executor waiting on a full buffer
            }
            try
            {
                foreach (var item in _writing)
                {
                    Write(item);
                }
                _writing.Clear();
            }
            catch (Exception e)
            {
                lock (_sync)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                    Monitor.PulseAll(_sync);
                }
                return;
            }
        }
    }

    private void Write(object item)
    {
        switch (item)
        {
            case ParentRecord r: _inner.Parent(r); break;
            case ChildRecord r: _inner.Child(r); break;
            case FillRecord r: _inner.Fill(r); break;
            case ParentResult r: _inner.Result(r); break;
            case RoundTripRecord r: _inner.RoundTrip(r); break;
            case ExecutionHealth r: _inner.Health(r); break;
            default: _inner.Flush(); break;
        }
    }
}
