using Fillwise.Core;
using Fillwise.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>The cost ceiling: every parent order goes IOC/market at once.</summary>
internal sealed class TakerPolicy : IExecutionPolicy
{
    private static readonly PolicyView Always = new(RouterQuality.Good, false, 1.0, new MakerOffset(0, 0, 0, 0, 0, 0, false, 0), "policy taker: always IOC/market");

    public bool UsesIntelSizing => false;

    public void OnMarket(in MarketUpdate update, long nowNs, SymbolFilters filters)
    {
    }

    public string Name => "taker";

    public ExecutionPlan Plan(in PolicyInputs inputs) => new(false, 0, TimeSpan.Zero, View(inputs));

    public PolicyView View(in PolicyInputs inputs) => Always with { Quality = inputs.Intel.Router.Quality };
}
