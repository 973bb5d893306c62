namespace Fillwise.Venues.Replay;

/// <summary>
/// The market side of the replay venue: a recorded feed plus the matching rules that fit its granularity
/// (L2 tick data or bars). The venue owns time, latency, validation and order accounting; a market model
/// owns books, resting orders and fills, and reports only through an <see cref="IMatchingSink"/>.
/// </summary>
internal interface IMarketModel
{
    bool TryPeekTime(out long timeNs);

    /// <summary>Consumes the next recorded event: updates the market, matches resting orders, publishes the update.</summary>
    void ProcessNext(IMatchingSink sink);

    /// <summary>A validated order reaches the matching engine: reject, take, rest, or queue it.</summary>
    void OnArrival(IMatchingSink sink, VenueOrder order);

    /// <summary>A price to check a market order's notional against (the mid, or the last close in bar mode).</summary>
    bool TryGetReferencePrice(Fillwise.Core.Symbol symbol, out long priceRaw);

    /// <summary>Takes an open order off the market; false when it is no longer there.</summary>
    bool Remove(VenueOrder order);
}
