using Fillwise.Core;
using Fillwise.Execution.Routing;
using Fillwise.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>
/// The seed's v5.10 logic exactly as written: router quality from the router KPIs decides maker-first and the
/// taker bias; the maker offset comes from regime + slippage quartile + fallback + fill ratio + hourly
/// expectancy, clamped to [0.5, 8] bps; the maker timeout is shortened by the taker bias.
/// </summary>
internal sealed class RulesPolicy(RouterOptions router, MakerOffsetOptions offsets) : IExecutionPolicy
{
    private readonly MakerOffsetEngine _offsets = new(offsets);

    public bool UsesIntelSizing => true;

    public void OnMarket(in MarketUpdate update, long nowNs, SymbolFilters filters)
    {
    }

    public string Name => "rules";

    public ExecutionPlan Plan(in PolicyInputs inputs)
    {
        var view = View(inputs);
        return new ExecutionPlan(view.MakerFirst, view.Offset.OffsetBps, MakerTimeout(view.TakerBias), view);
    }

    public PolicyView View(in PolicyInputs inputs)
    {
        var r = inputs.Intel.Router;
        var offset = _offsets.Compute(MakerOffsetInputs.From(inputs.Intel.Regime.Regime, inputs.Intel.Kpis, inputs.Intel.HourExpectancyBps));
        return new PolicyView(r.Quality, r.MakerFirst, r.TakerBias, offset, DecisionReason.Router(r.Reason));
    }

    /// <summary>The maker leg's timeout: MakerTimeout shortened linearly by the taker bias, floored at MinMakerTimeout.</summary>
    private TimeSpan MakerTimeout(double takerBias)
    {
        var scaled = router.MakerTimeout * Math.Clamp(1 - takerBias, 0, 1);
        return scaled < router.MinMakerTimeout ? router.MinMakerTimeout : scaled;
    }
}
