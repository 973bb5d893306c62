using Fillwise.Core;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Routing;
using Fillwise.Execution.Sizing;
using Fillwise.Intel;

namespace Fillwise.Execution;

/// <summary>Typed configuration of the executor; every component's options with its defaults in code.</summary>
public sealed record ExecutorOptions
{
    public decimal StartingEquity { get; init; } = 100_000m;
    /// <summary>Apply the intel size factor to target sizes. The evaluation turns it off so every policy trades identical orders.</summary>
    public bool ApplyIntelSizing { get; init; } = true;
    /// <summary>How often health snapshots are taken (and intel is refreshed from telemetry).</summary>
    public TimeSpan HealthEvery { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>How often (replay time, checked at health snapshots) the walk-forward expectancy map is rebuilt when new records arrived.</summary>
    public TimeSpan IntelRefreshEvery { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A quote older than this is stale: no new parent orders for the symbol (its data stopped).</summary>
    public TimeSpan MaxQuoteAge { get; init; } = TimeSpan.FromMinutes(5);
    public RiskOptions Risk { get; init; } = new();
    public SizingOptions Sizing { get; init; } = new();
    public RouterOptions Router { get; init; } = new();
    public RouterPolicyOptions RouterPolicy { get; init; } = new();
    public MakerOffsetOptions MakerOffset { get; init; } = new();
    public AtrRegimeOptions Regime { get; init; } = new();
    public RouterKpiOptions Kpis { get; init; } = new();
    public SymbolScoreOptions Score { get; init; } = new();
    public ExpectancyOptions Expectancy { get; init; } = new();
    /// <summary>The expected-cost policy (intel).</summary>
    public Policies.Intel.IntelPolicyOptions Intel { get; init; } = new();
    /// <summary>Maker and taker fee rates the router assumes in its fee-aware check (Binance VIP0 by default).</summary>
    public decimal MakerFee { get; init; } = 0.0002m;
    public decimal TakerFee { get; init; } = 0.0005m;

    /// <summary>The fee rates the executor plans with for a symbol: the symbol catalog's where it names them (spot's 0.1 %), else <see cref="MakerFee"/>/<see cref="TakerFee"/>.</summary>
    public (decimal Maker, decimal Taker) FeesFor(SymbolFilters filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return (filters.MakerFeeRate ?? MakerFee, filters.TakerFeeRate ?? TakerFee);
    }

    /// <summary>Validates every component once, at build time, with messages naming the option.</summary>
    public void Validate()
    {
        OptionChecks.Within((double)StartingEquity, 1, 1e15, nameof(StartingEquity));
        OptionChecks.Within(HealthEvery, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), nameof(HealthEvery));
        OptionChecks.Within(IntelRefreshEvery, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30), nameof(IntelRefreshEvery));
        OptionChecks.Within(MaxQuoteAge, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(30), nameof(MaxQuoteAge));
        OptionChecks.Within((double)MakerFee, -0.01, 0.01, nameof(MakerFee));
        OptionChecks.Within((double)TakerFee, 0, 0.01, nameof(TakerFee));
        Risk.Validate();
        Sizing.Validate();
        Router.Validate();
        RouterPolicy.Validate();
        MakerOffset.Validate();
        Regime.Validate();
        Kpis.Validate();
        Score.Validate();
        Expectancy.Validate();
        Intel.Validate();
    }
}
