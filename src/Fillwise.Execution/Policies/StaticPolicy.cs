using Fillwise.Core;
using Fillwise.Execution.Routing;
using Fillwise.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>v5.9: post-only at a fixed offset from the touch (0 by default), a fixed timeout, then taker for the remainder.</summary>
internal sealed class StaticPolicy(RouterOptions router) : IExecutionPolicy
{
    private readonly PolicyView _view = new(RouterQuality.Good, true, 0.0,
        new MakerOffset(router.StaticOffsetBps, router.StaticOffsetBps, 0, 0, 0, 0, false, 0),
        "policy static: post-only at the touch, fixed timeout");

    public bool UsesIntelSizing => false;

    public void OnMarket(in MarketUpdate update, long nowNs, SymbolFilters filters)
    {
    }

    public string Name => "static";

    public ExecutionPlan Plan(in PolicyInputs inputs) => new(true, router.StaticOffsetBps, router.StaticMakerTimeout, View(inputs), router.StaticPegReprices) { GiveUpBps = router.StaticGiveUpBps };

    public PolicyView View(in PolicyInputs inputs) => _view with { Quality = inputs.Intel.Router.Quality };
}
