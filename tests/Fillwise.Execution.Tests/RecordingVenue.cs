using Fillwise.Core;

namespace Fillwise.Execution.Tests;

/// <summary>A venue that only records what the executor sends; the test plays the venue's answers itself.</summary>
internal sealed class RecordingVenue : IVenue
{
    public List<OrderRequest> Submitted { get; } = [];

    public List<long> Cancelled { get; } = [];

    /// <summary>Every timer asked for: when, and the token to hand back to the listener's OnTimer.</summary>
    public List<(long DueNs, long Token)> Timers { get; } = [];

    public TimeProvider Time => TimeProvider.System;

    public long NowNs { get; set; }

    public void Submit(in OrderRequest request) => Submitted.Add(request);

    public void Cancel(Symbol symbol, long clientOrderId) => Cancelled.Add(clientOrderId);

    public void SetTimer(long dueNs, long token) => Timers.Add((dueNs, token));
}
