using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>
/// Shadow orders: every <c>ShadowEvery</c> per symbol, a hypothetical buy and sell at the touch — one pegged, one
/// fixed — tracked against the public feed only (what a live client sees: trades at and through the price, the
/// displayed size at the price), never sent. Queue ahead starts at the displayed size; trades at our price eat
/// it, size that disappears without trades shrinks it (it never exceeds what is displayed), a trade through
/// our price fills us. At each patience T the outcome is final and goes into the cost model: filled by T
/// (maker fee, at our price) or take at the opposite touch of that moment (taker fee). "Take now" is known at
/// once. Outcomes enter the model only when their horizon has passed: walk-forward.
/// </summary>
internal sealed class ShadowTracker(IntelPolicyOptions options, CostModel model, double makerFeeBps, double takerFeeBps)
{
    private readonly long[] _horizonsNs = [.. options.PatiencesS.Select(p => p * 1_000_000_000L)];
    private readonly long _everyNs = options.ShadowEvery.Ticks * 100;
    private readonly Dictionary<Symbol, SymbolShadows> _symbols = [];

    public void OnMarket(in MarketUpdate update, long nowNs, double flowImbalance, bool wideSpread)
    {
        if (update.Kind == MarketUpdateKind.Bar || !update.HasTwoSidedQuote)
        {
            return;
        }
        if (!_symbols.TryGetValue(update.Symbol, out var s))
        {
            s = new SymbolShadows();
            _symbols.Add(update.Symbol, s);
        }
        for (var i = s.Active.Count - 1; i >= 0; i--)
        {
            var shadow = s.Active[i];
            shadow.Peg.Observe(update, options.PegReprices, nowNs);
            shadow.Fixed.Observe(update, 0, nowNs);
            if (Emit(shadow, update, nowNs))
            {
                s.Active.RemoveAt(i);
            }
        }
        if (nowNs >= s.NextStartNs)
        {
            s.NextStartNs = nowNs + _everyNs;
            foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
            {
                var shadow = new Shadow(update, side, nowNs, Context.Of(side, update.BidQuantity.ToDouble(), update.AskQuantity.ToDouble(), flowImbalance, wideSpread));
                model.Add(update.Symbol, shadow.Context, 0, TakeCost(shadow, update), filled: false);
                s.Active.Add(shadow);
            }
        }
    }

    private double TakeCost(Shadow s, in MarketUpdate quote)
    {
        var opposite = s.Side == Side.Buy ? quote.AskPrice.ToDouble() : quote.BidPrice.ToDouble();
        return s.Side.Sign() * (opposite - s.Mid0) / s.Mid0 * 10_000 + takerFeeBps;
    }

    /// <summary>Emits every horizon that has passed; true when the shadow is done.</summary>
    private bool Emit(Shadow s, in MarketUpdate quote, long nowNs)
    {
        while (s.NextHorizon < _horizonsNs.Length && nowNs >= s.StartNs + _horizonsNs[s.NextHorizon])
        {
            var due = s.StartNs + _horizonsNs[s.NextHorizon];
            var take = TakeCost(s, quote);
            Outcome(s, quote.Symbol, 1 + s.NextHorizon, s.Peg, due, take);
            Outcome(s, quote.Symbol, 1 + _horizonsNs.Length + s.NextHorizon, s.Fixed, due, take);
            s.NextHorizon++;
        }
        return s.NextHorizon == _horizonsNs.Length;
    }

    private void Outcome(Shadow s, Symbol symbol, int action, ShadowLeg leg, long dueNs, double takeCost)
    {
        var filled = leg.FillNs >= 0 && leg.FillNs <= dueNs;
        var cost = filled ? s.Side.Sign() * (leg.FillPrice - s.Mid0) / s.Mid0 * 10_000 + makerFeeBps : takeCost;
        model.Add(symbol, s.Context, action, cost, filled);
    }

    private sealed class SymbolShadows
    {
        public List<Shadow> Active { get; } = [];
        public long NextStartNs { get; set; }
    }

    private sealed class Shadow(in MarketUpdate quote, Side side, long startNs, int context)
    {
        public Side Side { get; } = side;
        public long StartNs { get; } = startNs;
        public int Context { get; } = context;
        public double Mid0 { get; } = quote.Mid.ToDouble();
        public ShadowLeg Peg { get; } = new(quote, side);
        public ShadowLeg Fixed { get; } = new(quote, side);
        public int NextHorizon { get; set; }
    }

    /// <summary>One hypothetical resting order at the touch: its price, the queue ahead of it, and its fill.</summary>
    private sealed class ShadowLeg
    {
        private readonly Side _side;
        private long _priceRaw;
        private double _ahead;
        private int _reprices;

        public ShadowLeg(in MarketUpdate quote, Side side)
        {
            _side = side;
            _priceRaw = side == Side.Buy ? quote.BidPrice.Raw : quote.AskPrice.Raw;
            _ahead = (side == Side.Buy ? quote.BidQuantity : quote.AskQuantity).ToDouble();
        }

        public long FillNs { get; private set; } = -1;
        public double FillPrice { get; private set; }

        public void Observe(in MarketUpdate u, int maxReprices, long nowNs)
        {
            if (FillNs >= 0)
            {
                return;
            }
            var buy = _side == Side.Buy;
            if (u.Kind == MarketUpdateKind.Trade && u.TradeAggressor != _side)
            {
                var price = u.TradePrice.Raw;
                var through = buy ? price < _priceRaw : price > _priceRaw;
                if (through || (price == _priceRaw && (_ahead -= u.TradeQuantity.ToDouble()) < 0))
                {
                    FillNs = nowNs;
                    FillPrice = new Fixed8(_priceRaw).ToDouble();
                    return;
                }
            }
            var touch = buy ? u.BidPrice.Raw : u.AskPrice.Raw;
            var shown = (buy ? u.BidQuantity : u.AskQuantity).ToDouble();
            var away = buy ? touch > _priceRaw : touch < _priceRaw;
            if (away && _reprices < maxReprices)
            {
                _priceRaw = touch;
                _ahead = shown;
                _reprices++;
            }
            else if (touch == _priceRaw)
            {
                _ahead = Math.Min(_ahead, shown);
            }
            else if (!away)
            {
                // The whole level at our price left without trading: nobody is ahead of us any more.
                _ahead = 0;
            }
        }
    }
}
