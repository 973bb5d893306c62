using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.Telemetry;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>
/// A throwaway run over the first minute of the run's own data (two hours of bars): the same policy and order
/// source, with seeded arrivals beside it so it decides even when the run's first signal comes later. It runs on
/// another core while the store is set up, and the run waits for it before its first event. The CLI compiles each
/// method, optimised, on its first call (tiering is off); without the warm-up the run's first decisions paid for
/// compiling the decision path (~30 ms the first, ~4 ms the first intel choice), which set the decision p99.
/// Nothing of it is kept: its venue, executor, policy and telemetry are its own, its metrics are silenced, and an
/// error it meets is left for the run to meet and report. It ends by cycling the young generation
/// (<see cref="YoungGeneration"/>), so that the run's decisions do not pay for first writes to fresh memory either.
/// </summary>
public sealed class EngineWarmUp : IDisposable
{
    private static readonly TimeSpan TickWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan BarWindow = TimeSpan.FromHours(2);
    private const decimal ArrivalNotional = 5_000m;

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private volatile bool _disposed;

    private EngineWarmUp(BacktestInputs inputs, BacktestSpec spec, TimeProvider wallClock)
    {
        var window = inputs.IsTickMode ? TickWindow : BarWindow;
        // Thirty arrivals over the window, whatever the run's own order source does in it.
        var arrivals = new ArrivalOptions(window / 30, ArrivalNotional, spec.Seed);
        var warm = spec with { Orders = () => new WithArrivals(spec.Orders(), new SeededArrivals(arrivals)) };
        var stop = new StopAfter(window.Ticks * 100, _stop, this);
        // A thread of its own: a task queued on a busy pool could be run inline by Wait, losing the overlap.
        _task = Task.Factory.StartNew(() => Run(inputs, warm, stop, wallClock, this), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <param name="wallClock">The clock the run's commits are paced by (the warm-up's sink chain is the run's).</param>
    public static EngineWarmUp Start(BacktestInputs inputs, BacktestSpec spec, TimeProvider? wallClock = null) => new(inputs, spec, wallClock ?? TimeProvider.System);

    /// <summary>Decisions the warm-up made (read after <see cref="Wait"/>).</summary>
    public long Decisions { get; private set; }

    /// <summary>Throwaway memory allocated at its end to cycle the young generation (read after <see cref="Wait"/>; 0 when disposed early).</summary>
    public long PrefaultedBytes { get; private set; }

    /// <summary>Waits until the warm-up has run its window (or failed, which the run will report itself).</summary>
    public void Wait() => _task.Wait(CancellationToken.None);

    /// <summary>Stops the warm-up within one step if it is still running (no run follows: the run was complete, or its lock was held) and waits for it.</summary>
    public void Dispose()
    {
        _disposed = true;
        _stop.Cancel();
        Wait();
        _stop.Dispose();
    }

    private static void Run(BacktestInputs inputs, BacktestSpec spec, StopAfter stop, TimeProvider wallClock, EngineWarmUp owner)
    {
        ExecutionMetrics.SilencedOnThisThread = true;
        try
        {
            // The run's own sink chain (records kept in memory instead of the store), so its first records are not
            // the first calls of the chain either.
            using var background = new BackgroundTelemetry(new MemoryTelemetry());
            BacktestEngine.Run(inputs, spec, new PacedCommits(background, wallClock), stop);
        }
        catch (Exception)
        {
            // The end of its window or of the run (a cancellation), or an error: the warm-up only compiles code, and whatever it
            // meets in the data or the options the run meets too, and reports in full.
        }
        finally
        {
            ExecutionMetrics.SilencedOnThisThread = false;
        }
        if (!owner._disposed)
        {
            // Still on the other core while the store is set up: the run then allocates on pages already written,
            // and its decisions stop paying for first writes (see YoungGeneration).
            owner.PrefaultedBytes = YoungGeneration.Prefault();
        }
    }

    /// <summary>Ends the warm-up (a cancellation) once the venue's clock is <c>windowNs</c> past its first event, or when stopped; counts its decisions.</summary>
    private sealed class StopAfter(long windowNs, CancellationTokenSource stop, EngineWarmUp owner) : IRunHooks
    {
        private long _startNs = long.MinValue;

        public void AfterStep(long steps, ReplayVenue venue, Executor executor)
        {
            owner.Decisions = executor.DecisionLatency.Count;
            if (steps > 0 && _startNs == long.MinValue)
            {
                _startNs = venue.NowNs;
            }
            else if (steps > 0 && venue.NowNs - _startNs > windowNs)
            {
                stop.Cancel();
            }
            stop.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Two order sources side by side: each schedules its own wake-ups, which the executor hands back to it.</summary>
    private sealed class WithArrivals(ISignalSource own, ISignalSource arrivals) : ISignalSource
    {
        public void Start(ISignalHost host)
        {
            own.Start(host);
            arrivals.Start(host);
        }

        public void OnWake(long payload, ISignalHost host) =>
            throw new InvalidOperationException("A wake-up goes to the source that asked for it, never to the pair.");

        public void OnMarket(in MarketUpdate update, ISignalHost host)
        {
            own.OnMarket(update, host);
            arrivals.OnMarket(update, host);
        }
    }
}
