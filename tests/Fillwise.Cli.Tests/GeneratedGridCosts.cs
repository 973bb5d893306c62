namespace Fillwise.Cli.Tests;

/// <summary>
/// Generated (synthetic, labelled as such) per-parent costs of three grid settings, six parents in arrival order, for
/// the yardsticks built from the grid. Setting 0 costs 2 throughout (mean 2.0, the best in hindsight); setting 1 is
/// cheap early and dear late (mean 2.5); setting 2 the other way round (mean 2.5).
/// </summary>
internal static class GeneratedGridCosts
{
    public static readonly IReadOnlyList<Fillwise.Backtest.FixedSetting> Settings = [new(0, 10), new(0, 60), new(0, 60, Peg: true)];

    public static readonly IReadOnlyDictionary<long, double>[] Costs =
    [
        new Dictionary<long, double> { [1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 2, [6] = 2 },
        new Dictionary<long, double> { [1] = 0, [2] = 0, [3] = 0, [4] = 5, [5] = 5, [6] = 5 },
        new Dictionary<long, double> { [1] = 5, [2] = 5, [3] = 5, [4] = 0, [5] = 0, [6] = 0 },
    ];

    /// <summary>Intel at 3 bps on every parent.</summary>
    public static readonly IReadOnlyDictionary<long, double> IntelAtThree = Costs[0].ToDictionary(p => p.Key, _ => 3.0);
}
