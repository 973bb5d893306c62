using Fillwise.Core;
using Fillwise.Execution;

namespace Fillwise.Venues.Replay;

/// <summary>
/// The exchange's filters on a new order, checked in this order: a positive quantity on the lot step, a positive price on
/// the tick (a market order is priced at the market's reference price), and at least the minimum notional.
/// </summary>
internal static class OrderFilterCheck
{
    /// <summary>The reject code of the first filter the order fails, or null when it passes them all.</summary>
    public static VenueReject? Check(in OrderRequest request, SymbolFilters filters, IMarketModel market)
    {
        if (request.Quantity.Raw <= 0)
        {
            return RejectCodes.QuantityNotPositive;
        }
        if (!filters.TryToLots(request.Quantity, out var lots))
        {
            return RejectCodes.QuantityNotOnStep;
        }
        long priceRaw;
        if (request.Type == OrderType.Market)
        {
            if (!market.TryGetReferencePrice(request.Symbol, out priceRaw))
            {
                return RejectCodes.NoMarketData;
            }
        }
        else
        {
            if (request.Price.Raw <= 0)
            {
                return RejectCodes.PriceNotPositive;
            }
            if (!filters.TryToTicks(request.Price, out _))
            {
                return RejectCodes.PriceNotOnTick;
            }
            priceRaw = request.Price.Raw;
        }
        var notional = filters.Notional(new Fixed8(priceRaw).ToDecimal(), filters.LotsToQuantity(lots));
        return notional < filters.MinNotional ? RejectCodes.MinNotional : null;
    }
}
