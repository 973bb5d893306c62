namespace Fillwise.Exchange.Tests;

/// <summary>The connection-attempt window runs on wall time (not the skew fault's clock) and forgets idle IPs.</summary>
public sealed class ConnectionWindowTests
{
    [Fact]
    public void A_clock_skew_fault_does_not_slide_the_connection_window()
    {
        var wall = new SettableClock();
        var clock = new ExchangeClock(wall);
        var limiter = new RateLimiter(new RateLimitOptions { ConnectionsPer5Minutes = 2 }, clock);
        Assert.Null(limiter.CheckConnection("10.0.0.1").Refusal);
        Assert.Null(limiter.CheckConnection("10.0.0.1").Refusal);
        Assert.NotNull(limiter.CheckConnection("10.0.0.1").Refusal);
        // POST /admin/faults {"skewMs": …}: the exchange's clock jumps 10 minutes, the window must not.
        clock.SkewMs = 10 * 60_000;
        var refused = limiter.CheckConnection("10.0.0.1");
        Assert.NotNull(refused.Refusal);
        Assert.Equal(300, refused.RetryAfterSeconds);
        clock.SkewMs = 0;
        wall.Now += TimeSpan.FromMinutes(5);
        Assert.Null(limiter.CheckConnection("10.0.0.1").Refusal);
    }

    [Fact]
    public void Ips_without_an_attempt_in_the_window_are_forgotten()
    {
        var wall = new SettableClock();
        var limiter = new RateLimiter(new RateLimitOptions(), new ExchangeClock(wall));
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(limiter.CheckConnection($"10.0.1.{i}").Refusal);
        }
        Assert.Equal(100, limiter.ConnectionIps);
        wall.Now += TimeSpan.FromMinutes(5);
        Assert.Null(limiter.CheckConnection("10.0.2.1").Refusal);
        Assert.Equal(1, limiter.ConnectionIps);
    }
}
