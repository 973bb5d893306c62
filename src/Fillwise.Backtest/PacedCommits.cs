using Fillwise.Execution;

namespace Fillwise.Backtest;

/// <summary>
/// Passes records through and commits at the executor's health-period flushes only when <see cref="MinInterval"/>
/// of wall time has passed since the last commit. A paced replay, or a live run, has periods seconds apart and
/// still commits every one; a replay running as fast as it can spends microseconds per 15-minute bar period, and
/// a commit for each (2,880 over a month of bars, tens of WAL pages each) cost more than the run itself. The
/// writer still commits every 512 rows on its own, so a killed process loses at most the batch in flight, which
/// the resumed run rewrites (writes are idempotent); the store a run leaves is the same either way.
/// </summary>
public sealed class PacedCommits(ITelemetrySink inner, TimeProvider time) : ITelemetrySink
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    private long _lastCommit = time.GetTimestamp();

    public void Parent(ParentRecord record) => inner.Parent(record);
    public void Child(ChildRecord record) => inner.Child(record);
    public void Fill(FillRecord record) => inner.Fill(record);
    public void Result(ParentResult result) => inner.Result(result);
    public void RoundTrip(RoundTripRecord trade) => inner.RoundTrip(trade);
    public void Health(ExecutionHealth health) => inner.Health(health);

    public void Flush()
    {
        if (time.GetElapsedTime(_lastCommit) >= MinInterval)
        {
            inner.Flush();
            _lastCommit = time.GetTimestamp();
        }
    }
}
