using Fillwise.Execution;
using Fillwise.Venues.Replay;

namespace Fillwise.TestData;

/// <summary>
/// Drives a replay venue to its end for tests and benchmarks whose client is not an executor (a scripted client,
/// or an executor wired by hand to a venue the engine would not build). Executor runs go through
/// Fillwise.Backtest's BacktestEngine, the one engine loop; this is the same Attach + Step without its hooks.
/// </summary>
public static class VenueLoop
{
    public static void RunToEnd(ReplayVenue venue, IVenueListener client)
    {
        ArgumentNullException.ThrowIfNull(venue);
        venue.Attach(client);
        while (venue.Step())
        {
        }
    }
}
