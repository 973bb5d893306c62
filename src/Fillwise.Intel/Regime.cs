namespace Fillwise.Intel;

/// <summary>Volatility regime from ATR relative to its own recent median, coolest to hottest.</summary>
public enum Regime
{
    Quiet = 0,
    Normal = 1,
    Hot = 2,
    Panic = 3,
}

/// <summary>Router health class, best to worst.</summary>
public enum RouterQuality
{
    Good = 0,
    Ok = 1,
    Degraded = 2,
    Broken = 3,
}
