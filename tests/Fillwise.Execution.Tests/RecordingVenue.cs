using Fillwise.Core;

namespace Fillwise.Execution.Tests;

/// <summary>A venue for executor tests: the clock is set by the test, and every order and cancel is recorded, nothing more.</summary>
internal sealed class RecordingVenue : IVenue
{
    public List<OrderRequest> Submitted { get; } = [];

    public List<long> Cancelled { get; } = [];

    public TimeProvider Time => TimeProvider.System;

    public long NowNs { get; set; }

    public void Submit(in OrderRequest request) => Submitted.Add(request);

    public void Cancel(Symbol symbol, long clientOrderId) => Cancelled.Add(clientOrderId);

    public void SetTimer(long dueNs, long token)
    {
    }
}
