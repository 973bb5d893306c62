using System.Collections.Immutable;
using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>
/// The decision's features, bucketed: queue imbalance at the touch relative to the order's side (our side thin,
/// balanced, heavy), recent trade flow relative to the side (against, flat, with us), spread (one tick, wider).
/// </summary>
internal static class Context
{
    public const int Count = 3 * 3 * 2;

    public static int Of(Side side, double bidQty, double askQty, double flowImbalance, bool wide)
    {
        var sign = side.Sign();
        var total = bidQty + askQty;
        var queue = total > 0 ? sign * (bidQty - askQty) / total : 0;
        var flow = sign * flowImbalance;
        return (Bucket(queue, 0.33) * 3 + Bucket(flow, 0.2)) * 2 + (wide ? 1 : 0);
    }

    public static string Describe(int context)
    {
        string[] q = ["our side thin", "queues balanced", "our side heavy"];
        string[] f = ["flow against", "flow flat", "flow with us"];
        return $"{q[context / 6]}, {f[context / 2 % 3]}, spread {(context % 2 == 1 ? "> 1 tick" : "1 tick")}";
    }

    private static int Bucket(double x, double edge) => x < -edge ? 0 : x > edge ? 2 : 1;
}

/// <summary>
/// Expected cost (bps vs arrival mid, fees included) and fill probability per symbol x context x action, from
/// completed shadow outcomes and the policy's own completed orders, each entered once its patience has passed (walk-forward). A cell is shrunk toward the symbol's action mean over all
/// contexts, which is shrunk toward all symbols' action mean: E = (sum + k m) / (n + k).
/// </summary>
internal sealed class CostModel(int actions, double shrinkage)
{
    private readonly SymbolMap<Cells> _symbols = new();
    private readonly Cells _pooled = new(actions);

    /// <summary>Completed outcomes of resting actions (not "take now", which is known at once) for the symbol.</summary>
    public long Samples(Symbol symbol) => _symbols.Find(symbol)?.Resting ?? 0;

    /// <summary>Resting outcomes behind an estimate for the symbol: its own, plus everything the prior holds (its pooled level covers symbols it never saw).</summary>
    public long Evidence(Symbol symbol) => Samples(symbol) + (Prior?._pooled.Resting ?? 0);

    /// <summary>
    /// What was learned earlier (another day, the training data), as the top of the shrinkage chain: the day's
    /// cells shrink to the day's action means, which shrink to the prior's estimate for the same symbol and context.
    /// So the prior decides the first orders, and the market of the day overrules it as soon as it has said as much
    /// (k outcomes of its own weigh as much as the prior).
    /// </summary>
    public CostModel? Prior { get; init; }

    /// <summary>A model holding a prior's sums as its own observations.</summary>
    public static CostModel From(IntelModel learned, double shrinkage)
    {
        var model = new CostModel(learned.Actions, shrinkage);
        foreach (var (symbol, sums) in learned.Symbols)
        {
            model._symbols.Add(symbol, new Cells(learned.Actions)).Absorb(sums);
            model._pooled.Absorb(sums);
        }
        return model;
    }

