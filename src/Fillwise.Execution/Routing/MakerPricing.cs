using Fillwise.Core;

namespace Fillwise.Execution.Routing;

/// <summary>
/// Prices the maker leg: the offset is applied first (touch -/+ offset bps, floored away from the market to
/// the tick), then the fee-aware checks — never cross (at most the touch), and go taker when the maker price
/// with its fee is no better than the opposite touch with the taker fee.
/// </summary>
public static class MakerPricing
{
    /// <summary>The post-only price in Fixed8 raw units, or 0 when taking is at least as good.</summary>
    public static long MakerPrice(Side side, long bidRaw, long askRaw, double offsetBps, SymbolFilters filters, decimal makerFee, decimal takerFee)
    {
        var tick = filters.TickRaw;
        var touch = side == Side.Buy ? bidRaw : askRaw;
        var offsetRaw = (long)(touch * offsetBps / 10_000);
        var raw = side == Side.Buy ? touch - offsetRaw : touch + offsetRaw;
        // Passive rounding; then never better than the touch on our side, so a post-only cannot cross.
        var price = side == Side.Buy ? raw / tick * tick : (raw + tick - 1) / tick * tick;
        price = side == Side.Buy ? Math.Min(price, bidRaw) : Math.Max(price, askRaw);
        var makerAllIn = price * (1 + (side == Side.Buy ? makerFee : -makerFee));
        var takerAllIn = (side == Side.Buy ? askRaw : bidRaw) * (1 + (side == Side.Buy ? takerFee : -takerFee));
        var makerBetter = side == Side.Buy ? makerAllIn < takerAllIn : makerAllIn > takerAllIn;
        return makerBetter && price > 0 ? price : 0;
    }

    /// <summary>
    /// The touch on the order's side at which waiting is given up: <paramref name="giveUpBps"/> away from the touch now,
    /// in the direction the market runs from a resting order (up for a buy), rounded so the full distance is needed, and
    /// at least one raw unit past the touch: a distance too small to move the double (the options take any value
    /// above 0) would otherwise give up on the very next quote, with the touch not having moved at all.
    /// </summary>
    public static long GiveUpTouch(Side side, long bidRaw, long askRaw, double giveUpBps) => side == Side.Buy
        ? Math.Max(bidRaw + 1, (long)Math.Ceiling(bidRaw * (1 + giveUpBps / 10_000)))
        : Math.Min(askRaw - 1, (long)Math.Floor(askRaw * (1 - giveUpBps / 10_000)));
}
