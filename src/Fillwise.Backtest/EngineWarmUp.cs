using Fillwise.Execution;
using Fillwise.Telemetry;
using Fillwise.Venues.Replay;

namespace Fillwise.Backtest;

/// <summary>
/// A throwaway run of the same policy and order source over the first minute of the run's own data (two hours of
/// bars), started on another core while the store is set up, and awaited before the run's first event. The CLI
/// compiles each method fully optimised on its first call (tiering is off), so without it the run's first decisions
/// paid for compiling the decision path: ~30 ms for the first, ~4 ms for the first intel choice, which set the
/// decision p99. Nothing of the warm-up is kept: its venue, executor, policy and telemetry are its own, its metrics
/// are silenced, and an error it meets is left for the run itself to meet and report.
/// </summary>
internal sealed class EngineWarmUp : IDisposable
{
    private static readonly TimeSpan TickWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan BarWindow = TimeSpan.FromHours(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;

    private EngineWarmUp(BacktestInputs inputs, BacktestSpec spec)
    {
        var window = inputs.IsTickMode ? TickWindow : BarWindow;
        var token = _stop.Token;
        _task = Task.Run(() => Run(inputs, spec, window, token), CancellationToken.None);
    }

    public static EngineWarmUp Start(BacktestInputs inputs, BacktestSpec spec) => new(inputs, spec);

    /// <summary>Waits until the warm-up has run its window (or failed, which the run will report itself).</summary>
    public void Wait() => _task.Wait(CancellationToken.None);

    /// <summary>Stops a warm-up no run will follow (the run was already complete) and waits for it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        Wait();
        _stop.Dispose();
    }

    private static void Run(BacktestInputs inputs, BacktestSpec spec, TimeSpan window, CancellationToken token)
    {
        ExecutionMetrics.SilencedOnThisThread = true;
        try
        {
            // The run's own sink chain (records kept in memory instead of the store), so its first records are not
            // the first calls of the chain either.
            using var background = new BackgroundTelemetry(new MemoryTelemetry());
            BacktestEngine.Run(inputs, spec, new PacedCommits(background, TimeProvider.System), new StopAfter(window.Ticks * 100), cancellationToken: token);
        }
        catch (Exception)
        {
            // The end of its window, a cancellation, or an error: the warm-up only compiles code, and whatever it
            // meets in the data or the options the run meets too, and reports in full.
        }
        finally
        {
            ExecutionMetrics.SilencedOnThisThread = false;
        }
    }

    /// <summary>Ends the warm-up once the venue's clock is <c>windowNs</c> past its first event.</summary>
    private sealed class StopAfter(long windowNs) : IRunHooks
    {
        private long _startNs = long.MinValue;

        public void AfterStep(long steps, ReplayVenue venue, Executor executor)
        {
            if (steps == 0)
            {
                return;
            }
            if (_startNs == long.MinValue)
            {
                _startNs = venue.NowNs;
            }
            else if (venue.NowNs - _startNs > windowNs)
            {
                throw new WindowDone();
            }
        }
    }

    private sealed class WindowDone : Exception;
}
