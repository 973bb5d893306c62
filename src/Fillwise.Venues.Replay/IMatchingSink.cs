using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Venues.Replay;

/// <summary>
/// Everything a market model may tell the venue: an order's outcome and the market data to publish. The venue
/// behind it owns time, latency, fill ids, fees and accounting, so a model never sees the client or the clock
/// and the order of these calls is the order of the transcript.
/// </summary>
internal interface IMatchingSink
{
    void Accept(VenueOrder order);

    void Reject(VenueOrder order, VenueReject reason);

    /// <summary>Books a fill against the order; the model takes a closed order off its market.</summary>
    void Fill(VenueOrder order, long priceRaw, long quantityRaw, Liquidity liquidity);

    /// <summary>An IOC/market remainder that found nothing more to take.</summary>
    void Expire(VenueOrder order, bool bookExhausted);

    /// <summary>Market data for the client, delivered after the market-data latency.</summary>
    void Publish(in MarketUpdate update);
}
