using Fillwise.Core;

namespace Fillwise.Venues.Replay;

/// <summary>An order inside the venue, in Fixed8 raw units (integers) so matching never rounds.</summary>
internal sealed class VenueOrder(in OrderRequest request, SymbolFilters filters, FeeRates fees, long arrivalNs)
{
    public OrderRequest Request { get; } = request;
    public SymbolFilters Filters { get; } = filters;
    public FeeRates Fees { get; } = fees;
    public long ArrivalNs { get; } = arrivalNs;

    public long Id => Request.ClientOrderId;
    public Side Side => Request.Side;
    public long PriceRaw => Request.Price.Raw;
    public long QuantityRaw => Request.Quantity.Raw;

    public long FilledRaw { get; set; }
    public long CanceledRaw { get; set; }
    public long ExpiredRaw { get; set; }
    public bool IsOpen { get; set; }
    public long LeavesRaw => QuantityRaw - FilledRaw - CanceledRaw - ExpiredRaw;

    /// <summary>Visible quantity ahead of us at our price (tick mode).</summary>
    public long QueueAheadRaw { get; set; }

    /// <summary>The displayed size at our price when we last looked, to tell cancellations from joins.</summary>
    public long LastLevelRaw { get; set; }

    /// <summary>Traded volume at our price not yet seen as a size decrease in the depth stream.</summary>
    public long UnreflectedTradesRaw { get; set; }

    /// <summary>True when the price is marketable against <paramref name="bestOppositeRaw"/>.</summary>
    public bool Crosses(long bestOppositeRaw) => Side == Side.Buy ? PriceRaw >= bestOppositeRaw : PriceRaw <= bestOppositeRaw;
}

/// <summary>Public view of an order's accounting, for audits and tests.</summary>
public readonly record struct VenueOrderState(
    long ClientOrderId,
    Symbol Symbol,
    Side Side,
    OrderType Type,
    Fixed8 Quantity,
    Fixed8 Filled,
    Fixed8 Canceled,
    Fixed8 Expired,
    bool IsOpen)
{
    public Fixed8 Open => IsOpen ? new(Quantity.Raw - Filled.Raw - Canceled.Raw - Expired.Raw) : Fixed8.Zero;
}
