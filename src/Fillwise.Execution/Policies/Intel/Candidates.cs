using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>One action as the policy weighed it: expected cost (bps vs arrival mid, fees included), P(fill within its patience), own samples.</summary>
internal readonly record struct Candidate(double CostBps, double FillProbability, long Samples);

/// <summary>Room for every action the options allow (take now + (peg, touch, up to 4 behind) x up to 8 patiences), inline: no array per decision.</summary>
[InlineArray(IntelPolicyOptions.MaxActions)]
internal struct CandidateBuffer
{
    private Candidate _element;
}

/// <summary>The words for each action index of a layout ("take", "peg 5s", "touch 120s", "3bps-behind 30s"), made once per policy.</summary>
internal sealed class ActionNames
{
    private readonly string[] _names;

    public ActionNames(IReadOnlyList<LegKind> kinds, IReadOnlyList<int> patiencesS)
    {
        _names = new string[1 + kinds.Count * patiencesS.Count];
        _names[0] = "take";
        for (var a = 1; a < _names.Length; a++)
        {
            var kind = kinds[(a - 1) / patiencesS.Count];
            var where = kind.Peg ? "peg" : kind.OffsetBps == 0 ? "touch" : string.Create(CultureInfo.InvariantCulture, $"{kind.OffsetBps}bps-behind");
            var giveUp = kind.GiveUpBps > 0 ? string.Create(CultureInfo.InvariantCulture, $" give-up-{kind.GiveUpBps}bps") : "";
            _names[a] = string.Create(CultureInfo.InvariantCulture, $"{where} {patiencesS[(a - 1) % patiencesS.Count]}s{giveUp}");
        }
    }

    public string this[int action] => _names[action];

    public static bool Same(ActionNames? a, ActionNames? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a._names.AsSpan().SequenceEqual(b._names));
}

/// <summary>
/// Why the expected-cost policy chose what it chose, as numbers: the context, every candidate and the choice.
/// Filled on the decision path without allocating; <see cref="Format"/> writes the sentence only where it is
/// read (telemetry, dashboard, health).
/// </summary>
internal struct IntelExplanation
{
    public ActionNames? Names;
    public int Context;
    public int Count;
    public int Chosen;
    public double ChosenCostBps;
    public CandidateBuffer Candidates;

    public readonly bool SameAs(in IntelExplanation other) =>
        ActionNames.Same(Names, other.Names) && Context == other.Context && Count == other.Count && Chosen == other.Chosen
        && ChosenCostBps.Equals(other.ChosenCostBps)
        && ((ReadOnlySpan<Candidate>)Candidates)[..Count].SequenceEqual(((ReadOnlySpan<Candidate>)other.Candidates)[..other.Count]);

    /// <summary>"chose peg 120s (E[cost] 2.65 bps); queues balanced, flow with us, spread 1 tick: take 5.01 bps p0.00 n55; peg 5s ...;"</summary>
    public readonly string Format()
    {
        var names = Names!;
        var text = new StringBuilder(64 + Count * 32);
        text.Append(CultureInfo.InvariantCulture, $"chose {names[Chosen]} (E[cost] {ChosenCostBps:F2} bps); ").Append(Intel.Context.Describe(Context)).Append(':');
        ReadOnlySpan<Candidate> candidates = Candidates;
        for (var a = 0; a < Count; a++)
        {
            var c = candidates[a];
            text.Append(CultureInfo.InvariantCulture, $" {names[a]} {c.CostBps:F2} bps p{c.FillProbability:F2} n{c.Samples};");
        }
        return text.ToString();
    }
}
