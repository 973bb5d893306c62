using Fillwise.Core;

namespace Fillwise.Execution.Routing;

public sealed record RouterOptions
{
    /// <summary>The static policy's fixed maker timeout (v5.9 behaviour).</summary>
    public TimeSpan StaticMakerTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The intel policy's maker timeout before the taker bias shortens it.</summary>
    public TimeSpan MakerTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The intel timeout is MakerTimeout x (1 - TakerBias), never below this.</summary>
    public TimeSpan MinMakerTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Post-only rejects (-5022) tolerated per parent before the remainder goes taker.</summary>
    public int MaxPostOnlyRejects { get; init; } = 2;
    /// <summary>Static policy's offset from the touch (0 = at the touch).</summary>
    public double StaticOffsetBps { get; init; }

    public void Validate()
    {
        if (MakerTimeout <= TimeSpan.Zero || MinMakerTimeout <= TimeSpan.Zero || MinMakerTimeout > MakerTimeout || StaticMakerTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Router: need 0 < MinMakerTimeout <= MakerTimeout and StaticMakerTimeout > 0.");
        }
        if (MaxPostOnlyRejects < 0 || StaticOffsetBps is < 0 or > 100)
        {
            throw new ArgumentException("Router: MaxPostOnlyRejects >= 0 and StaticOffsetBps in 0..100.");
        }
    }
}

/// <summary>
/// Prices the maker leg: the offset is applied first (touch -/+ offset bps, floored away from the market to
/// the tick), then the fee-aware checks — never cross (at most the touch), and go taker when the maker price
/// with its fee is no better than the opposite touch with the taker fee.
/// </summary>
public static class OrderRouter
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

    /// <summary>Timeout of the maker leg: shortened linearly by the taker bias, floored.</summary>
    public static TimeSpan MakerTimeout(RouterOptions options, double takerBias)
    {
        var scaled = options.MakerTimeout * Math.Clamp(1 - takerBias, 0, 1);
        return scaled < options.MinMakerTimeout ? options.MinMakerTimeout : scaled;
    }
}
