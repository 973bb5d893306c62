using System.Text.Json;
using Fillwise.Telemetry;
using Microsoft.Extensions.Hosting;

namespace Fillwise.Dashboard;

/// <summary>
/// The live feed's one change poller: a single background loop asks the store for its version once per tick
/// and, when it changed, publishes a new numbered update that every server-sent-events client awaits. So the
/// database work is one statement per tick whether 1 or 200 browsers are watching.
/// </summary>
public sealed class ChangeFeed(TelemetryReader reader, DashboardOptions options, TimeProvider time) : BackgroundService
{
    /// <summary>An update: its sequence number and the SSE data line (row counts the page shows).</summary>
    public sealed record Update(long Number, string Data);

    private readonly object _gate = new();
    private Update? _latest;
    private TaskCompletionSource<Update> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The newest update, or null before the first tick.</summary>
    public Update? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    /// <summary>Completes with the first update newer than <paramref name="seen"/> (at once if there already is one).</summary>
    public Task<Update> NextAsync(long seen, CancellationToken ct)
    {
        Task<Update> next;
        lock (_gate)
        {
            if (_latest is { } latest && latest.Number > seen)
            {
                return Task.FromResult(latest);
            }
            next = _next.Task;
        }
        return next.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StoreVersion? last = null;
        using var timer = new PeriodicTimer(options.PollEvery, time);
        do
        {
            try
            {
                var now = reader.Version();
                if (now != last)
                {
                    last = now;
                    Publish(JsonSerializer.Serialize(new ChangeMessage(now.Health, now.Parents, now.Fills), DashboardJson.Default.ChangeMessage));
                }
            }
            catch (StoreException)
            {
                // The store is being replaced or is damaged: the API answers with the reason; try again next tick.
            }
        }
        while (await Tick(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Publish(string data)
    {
        TaskCompletionSource<Update> waiting;
        Update update;
        lock (_gate)
        {
            update = new Update((_latest?.Number ?? 0) + 1, data);
            _latest = update;
            waiting = _next;
            _next = new TaskCompletionSource<Update>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        waiting.SetResult(update);
    }
}
