using Fillwise.Backtest;
using Fillwise.Execution;
using Fillwise.Venues.Replay;

namespace Fillwise.Cli.Tests;

/// <summary>
/// A replay's hooks run after every step of the engine, and every replay has at least two since the JIT profile's
/// hook (the store's toggles and the CLI's list): calling them must not allocate, or each of a day's ~94,000 steps
/// left two enumerators behind for the collector.
/// </summary>
public sealed class RunHooksTests
{
    private sealed class Counting : IRunHooks
    {
        public long Calls { get; private set; }

        public void AfterStep(long steps, ReplayVenue venue, Executor executor) => Calls++;
    }

    [Fact]
    public void NestedHooksAllRunOnEveryStepWithoutAllocating()
    {
        var first = new Counting();
        var second = new Counting();
        var third = new Counting();
        // As a replay nests them: the store's hooks around the CLI's list.
        var hooks = new RunHooks(first, new RunHooks(new List<IRunHooks> { second, third }));
        hooks.AfterStep(0, null!, null!); // the first call compiles

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (long step = 1; step <= 10_000; step++)
        {
            hooks.AfterStep(step, null!, null!);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal([10_001L, 10_001L, 10_001L], [first.Calls, second.Calls, third.Calls]);
    }
}
