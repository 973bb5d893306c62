using Fillwise.Core;

namespace Fillwise.Execution.Signals;

/// <summary>
/// The built-in reference strategy on bars ("breakout"): a Donchian channel breakout. A close above the highest
/// high of the previous <c>Lookback</c> bars wants a long risk unit, below the lowest low a short one; it signals
/// only when the wanted direction changes. Exists to give the executor real signals and round-trip trades
/// (hence hourly expectancy and a rolling Sharpe) — not as a claim of edge.
/// </summary>
public sealed class BreakoutStrategy : ISignalSource
{
    private readonly int _lookback;
    private readonly Dictionary<Symbol, State> _states = [];

    public BreakoutStrategy(int lookback = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lookback, 2);
        _lookback = lookback;
    }

    public const string Name = "breakout";

    public void Start(ISignalHost host)
    {
    }

    public void OnWake(long payload, ISignalHost host)
    {
    }

    /// <summary>A closed bar of a quoted symbol may flip the wanted direction: one risk unit (no size given) on the new side.</summary>
    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
        if (update.Kind == MarketUpdateKind.Bar && OnBar(update.Symbol, update.Bar) is { } side)
        {
            host.Emit(new ParentSignal(host.NowNs, update.Symbol, side, null, null, Name));
        }
    }

    /// <summary>Feeds one closed bar; returns the side of a new risk unit when the direction changes.</summary>
    public Side? OnBar(Symbol symbol, in BarPrices bar)
    {
        if (!_states.TryGetValue(symbol, out var s))
        {
            s = new State(_lookback);
            _states.Add(symbol, s);
        }
        Side? signal = null;
        if (s.Count == _lookback)
        {
            var close = bar.Close.Raw;
            var wanted = close > s.MaxHigh() ? Side.Buy : close < s.MinLow() ? Side.Sell : s.Direction;
            if (wanted is { } w && w != s.Direction)
            {
                s.Direction = w;
                signal = w;
            }
        }
        s.Add(bar.High.Raw, bar.Low.Raw);
        return signal;
    }

    private sealed class State(int lookback)
    {
        private readonly long[] _highs = new long[lookback];
        private readonly long[] _lows = new long[lookback];
        private int _next;

        public int Count { get; private set; }
        public Side? Direction { get; set; }

        public void Add(long high, long low)
        {
            _highs[_next] = high;
            _lows[_next] = low;
            _next = (_next + 1) % _highs.Length;
            Count = Math.Min(Count + 1, _highs.Length);
        }

        public long MaxHigh() => _highs.Max();

        public long MinLow() => _lows.Min();
    }
}