    /// <summary>Everything learned so far, the prior's outcomes included, sorted by symbol.</summary>
    public IntelModel Export(string layout)
    {
        var merged = new Dictionary<Symbol, Cells>();
        foreach (var source in (ReadOnlySpan<CostModel?>)[Prior, this])
        {
            foreach (var (symbol, cells) in source?._symbols.All ?? [])
            {
                if (!merged.TryGetValue(symbol, out var into))
                {
                    merged.Add(symbol, into = new Cells(actions));
                }
                into.Absorb(cells.Export());
            }
        }
        return new(layout, actions, merged.ToImmutableSortedDictionary(s => s.Key, s => s.Value.Export(), Comparer<Symbol>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))));
    }

    public void Add(Symbol symbol, int context, int action, double costBps, bool filled)
    {
        if (!double.IsFinite(costBps))
        {
            return;
        }
        (_symbols.Find(symbol) ?? _symbols.Add(symbol, new Cells(actions))).Add(context, action, costBps, filled);
        _pooled.Add(context, action, costBps, filled);
    }

    /// <summary>
    /// Expected cost, fill probability and own sample count of every action in a context, one per action into
    /// <paramref name="into"/>; NaN without any evidence. All actions in one pass over each level of the chain
    /// (prior, all symbols, the symbol, its context cell), with the same sums in the same order as one action at a time.
    /// </summary>
    public void Estimate(Symbol symbol, int context, Span<Candidate> into)
    {
        var top = into[..actions];
        if (Prior is { } prior)
        {
            prior.Estimate(symbol, context, top);
        }
        else
        {
            top.Fill(new Candidate(double.NaN, double.NaN, 0));
        }
        Span<double> cost = stackalloc double[actions];
        Span<double> fills = stackalloc double[actions];
        Span<long> n = stackalloc long[actions];
        _pooled.ActionSums(cost, fills, n);
        for (var a = 0; a < actions; a++)
        {
            var (c, f) = Cells.Shrink(cost[a], fills[a], n[a], top[a].CostBps, top[a].FillProbability, shrinkage);
            top[a] = new Candidate(c, f, 0);
        }
        if (_symbols.Find(symbol) is not { } cells)
        {
            return;
        }
        cells.ActionSums(cost, fills, n);
        for (var a = 0; a < actions; a++)
        {
            var (c, f) = Cells.Shrink(cost[a], fills[a], n[a], top[a].CostBps, top[a].FillProbability, shrinkage);
            top[a] = cells.CellMean(context, a, c, f, shrinkage);
        }
    }

    private sealed class Cells(int actions)
    {
        private readonly double[] _cost = new double[Context.Count * actions];
        private readonly double[] _fills = new double[Context.Count * actions];
        private readonly long[] _n = new long[Context.Count * actions];

        public long Resting { get; private set; }

        public void Absorb(IntelModel.Sums sums)
        {
            for (var i = 0; i < _n.Length; i++)
            {
                _cost[i] += sums.Cost[i];
                _fills[i] += sums.Fills[i];
                _n[i] += sums.N[i];
            }
            Resting += sums.Resting;
        }

        public IntelModel.Sums Export() => new([.. _cost], [.. _fills], [.. _n], Resting);

        public void Add(int context, int action, double cost, bool filled)
        {
            var i = context * actions + action;
            _cost[i] += cost;
            _fills[i] += filled ? 1 : 0;
            _n[i]++;
            Resting += action > 0 ? 1 : 0;
        }

        /// <summary>Per action, the sums over all contexts (context by context, as one action's mean always added them).</summary>
        public void ActionSums(Span<double> cost, Span<double> fills, Span<long> n)
        {
            cost.Clear();
            fills.Clear();
            n.Clear();
            for (var c = 0; c < Context.Count; c++)
            {
                var row = c * actions;
                for (var a = 0; a < actions; a++)
                {
                    cost[a] += _cost[row + a];
                    fills[a] += _fills[row + a];
                    n[a] += _n[row + a];
                }
            }
        }

        public Candidate CellMean(int context, int action, double priorCost, double priorFill, double k)
        {
            var i = context * actions + action;
            var (cost, fill) = Shrink(_cost[i], _fills[i], _n[i], priorCost, priorFill, k);
            return new Candidate(cost, fill, _n[i]);
        }

        public static (double Cost, double Fill) Shrink(double cost, double fills, long n, double priorCost, double priorFill, double k)
        {
            if (!double.IsFinite(priorCost) || k == 0)
            {
                return n > 0 ? (cost / n, fills / n) : (priorCost, priorFill);
            }
            return ((cost + k * priorCost) / (n + k), (fills + k * priorFill) / (n + k));
        }
    }
}
