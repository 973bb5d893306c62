using Fillwise.Core;
namespace Fillwise.Intel;

public sealed record SymbolScoreOptions
{
    public double SharpeWeight { get; init; } = 0.30;
    public double RegimeWeight { get; init; } = 0.20;
    public double RouterWeight { get; init; } = 0.20;
    public double FeesWeight { get; init; } = 0.15;
    public double DrawdownWeight { get; init; } = 0.15;

    /// <summary>Sharpe component = 1 / (1 + exp(-Sharpe / scale)): Sharpe 0 scores 0.5, +scale about 0.73.</summary>
    public double SharpeScale { get; init; } = 1.0;

    /// <summary>The drawdown (fraction of equity) that scores 0.</summary>
    public double DrawdownLimit { get; init; } = 0.20;

    public double QuietScore { get; init; } = 0.9;
    public double NormalScore { get; init; } = 1.0;
    public double HotScore { get; init; } = 0.6;
    public double PanicScore { get; init; } = 0.2;

    public double GoodRouterScore { get; init; } = 1.0;
    public double OkRouterScore { get; init; } = 0.75;
    public double DegradedRouterScore { get; init; } = 0.4;
    public double BrokenRouterScore { get; init; }

    /// <summary>ScoreToSizeFactor maps score 0 to this...</summary>
    public double MinSizeFactor { get; init; } = 0.25;

    /// <summary>...and score 1 to this, linearly, clamped.</summary>
    public double MaxSizeFactor { get; init; } = 1.5;

    public void Validate()
    {
        const string n = "Score"; // its key in an executor config file, where a user meets the message
        foreach (var (value, name) in new[] { (SharpeWeight, nameof(SharpeWeight)), (RegimeWeight, nameof(RegimeWeight)), (RouterWeight, nameof(RouterWeight)), (FeesWeight, nameof(FeesWeight)), (DrawdownWeight, nameof(DrawdownWeight)) })
        {
            OptionChecks.NonNegative(value, $"{n}.{name}");
        }
        OptionChecks.Positive(SharpeWeight + RegimeWeight + RouterWeight + FeesWeight + DrawdownWeight, $"{n}.(sum of weights)");
        OptionChecks.Positive(SharpeScale, $"{n}.{nameof(SharpeScale)}");
        OptionChecks.Positive(DrawdownLimit, $"{n}.{nameof(DrawdownLimit)}");
        foreach (var (value, name) in new[] { (QuietScore, nameof(QuietScore)), (NormalScore, nameof(NormalScore)), (HotScore, nameof(HotScore)), (PanicScore, nameof(PanicScore)), (GoodRouterScore, nameof(GoodRouterScore)), (OkRouterScore, nameof(OkRouterScore)), (DegradedRouterScore, nameof(DegradedRouterScore)), (BrokenRouterScore, nameof(BrokenRouterScore)) })
        {
            OptionChecks.Fraction(value, $"{n}.{name}");
        }
        OptionChecks.Positive(MinSizeFactor, $"{n}.{nameof(MinSizeFactor)}");
        OptionChecks.Ascending($"{n}.MinSizeFactor/MaxSizeFactor", MinSizeFactor, MaxSizeFactor);
    }
}

/// <summary>
/// What a symbol's score is made of. NaN or infinite inputs are "unknown": that component takes the neutral 0.5
/// and <c>MissingInputs</c> counts it. Fees: <c>GrossEdgeBps</c> is the mean gross return per trade and
/// <c>FeesBps</c> the mean fees paid per trade.
/// </summary>
public readonly record struct SymbolScoreInputs(double RollingSharpe, Regime Regime, RouterQuality RouterQuality, double GrossEdgeBps, double FeesBps, double Drawdown);

/// <summary>The score in [0, 1] with each component in [0, 1], kept for display.</summary>
public readonly record struct SymbolScore(double Score, double Sharpe, double Regime, double Router, double Fees, double Drawdown, int MissingInputs);

/// <summary>Symbol scoring (seed v5.10.0): a weighted blend of five components, and the size factor it implies.</summary>
public sealed class SymbolScorer
{
    private const double Neutral = 0.5;
    private readonly SymbolScoreOptions _o;

    public SymbolScorer(SymbolScoreOptions? options = null)
    {
        _o = options ?? new SymbolScoreOptions();
        _o.Validate();
    }

    public SymbolScore Score(in SymbolScoreInputs inputs)
    {
        var missing = 0;
        var sharpe = double.IsFinite(inputs.RollingSharpe) ? 1 / (1 + Math.Exp(-inputs.RollingSharpe / _o.SharpeScale)) : Missing(ref missing);
        var regime = inputs.Regime switch
        {
            Intel.Regime.Quiet => _o.QuietScore,
            Intel.Regime.Normal => _o.NormalScore,
            Intel.Regime.Hot => _o.HotScore,
            Intel.Regime.Panic => _o.PanicScore,
            _ => Missing(ref missing),
        };
        var router = inputs.RouterQuality switch
        {
            RouterQuality.Good => _o.GoodRouterScore,
            RouterQuality.Ok => _o.OkRouterScore,
            RouterQuality.Degraded => _o.DegradedRouterScore,
            RouterQuality.Broken => _o.BrokenRouterScore,
            _ => Missing(ref missing),
        };
        double fees;
        if (!double.IsFinite(inputs.GrossEdgeBps) || !double.IsFinite(inputs.FeesBps))
        {
            fees = Missing(ref missing);
        }
        else
        {
            // No positive edge: fees eat all of it.
            fees = inputs.GrossEdgeBps > 0 ? Math.Clamp(1 - (Math.Max(0, inputs.FeesBps) / inputs.GrossEdgeBps), 0, 1) : 0;
        }
        var drawdown = double.IsFinite(inputs.Drawdown) ? Math.Clamp(1 - (Math.Abs(inputs.Drawdown) / _o.DrawdownLimit), 0, 1) : Missing(ref missing);
        var weights = _o.SharpeWeight + _o.RegimeWeight + _o.RouterWeight + _o.FeesWeight + _o.DrawdownWeight;
        var score = ((_o.SharpeWeight * sharpe) + (_o.RegimeWeight * regime) + (_o.RouterWeight * router) + (_o.FeesWeight * fees) + (_o.DrawdownWeight * drawdown)) / weights;
        return new SymbolScore(Math.Clamp(score, 0, 1), sharpe, regime, router, fees, drawdown, missing);
    }

    /// <summary>Monotone, linear from MinSizeFactor (score 0) to MaxSizeFactor (score 1), clamped; NaN means "no opinion": 1.0.</summary>
    public double ScoreToSizeFactor(double score) =>
        double.IsNaN(score) ? 1.0 : _o.MinSizeFactor + ((_o.MaxSizeFactor - _o.MinSizeFactor) * Math.Clamp(score, 0, 1));

    /// <summary>The size factor for a symbol given its latest score, if any (no score: 1.0, size unchanged).</summary>
    public double SymbolSizeFactor(SymbolScore? score) => score is { } s ? ScoreToSizeFactor(s.Score) : 1.0;

    private static double Missing(ref int missing)
    {
        missing++;
        return Neutral;
    }
}
