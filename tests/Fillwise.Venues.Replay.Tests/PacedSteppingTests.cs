using Fillwise.Core;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>The two members a paced loop (the paper exchange) steps the venue with: the next due time, and moving the clock to "now".</summary>
public sealed class PacedSteppingTests
{
    [Fact]
    public void The_next_time_is_what_step_processes_and_false_at_the_end()
    {
        using var venue = ReplayVenues.FromCaptures(SampleSlice.Files, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        venue.Attach(client);
        var steps = 0;
        while (venue.TryPeekNextTime(out var next))
        {
            Assert.True(next >= venue.NowNs || venue.Stats.LateEvents > 0);
            Assert.True(venue.Step());
            Assert.Equal(Math.Max(next, venue.NowNs), venue.NowNs);
            steps++;
        }
        Assert.False(venue.Step());
        Assert.True(steps > 1000);
    }

    [Fact]
    public void Advancing_the_clock_never_passes_the_next_event_and_orders_arrive_then()
    {
        using var venue = ReplayVenues.FromCaptures(SampleSlice.Files, options: Venues.Instant());
        var client = new ScriptedClient(venue);
        venue.Attach(client);
        for (var i = 0; i < 2000; i++)
        {
            venue.Step();
        }
        Assert.True(venue.TryPeekNextTime(out var next));
        var now = venue.NowNs;
        venue.AdvanceTo(next + 1_000_000_000);
        Assert.Equal(next, venue.NowNs);
        venue.AdvanceTo(now);
        Assert.Equal(next, venue.NowNs);

        // Between two events: a submitted order arrives at the advanced time, before the next recorded event.
        while (venue.TryPeekNextTime(out next) && next == venue.NowNs)
        {
            venue.Step();
        }
        var halfway = venue.NowNs + (next - venue.NowNs) / 2;
        venue.AdvanceTo(halfway);
        Assert.True(client.Last.HasTwoSidedQuote);
        venue.Submit(Venues.Order(1, Side.Buy, OrderType.PostOnly, 0.01m, new Fixed8(client.Last.BidPrice.Raw - 1_000_000_000)));
        Assert.True(venue.TryPeekNextTime(out var arrival));
        Assert.Equal(halfway, arrival);
        venue.Step();
        venue.Step();
        var accepted = Assert.Single(client.Events);
        Assert.Equal(OrderEventKind.Accepted, accepted.Event.Kind);
        Assert.Equal(halfway, accepted.TimeNs);
    }
}
