using Fillwise.Core;

namespace Fillwise.Venues.Replay;

/// <summary>
/// Replay venues that step through the same tick data in lockstep, sharing one <see cref="TickFeed"/>: each market
/// event is read and applied to the book once, then handed to every venue, whose own orders, queues, latencies and
/// client are its own. Each venue's events happen in the order <see cref="ReplayVenue.Step"/> would give them, so a
/// venue of a group produces what it would alone (the book does not depend on anyone's orders). This is what lets an
/// evaluation run dozens of policies and fixed settings over one capture without building its book dozens of times.
/// Single-threaded: a group is stepped by one thread; independent groups may run in parallel.
/// </summary>
public sealed class ReplayVenueGroup : IDisposable
{
    private readonly TickFeed _feed;
    private readonly ReplayVenue[] _venues;

    internal ReplayVenueGroup(TickFeed feed, ReplayVenue[] venues)
    {
        _feed = feed;
        _venues = venues;
    }

    public IReadOnlyList<ReplayVenue> Venues => _venues;

    /// <summary>Steps every venue to the end of the data and of its orders in flight; each needs its client attached.</summary>
    public void RunToEnd(CancellationToken cancellationToken = default)
    {
        if (_venues.Any(v => !v.IsAttached))
        {
            throw new InvalidOperationException("Attach a listener to every venue of the group before running it.");
        }
        long events = 0;
        var hasMarket = _feed.TryPeekTime(out var marketNs);
        while (hasMarket)
        {
            foreach (var venue in _venues)
            {
                while (venue.StepOwn(marketNs))
                {
                }
            }
            _feed.Apply();
            foreach (var venue in _venues)
            {
                venue.StepMarket(marketNs);
            }
            _feed.MoveNext();
            hasMarket = _feed.TryPeekTime(out marketNs);
            foreach (var venue in _venues)
            {
                venue.DeliverDueNow(hasMarket, marketNs);
            }
            if ((++events & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        foreach (var venue in _venues)
        {
            while (venue.Step())
            {
            }
        }
    }

    public void Dispose()
    {
        foreach (var venue in _venues)
        {
            venue.Dispose();
        }
        _feed.Dispose();
    }
}
