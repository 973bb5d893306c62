using Fillwise.Core;

namespace Fillwise.Execution;

/// <summary>
/// The seam between the executor and an exchange. The replay venue implements it over recorded data; a live
/// venue would implement it over Binance's APIs. Calls never block and never throw for exchange-level
/// problems: outcomes (acks, fills, rejects, cancels) come back later through <see cref="IVenueListener"/>,
/// after the venue's latency, as they would from a real exchange.
/// </summary>
public interface IVenue
{
    /// <summary>The venue's clock: replay time in a replay, wall time live.</summary>
    TimeProvider Time { get; }

    /// <summary>Now in Unix nanoseconds on <see cref="Time"/>.</summary>
    long NowNs { get; }

    /// <summary>Sends a new order. A duplicate client order id is rejected by the venue (-4116), never filled twice.</summary>
    void Submit(in OrderRequest request);

    /// <summary>Requests a cancel. It can lose the race against fills that happen while it travels.</summary>
    void Cancel(Symbol symbol, long clientOrderId);

    /// <summary>Asks for <see cref="IVenueListener.OnTimer"/> with <paramref name="token"/> at <paramref name="dueNs"/> (allocation-free timers for order timeouts).</summary>
    void SetTimer(long dueNs, long token);
}

/// <summary>Callbacks from a venue, always on the venue's single thread, in time order.</summary>
public interface IVenueListener
{
    void OnMarket(in MarketUpdate update);

    void OnOrderEvent(in OrderEvent orderEvent);

    void OnTimer(long token);
}
