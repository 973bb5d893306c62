using System.Globalization;
using Fillwise.Execution.Policies.Intel;
using Fillwise.Intel;

namespace Fillwise.Execution.Policies;

/// <summary>
/// A policy's reason for a plan, kept as values so that deciding allocates nothing: fixed words, the router's
/// reason, or the expected-cost policy's candidates. <see cref="ToString"/> writes the sentence, only where it
/// is read (the telemetry writer, health, the dashboard); the words are the same as if written at once.
/// </summary>
public readonly struct DecisionReason : IEquatable<DecisionReason>
{
    private readonly string? _text;
    private readonly PolicyReason _router;
    private readonly IntelExplanation _intel;
    private readonly long _evidence;
    private readonly int _minSamples;
    private readonly int _context;
    private readonly Kind _kind;

    public DecisionReason(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
        _kind = Kind.Text;
        _context = -1;
    }

    private DecisionReason(Kind kind, in PolicyReason router, in IntelExplanation intel, long evidence, int minSamples, int context)
    {
        _kind = kind;
        _router = router;
        _intel = intel;
        _evidence = evidence;
        _minSamples = minSamples;
        _context = context;
    }

    private enum Kind : byte
    {
        Text,
        Router,
        RouterBroken,
        ColdStart,
        Chose,
    }

    /// <summary>The router's classification, as the rules policy states it.</summary>
    public static DecisionReason Router(in PolicyReason reason) => new(Kind.Router, reason, default, 0, 0, -1);

    /// <summary>"router Broken (…): take"; the context the expected-cost policy saw is kept, not written.</summary>
    internal static DecisionReason RouterBroken(in PolicyReason reason, int context) => new(Kind.RouterBroken, reason, default, 0, 0, context);

    /// <summary>"cold start (n shadow outcomes &lt; min): static at the touch"; the context is kept, not written.</summary>
    internal static DecisionReason ColdStart(long evidence, int minSamples, int context) => new(Kind.ColdStart, default, default, evidence, minSamples, context);

    /// <summary>The expected-cost choice with every candidate.</summary>
    internal static DecisionReason Chose(in IntelExplanation explanation) => new(Kind.Chose, default, explanation, 0, 0, explanation.Context);

    public static DecisionReason FromString(string text) => new(text);

    /// <summary>
    /// The expected-cost policy's context bucket at the decision (queue, flow, spread), whichever way it decided (a choice,
    /// its cold start, a Broken router), so that what the market looked like does not depend on what intel had learned;
    /// -1 for another policy.
    /// </summary>
    public int IntelContext => _context;

    /// <summary>The expected-cost policy's chosen action when it chose by its model; -1 otherwise (cold start, a Broken router, another policy).</summary>
    internal int IntelChosen => _kind == Kind.Chose ? _intel.Chosen : -1;

    public static implicit operator DecisionReason(string text) => new(text);

    public static bool operator ==(DecisionReason left, DecisionReason right) => left.Equals(right);

    public static bool operator !=(DecisionReason left, DecisionReason right) => !left.Equals(right);

    public override string ToString() => _kind switch
    {
        Kind.Text => _text ?? "",
        Kind.Router => _router.ToString(),
        Kind.RouterBroken => string.Create(CultureInfo.InvariantCulture, $"router Broken ({_router}): take"),
        Kind.ColdStart => string.Create(CultureInfo.InvariantCulture, $"cold start ({_evidence} shadow outcomes < {_minSamples}): static at the touch"),
        _ => _intel.Format(),
    };

    public bool Equals(DecisionReason other) =>
        _kind == other._kind && string.Equals(_text, other._text, StringComparison.Ordinal) && _router.Equals(other._router)
        && _evidence == other._evidence && _minSamples == other._minSamples && _context == other._context && _intel.SameAs(other._intel);

    public override bool Equals(object? obj) => obj is DecisionReason other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_kind, _text, _evidence, _intel.Context, _intel.Chosen, _intel.ChosenCostBps);
}
