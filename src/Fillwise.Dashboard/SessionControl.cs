using Fillwise.Execution.Signals;

namespace Fillwise.Dashboard;

/// <summary>
/// The controls of a running session the dashboard serves (<c>live --serve</c>): the kill switch (cancels every
/// working order and ends the session, as SIGINT does) and the inbox for parent orders posted while it runs.
/// </summary>
public sealed class SessionControl(CancellationTokenSource kill, SignalInbox inbox)
{
    public SignalInbox Inbox { get; } = inbox;

    public bool Killed => kill.IsCancellationRequested;

    public void Kill() => kill.Cancel();
}
