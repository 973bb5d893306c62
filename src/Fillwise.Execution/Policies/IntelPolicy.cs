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
    private readonly ActionNames _names;
    private readonly int _actions;
    /// <summary>Own completed orders waiting for their patience to pass, by when it does, then in the order they completed (ties are common: arrivals and patiences are whole seconds).</summary>
    private readonly PriorityQueue<OwnOutcome, (long DueNs, long Seq)> _own = new();
    private long _ownSeq;

    public IntelPolicy(ExecutorOptions options, IntelModel? prior = null)
    {
        _router = options.Router;
        _o = options.Intel;
        _kinds = [new LegKind(true, 0), new LegKind(false, 0), .. _o.BehindBps.Select(b => new LegKind(false, b)),
            .. _o.GiveUpBps.SelectMany(g => new[] { new LegKind(true, 0, g), new LegKind(false, 0, g) })];
        _actions = 1 + _kinds.Length * _o.PatiencesS.Count;
        _names = new ActionNames(_kinds, _o.PatiencesS);
        if (prior is not null && (prior.Layout != IntelModel.LayoutOf(_o) || prior.Actions != _actions))
        {
            throw new OptionsException($"the intel prior was learned with actions [{prior.Layout}], these options have [{IntelModel.LayoutOf(_o)}]; learn it again with the same Intel.PatiencesS, Intel.BehindBps and Intel.GiveUpBps.");
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
        while (_own.TryPeek(out var own, out var due) && due.DueNs <= nowNs)
        {
            _own.Dequeue();
            _model.Add(own.Symbol, own.Context, own.Action, own.CostBps, own.Filled);
        }
        if (update.Kind == MarketUpdateKind.Trade)
        {
            _flow.OnTrade(update.Symbol, nowNs, update.TradeAggressor, update.TradeQuantity.ToDouble());
        }
        _shadows.OnMarket(update, nowNs, filters, _flow.Imbalance(update.Symbol, nowNs), Wide(update, filters));
    }

    public ExecutionPlan Plan(in PolicyInputs inputs)
    {
        var quality = inputs.Intel.Router.Quality;
        var q = inputs.Quote;
        // The context is recorded with every decision, not only the model's, so that evaluations can group parents by it.
        var context = Context.Of(inputs.Side, q.BidQuantity.ToDouble(), q.AskQuantity.ToDouble(), _flow.Imbalance(inputs.Symbol, inputs.NowNs), Wide(q, inputs.Filters));
        if (quality == RouterQuality.Broken)
        {
            return new ExecutionPlan(false, 0, TimeSpan.Zero, View(quality, false, 1.0, DecisionReason.RouterBroken(inputs.Intel.Router.Reason, context)));
        }
        var evidence = _model.Evidence(inputs.Symbol);
        if (evidence < _o.MinSamples)
        {
            return new ExecutionPlan(true, 0, _router.StaticMakerTimeout, View(quality, true, 0, DecisionReason.ColdStart(evidence, _o.MinSamples, context)));
        }
        // The candidates live in a value on the stack; the reason's words are written only where they are read.
        var explanation = new IntelExplanation
        {
            Names = _names,
            Context = context,
            Count = _actions,
        };
        Span<Candidate> candidates = explanation.Candidates;
        _model.Estimate(inputs.Symbol, explanation.Context, candidates);
        var best = 0;
        var bestCost = double.PositiveInfinity;
        var bestFill = 0.0;
        for (var a = 0; a < _actions; a++)
        {
            if (candidates[a].CostBps < bestCost)
            {
                bestCost = candidates[a].CostBps;
                bestFill = candidates[a].FillProbability;
                best = a;
            }
        }
        explanation.Chosen = best;
        explanation.ChosenCostBps = bestCost;
        if (best == 0)
        {
            return new ExecutionPlan(false, 0, TimeSpan.Zero, View(quality, false, 1.0, DecisionReason.Chose(explanation))) { ExpectedCostBps = bestCost };
        }
        var kind = _kinds[(best - 1) / _o.PatiencesS.Count];
        var patience = TimeSpan.FromSeconds(PatienceS(best));
        return new ExecutionPlan(true, kind.OffsetBps, patience, View(quality, true, 0, DecisionReason.Chose(explanation), kind.OffsetBps), kind.Peg ? _o.PegReprices : 0)
        {
            FillProbability = bestFill,
            ExpectedCostBps = bestCost,
            GiveUpBps = kind.GiveUpBps,
        };
    }

    /// <summary>
    /// Its own completed parents join the shadows' outcomes for the action and context it chose: real orders see the
    /// whole queue and their own place in it, which the shadows estimate from the touch. Like a shadow's, an order's
    /// outcome enters once its patience has passed since it arrived, not when it completed: orders that fill early
    /// would otherwise be learned before the ones that wait and are taken, and make patience look cheap. The router
    /// reports only orders worked as planned (see <see cref="PlanOutcome"/>); outcomes still waiting when the run ends
    /// are not learned, like shadows in flight.
    /// </summary>
    public void OnCompleted(in PlanOutcome outcome)
    {
        var action = outcome.Reason.IntelChosen;
        if (_o.LearnFromOwnOrders && action >= 0)
        {
            var patienceNs = action == 0 ? 0 : PatienceS(action) * 1_000_000_000L;
            _own.Enqueue(new OwnOutcome(outcome.Symbol, outcome.Reason.IntelContext, action, outcome.CostBps, outcome.MakerFilled), (outcome.ArrivalNs + patienceNs, _ownSeq++));
        }
    }

    public PolicyView View(in PolicyInputs inputs) =>
        View(inputs.Intel.Router.Quality, inputs.Intel.Router.Quality != RouterQuality.Broken, inputs.Intel.Router.Quality == RouterQuality.Broken ? 1 : 0,
            $"intel: expected-cost choice per order ({_model.Samples(inputs.Symbol)} resting outcomes learned, shadows and own orders)");

    private static PolicyView View(RouterQuality quality, bool makerFirst, double takerBias, in DecisionReason reason, double offsetBps = 0) =>
        new(quality, makerFirst, takerBias, new MakerOffset(offsetBps, offsetBps, 0, 0, 0, 0, false, 0), reason);

    private static bool Wide(in MarketUpdate q, SymbolFilters filters) => q.AskPrice.Raw - q.BidPrice.Raw > filters.TickRaw;

    /// <summary>A resting action's patience: actions after "take now" run kind by kind, each over every patience.</summary>
    private int PatienceS(int action) => _o.PatiencesS[(action - 1) % _o.PatiencesS.Count];

    private readonly record struct OwnOutcome(Symbol Symbol, int Context, int Action, double CostBps, bool Filled);
}
