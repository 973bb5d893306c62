using System.Globalization;
using System.Text;
using Fillwise.Core;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Execution.Routing;
using Fillwise.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>
/// The expected-cost policy (DESIGN §10). For each candidate action — take now; post at the touch pegged to it,
/// fixed at the touch, or fixed k bps behind it, with patience T — it estimates E[cost | action, context] and P(fill within T) from shadow orders
/// tracked against the public feed (walk-forward: only outcomes whose horizon has passed), and picks the minimum.
/// Context = queue imbalance at the touch and recent trade flow, both relative to the order's side, and the
/// spread. The v5.10 signals stay as guards: a Broken router takes; before a symbol has enough evidence the
/// policy behaves like static at the touch.
/// </summary>
internal sealed class IntelPolicy : IExecutionPolicy
{
    private readonly RouterOptions _router;
    private readonly IntelPolicyOptions _o;
    private readonly CostModel _model;
    private readonly ShadowTracker _shadows;
    private readonly TradeFlow _flow;
    private readonly LegKind[] _kinds;
    private readonly int _actions;

    public IntelPolicy(ExecutorOptions options, IntelModel? prior = null)
    {
        _router = options.Router;
        _o = options.Intel;
        _kinds = [new LegKind(true, 0), new LegKind(false, 0), .. _o.BehindBps.Select(b => new LegKind(false, b))];
        _actions = 1 + _kinds.Length * _o.PatiencesS.Count;
        if (prior is not null && (prior.Layout != IntelModel.LayoutOf(_o) || prior.Actions != _actions))
        {
            throw new OptionsException($"the intel prior was learned with actions [{prior.Layout}], these options have [{IntelModel.LayoutOf(_o)}]; learn it again with the same Intel.PatiencesS and Intel.BehindBps.");
        }
        _model = new CostModel(_actions, _o.Shrinkage) { Prior = prior is null ? null : CostModel.From(prior, _o.Shrinkage) };
        _shadows = new ShadowTracker(_o, _kinds, _model, options);
        _flow = new TradeFlow(_o.FlowWindow);
    }

    public string Name => "intel";

    public IntelModel Learned => _model.Export(IntelModel.LayoutOf(_o));

    public bool UsesIntelSizing => true;

    public void OnMarket(in MarketUpdate update, long nowNs, SymbolFilters filters)
    {
        if (update.Kind == MarketUpdateKind.Trade)
        {
            _flow.OnTrade(update.Symbol, nowNs, update.TradeAggressor, update.TradeQuantity.ToDouble());
        }
        _shadows.OnMarket(update, nowNs, filters, _flow.Imbalance(update.Symbol, nowNs), Wide(update, filters));
    }

    public ExecutionPlan Plan(in PolicyInputs inputs)
    {
        var quality = inputs.Intel.Router.Quality;
        if (quality == RouterQuality.Broken)
        {
            return new ExecutionPlan(false, 0, TimeSpan.Zero, View(quality, false, 1.0, $"router Broken ({inputs.Intel.Router.Reason}): take"));
        }
        if (_model.Evidence(inputs.Symbol) < _o.MinSamples)
        {
            return new ExecutionPlan(true, 0, _router.StaticMakerTimeout, View(quality, true, 0, $"cold start ({_model.Evidence(inputs.Symbol)} shadow outcomes < {_o.MinSamples}): static at the touch"));
        }
        var q = inputs.Quote;
        var context = Context.Of(inputs.Side, q.BidQuantity.ToDouble(), q.AskQuantity.ToDouble(), _flow.Imbalance(inputs.Symbol, inputs.NowNs), Wide(q, inputs.Filters));
        var best = 0;
        var bestCost = double.PositiveInfinity;
        var bestFill = 0.0;
        var reason = new StringBuilder(256);
        reason.Append(Context.Describe(context)).Append(':');
        for (var a = 0; a < _actions; a++)
        {
            var (cost, fill, n) = _model.Estimate(inputs.Symbol, context, a);
            reason.Append(CultureInfo.InvariantCulture, $" {ActionName(a)} {cost:F2} bps p{fill:F2} n{n};");
            if (cost < bestCost)
            {
                bestCost = cost;
                bestFill = fill;
                best = a;
            }
        }
        reason.Insert(0, string.Create(CultureInfo.InvariantCulture, $"chose {ActionName(best)} (E[cost] {bestCost:F2} bps); "));
        if (best == 0)
        {
            return new ExecutionPlan(false, 0, TimeSpan.Zero, View(quality, false, 1.0, reason.ToString())) { ExpectedCostBps = bestCost };
        }
        var kind = _kinds[(best - 1) / _o.PatiencesS.Count];
        var patience = TimeSpan.FromSeconds(_o.PatiencesS[(best - 1) % _o.PatiencesS.Count]);
        return new ExecutionPlan(true, kind.OffsetBps, patience, View(quality, true, 0, reason.ToString(), kind.OffsetBps), kind.Peg ? _o.PegReprices : 0)
        {
            FillProbability = bestFill,
            ExpectedCostBps = bestCost,
        };
    }

    public PolicyView View(in PolicyInputs inputs) =>
        View(inputs.Intel.Router.Quality, inputs.Intel.Router.Quality != RouterQuality.Broken, inputs.Intel.Router.Quality == RouterQuality.Broken ? 1 : 0,
            $"intel: expected-cost choice per order ({_model.Samples(inputs.Symbol)} shadow outcomes)");

    private static PolicyView View(RouterQuality quality, bool makerFirst, double takerBias, string reason, double offsetBps = 0) =>
        new(quality, makerFirst, takerBias, new MakerOffset(offsetBps, offsetBps, 0, 0, 0, 0, false, 0), reason);

    private string ActionName(int action)
    {
        if (action == 0)
        {
            return "take";
        }
        var kind = _kinds[(action - 1) / _o.PatiencesS.Count];
        var where = kind.Peg ? "peg" : kind.OffsetBps == 0 ? "touch" : string.Create(CultureInfo.InvariantCulture, $"{kind.OffsetBps}bps-behind");
        return string.Create(CultureInfo.InvariantCulture, $"{where} {_o.PatiencesS[(action - 1) % _o.PatiencesS.Count]}s");
    }

    private static bool Wide(in MarketUpdate q, SymbolFilters filters) => q.AskPrice.Raw - q.BidPrice.Raw > filters.TickRaw;
}
