using System.Collections.Immutable;
using Fillwise.Core;

namespace Fillwise.Venues.Replay;

public enum LatencyKind
{
    Constant = 0,
    /// <summary>Uniform between <see cref="LatencySpec.Min"/> and <see cref="LatencySpec.Max"/>.</summary>
    Uniform,
    /// <summary>Log-normal around <see cref="LatencySpec.Median"/> with shape <see cref="LatencySpec.Sigma"/>, capped at <see cref="LatencySpec.Max"/>.</summary>
    LogNormal,
}

/// <summary>One latency leg. Constant legs draw no random numbers, so they never depend on the seed.</summary>
public sealed record LatencySpec(LatencyKind Kind, TimeSpan Median, TimeSpan Min, TimeSpan Max, double Sigma)
{
    public static LatencySpec Constant(TimeSpan value) => new(LatencyKind.Constant, value, value, value, 0);

    public static LatencySpec Uniform(TimeSpan min, TimeSpan max) => new(LatencyKind.Uniform, (min + max) / 2, min, max, 0);

    public static LatencySpec LogNormal(TimeSpan median, double sigma, TimeSpan max) => new(LatencyKind.LogNormal, median, TimeSpan.Zero, max, sigma);

    internal long Draw(ref DeterministicRandom random) => Kind switch
    {
        LatencyKind.Constant => Median.Ticks * 100,
        LatencyKind.Uniform => Min.Ticks * 100 + random.NextLong((Max - Min).Ticks * 100 + 1),
        _ => (long)Math.Min(Max.Ticks * 100.0, Median.Ticks * 100.0 * Math.Exp(Sigma * random.NextGaussian())),
    };

    internal void Validate(string name)
    {
        if (Min < TimeSpan.Zero || Median < TimeSpan.Zero || Max < TimeSpan.Zero)
        {
            throw new ArgumentException($"{name}: latencies cannot be negative.");
        }
        if (Kind == LatencyKind.Uniform && Min > Max)
        {
            throw new ArgumentException($"{name}: Min ({Min.TotalMilliseconds} ms) exceeds Max ({Max.TotalMilliseconds} ms).");
        }
        if (Kind == LatencyKind.LogNormal && (Sigma is < 0 or > 3 || double.IsNaN(Sigma) || Max < Median))
        {
            throw new ArgumentException($"{name}: log-normal needs 0 <= Sigma <= 3 and Max >= Median.");
        }
    }
}

/// <summary>
/// Latency legs. Defaults: 10 ms order entry, cancel and response (a well-placed client to Binance), and zero
/// extra market-data latency because capture receive timestamps already include the network path.
/// </summary>
public sealed record LatencyOptions
{
    public LatencySpec OrderEntry { get; init; } = LatencySpec.Constant(TimeSpan.FromMilliseconds(10));
    public LatencySpec Cancel { get; init; } = LatencySpec.Constant(TimeSpan.FromMilliseconds(10));
    public LatencySpec Response { get; init; } = LatencySpec.Constant(TimeSpan.FromMilliseconds(10));
    public LatencySpec MarketData { get; init; } = LatencySpec.Constant(TimeSpan.Zero);
}

/// <summary>How cancellations at our price level move us forward in the queue.</summary>
public enum QueueModel
{
    /// <summary>Only trades advance us (most pessimistic); the queue ahead still never exceeds the displayed level.</summary>
    None = 0,
    /// <summary>A size decrease not explained by trades is spread evenly: the share ahead of us is ahead / level size.</summary>
    Proportional,
    /// <summary>Each unexplained decrease happened ahead of us with probability ahead / level size (seeded).</summary>
    Probabilistic,
}

/// <summary>Maker/taker fee rates as fractions (0.0002 = 0.0200 %).</summary>
public sealed record FeeRates(decimal Maker, decimal Taker)
{
    /// <summary>Binance USDⓈ-M VIP 0: maker 0.0200 %, taker 0.0500 %.</summary>
    public static FeeRates BinanceVip0 { get; } = new(0.0002m, 0.0005m);
}

public sealed record FeeSchedule
{
    public FeeRates Default { get; init; } = FeeRates.BinanceVip0;
    public ImmutableDictionary<Symbol, FeeRates> PerSymbol { get; init; } = ImmutableDictionary<Symbol, FeeRates>.Empty;

    /// <summary>A per-symbol override first, then the symbol catalog's rates for the market (spot's 0.1 %), then <see cref="Default"/>.</summary>
    public FeeRates For(SymbolFilters filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return PerSymbol.TryGetValue(filters.Symbol, out var rates) ? rates
            : filters is { MakerFeeRate: { } maker, TakerFeeRate: { } taker } ? new FeeRates(maker, taker)
            : Default;
    }
}

/// <summary>Bar-mode cost model (coarser than tick mode, and labelled so in every report).</summary>
public sealed record BarModelOptions
{
    /// <summary>Half the spread paid by a market order on top of the next open, in bps (never less than half a tick).</summary>
    public double HalfSpreadBps { get; init; } = 0.2;

    /// <summary>Square-root impact: coefficient x (high-low)/close of the previous bar x sqrt(qty / its volume).</summary>
    public double ImpactCoefficient { get; init; } = 1.0;
}

public sealed record ReplayVenueOptions
{
    public ulong Seed { get; init; } = 1;
    public LatencyOptions Latency { get; init; } = new();
    public QueueModel QueueModel { get; init; } = QueueModel.Proportional;
    public FeeSchedule Fees { get; init; } = new();
    public BarModelOptions Bars { get; init; } = new();

    /// <summary>
    /// Drop an order's accounting once it is closed (filled, cancelled, expired), keeping its id for the duplicate
    /// check: a long backtest would otherwise hold every order it ever sent. <see cref="ReplayVenue.Orders"/> and
    /// <see cref="ReplayVenue.TryGetOrder"/> then see open orders only; what clients are told is unchanged.
    /// </summary>
    public bool ForgetClosedOrders { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Latency);
        ArgumentNullException.ThrowIfNull(Fees);
        ArgumentNullException.ThrowIfNull(Bars);
        Latency.OrderEntry.Validate("Latency.OrderEntry");
        Latency.Cancel.Validate("Latency.Cancel");
        Latency.Response.Validate("Latency.Response");
        Latency.MarketData.Validate("Latency.MarketData");
        ValidateFees("Fees.Default", Fees.Default);
        foreach (var (symbol, rates) in Fees.PerSymbol)
        {
            ValidateFees($"Fees.PerSymbol[{symbol}]", rates);
        }
        if (Bars.HalfSpreadBps is < 0 or > 1000 || Bars.ImpactCoefficient is < 0 or > 100)
        {
            throw new ArgumentException("Bars: HalfSpreadBps must be in 0..1000 and ImpactCoefficient in 0..100.");
        }
    }

    private static void ValidateFees(string name, FeeRates rates)
    {
        ArgumentNullException.ThrowIfNull(rates, name);
        if (rates.Maker is < -0.01m or > 0.01m || rates.Taker is < 0m or > 0.01m)
        {
            throw new ArgumentException($"{name}: maker must be within ±1 % and taker within 0..1 %.");
        }
    }
}
