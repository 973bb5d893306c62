using Fillwise.Core;
namespace Fillwise.Intel;

public sealed record AtrRegimeOptions
{
    /// <summary>ATR period in bars (Wilder smoothing).</summary>
    public int AtrPeriod { get; init; } = 14;

    /// <summary>Bars of ATR history whose median is the reference: 3 days of 1-minute bars.</summary>
    public int LookbackBars { get; init; } = 3 * 24 * 60;

    public double QuietBelow { get; init; } = 0.75;
    public double NormalBelow { get; init; } = 1.5;
    public double HotBelow { get; init; } = 2.5;

    public void Validate()
    {
        // Named by their keys in an executor config file (its section Regime), where a user meets the message.
        OptionChecks.AtLeast(AtrPeriod, 1, $"Regime.{nameof(AtrPeriod)}");
        OptionChecks.AtLeast(LookbackBars, 2, $"Regime.{nameof(LookbackBars)}");
        OptionChecks.Positive(QuietBelow, $"Regime.{nameof(QuietBelow)}");
        OptionChecks.Ascending("Regime.QuietBelow/NormalBelow/HotBelow", QuietBelow, NormalBelow, HotBelow);
    }

    public Regime Classify(double ratio) => ratio switch
    {
        _ when double.IsNaN(ratio) => Regime.Normal,
        < 0 => Regime.Normal,
        _ when ratio < QuietBelow => Regime.Quiet,
        _ when ratio < NormalBelow => Regime.Normal,
        _ when ratio < HotBelow => Regime.Hot,
        _ => Regime.Panic,
    };
}

/// <summary>The regime at one moment. <c>InsufficientHistory</c> means Regime is the neutral Normal, not a measurement.</summary>
public readonly record struct RegimeReading(Regime Regime, double Ratio, double Atr, double NatrBps, bool InsufficientHistory)
{
    public static RegimeReading Neutral { get; } = new(Regime.Normal, double.NaN, double.NaN, double.NaN, true);
}

/// <summary>
/// Incremental ATR regime for one bar series. Each bar updates ATR(period) with Wilder smoothing in O(1) and
/// the rolling ATR window with one binary search and one block move in a sorted array (no recompute of the
/// series, no allocation). Ratio = ATR now / median ATR over the lookback. Until the lookback is full the
/// reading is Normal with <c>InsufficientHistory</c>. Bars with NaN, infinite, negative or inconsistent
/// prices are ignored and counted in <see cref="RejectedBars"/>.
/// </summary>
public sealed class AtrRegimeTracker
{
    private readonly AtrRegimeOptions _options;
    private readonly double[] _ring;
    private readonly SortedValues _window;
    private int _ringNext;
    private int _trueRanges;
    private double _atr;
    private double _previousClose = double.NaN;
    private double _lastClose = double.NaN;

    public AtrRegimeTracker(AtrRegimeOptions? options = null)
    {
        _options = options ?? new AtrRegimeOptions();
        _options.Validate();
        _ring = new double[_options.LookbackBars];
        _window = new SortedValues(_options.LookbackBars);
    }

    public long Bars { get; private set; }
    public long RejectedBars { get; private set; }

    public void Add(double high, double low, double close)
    {
        if (!double.IsFinite(high) || !double.IsFinite(low) || !double.IsFinite(close) || low <= 0 || high < low || close < low || close > high)
        {
            RejectedBars++;
            return;
        }
        Bars++;
        var trueRange = double.IsNaN(_previousClose)
            ? high - low
            : Math.Max(high, _previousClose) - Math.Min(low, _previousClose);
        _previousClose = close;
        _lastClose = close;
        _trueRanges++;
        var period = _options.AtrPeriod;
        // Simple mean over the first period, then Wilder's smoothing.
        _atr = _trueRanges <= period ? _atr + ((trueRange - _atr) / _trueRanges) : ((_atr * (period - 1)) + trueRange) / period;
        if (_trueRanges >= period)
        {
            PushAtr(_atr);
        }
    }

    public RegimeReading Current
    {
        get
        {
            if (_trueRanges < _options.AtrPeriod)
            {
                return RegimeReading.Neutral;
            }
            var natr = _atr / _lastClose * 10_000;
            if (_window.Values.Length < _ring.Length)
            {
                return new RegimeReading(Regime.Normal, double.NaN, _atr, natr, InsufficientHistory: true);
            }
            var median = Statistics.Percentile(_window.Values, 0.5);
            var ratio = median > 0 ? _atr / median : double.NaN;
            return new RegimeReading(_options.Classify(ratio), ratio, _atr, natr, InsufficientHistory: double.IsNaN(ratio));
        }
    }

    private void PushAtr(double atr)
    {
        if (_window.Values.Length == _ring.Length)
        {
            _window.Remove(_ring[_ringNext]);
        }
        _ring[_ringNext] = atr;
        _ringNext = (_ringNext + 1) % _ring.Length;
        _window.Add(atr);
    }
}
