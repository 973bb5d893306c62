using System.Collections.Immutable;
using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>
/// What the intel policy has learned: the sums of its completed shadow outcomes (and own orders) per symbol x context x action
/// (cost, fills, count), and the action layout they were learned under. Handed to a new policy as its prior
/// (<see cref="ExecutionPolicies.Create"/>), it starts warm: a model learned on training data, or on the
/// history before a live session, instead of minutes of cold start. Immutable.
/// </summary>
public sealed class IntelModel
{
    internal IntelModel(string layout, int actions, ImmutableSortedDictionary<Symbol, Sums> symbols)
    {
        Layout = layout;
        Actions = actions;
        Symbols = symbols;
    }

    /// <summary>The actions the sums are indexed by (kinds x patiences); a prior is used only under the same layout.</summary>
    public string Layout { get; }

    /// <summary>Actions per context (take now, then each resting kind x patience).</summary>
    public int Actions { get; }

    internal ImmutableSortedDictionary<Symbol, Sums> Symbols { get; }

    /// <summary>Completed outcomes of resting actions for <paramref name="symbol"/>.</summary>
    public long Samples(Symbol symbol) => Symbols.TryGetValue(symbol, out var s) ? s.Resting : 0;

    /// <summary>Completed outcomes of resting actions over every symbol.</summary>
    public long TotalSamples => Symbols.Values.Sum(s => s.Resting);

    internal static string LayoutOf(IntelPolicyOptions options) =>
        $"take|peg,touch{string.Concat(options.BehindBps.Select(b => FormattableString.Invariant($",{b}bps-behind")))}{string.Concat(options.GiveUpBps.Select(g => FormattableString.Invariant($",peg+touch give-up {g}bps")))} x {string.Join(',', options.PatiencesS)} s|contexts {Context.Count}";

    /// <summary>One symbol's sums, indexed context x action.</summary>
    internal sealed record Sums(ImmutableArray<double> Cost, ImmutableArray<double> Fills, ImmutableArray<long> N, long Resting);
}
