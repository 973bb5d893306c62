namespace Fillwise.Core;

/// <summary>
/// The exchange's trading filters for one symbol (Binance PRICE_FILTER tickSize, LOT_SIZE stepSize,
/// MIN_NOTIONAL notional). Prices become integer ticks and quantities integer lots here, exactly, so that
/// everything between the I/O edges works on integers.
/// </summary>
public sealed record SymbolFilters
{
    public SymbolFilters(Symbol symbol, decimal tickSize, decimal stepSize, decimal minNotional)
    {
        if (tickSize <= 0 || !Fixed8.TryFromDecimal(tickSize, out var tick))
        {
            throw new ArgumentOutOfRangeException(nameof(tickSize), tickSize, $"{symbol}: tick size must be positive with at most 8 decimals");
        }
        if (stepSize <= 0 || !Fixed8.TryFromDecimal(stepSize, out var step))
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, $"{symbol}: step size must be positive with at most 8 decimals");
        }
        if (minNotional < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minNotional), minNotional, $"{symbol}: min notional must not be negative");
        }
        Symbol = symbol;
        TickSize = tickSize;
        StepSize = stepSize;
        MinNotional = minNotional;
        TickRaw = tick.Raw;
        StepRaw = step.Raw;
    }

    public Symbol Symbol { get; }

    /// <summary>The market the filters belong to (ETHUSDT exists as a USDⓈ-M perpetual and as a spot pair).</summary>
    public Market Market { get; init; } = Market.UsdM;

    /// <summary>
    /// COIN-M only: the USD value of one contract (quantities are counted in contracts, so the notional of a
    /// quantity is contracts x this, not price x quantity). Zero on linear markets.
    /// </summary>
    public decimal ContractSize { get; init; }

    /// <summary>The market's VIP0 fee rates as fractions (0.001 = 0.1 %), or null where the catalog names none (the venue's default applies).</summary>
    public decimal? MakerFeeRate { get; init; }
    public decimal? TakerFeeRate { get; init; }

    public decimal TickSize { get; }
    public decimal StepSize { get; }
    public decimal MinNotional { get; }

    /// <summary>The tick size in <see cref="Fixed8"/> units.</summary>
    public long TickRaw { get; }

    /// <summary>The step size in <see cref="Fixed8"/> units.</summary>
    public long StepRaw { get; }

    public bool TryToTicks(Fixed8 price, out long ticks)
    {
        ticks = price.Raw / TickRaw;
        return price.Raw % TickRaw == 0;
    }

    public bool TryToTicks(decimal price, out long ticks)
    {
        ticks = 0;
        return Fixed8.TryFromDecimal(price, out var fixedPrice) && TryToTicks(fixedPrice, out ticks);
    }

    public decimal TicksToPrice(long ticks) => ticks * TickSize;

    public bool TryToLots(Fixed8 quantity, out long lots)
    {
        lots = quantity.Raw / StepRaw;
        return quantity.Raw % StepRaw == 0;
    }

    public bool TryToLots(decimal quantity, out long lots)
    {
        lots = 0;
        return Fixed8.TryFromDecimal(quantity, out var fixedQty) && TryToLots(fixedQty, out lots);
    }

    public decimal LotsToQuantity(long lots) => lots * StepSize;

    /// <summary>Whole lots not exceeding <paramref name="quantity"/> (orders are never rounded up).</summary>
    public long FloorLots(decimal quantity) =>
        quantity <= 0 ? 0 : (long)decimal.Floor(quantity / StepSize);

    /// <summary>Price rounded to the tick grid; buys round down and sells round up, so rounding never makes a limit more aggressive.</summary>
    public long PassiveTicks(decimal price, Side side) =>
        side == Side.Buy ? (long)decimal.Floor(price / TickSize) : (long)decimal.Ceiling(price / TickSize);

    /// <summary>On COIN-M the notional is contracts x contract size (USD), whatever the price.</summary>
    public bool MeetsMinNotional(long ticks, long lots) => Notional(TicksToPrice(ticks), LotsToQuantity(lots)) >= MinNotional;

    /// <summary>The quote-currency value of <paramref name="quantity"/> at <paramref name="price"/>: price x quantity, or on COIN-M contracts x contract size (USD).</summary>
    public decimal Notional(decimal price, decimal quantity) => ContractSize > 0 ? quantity * ContractSize : price * quantity;

    /// <summary>
    /// The base-asset amount of <paramref name="quantity"/> at <paramref name="price"/>: the quantity itself, or on
    /// COIN-M the coins the contracts are worth at that price (contracts x contract size / price). Notional over
    /// base amount is the average price: the volume-weighted mean on linear markets, the contract-weighted
    /// harmonic mean on inverse ones, which is the price an inverse position's P&amp;L is computed from.
    /// </summary>
    public decimal BaseAmount(decimal price, decimal quantity) => ContractSize > 0 ? quantity * ContractSize / price : quantity;

    /// <summary>The quantity (not rounded to lots) worth <paramref name="notional"/> in quote currency at <paramref name="price"/>.</summary>
    public decimal QuantityFor(decimal notional, decimal price) => ContractSize > 0 ? notional / ContractSize : notional / price;

    /// <summary>The quantity (not rounded to lots) holding <paramref name="baseAmount"/> of the base asset at <paramref name="price"/>: itself, or on COIN-M in contracts.</summary>
    public decimal QuantityForBase(decimal baseAmount, decimal price) => ContractSize > 0 ? baseAmount * price / ContractSize : baseAmount;
}
