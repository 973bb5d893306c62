using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>
/// One way of resting a maker order: pegged to the touch, or fixed at the touch moved OffsetBps away from the market;
/// with GiveUpBps &gt; 0 it is given up (taken) once the touch has run that far from where it stood at the start.
/// </summary>
internal readonly record struct LegKind(bool Peg, double OffsetBps, double GiveUpBps = 0);

/// <summary>
/// Shadow orders: every <c>ShadowEvery</c> per symbol, a hypothetical buy and sell for each leg kind (pegged to
/// the touch, fixed at the touch, fixed k bps behind it), tracked against the public feed only (what a live
/// client sees: trades at and through the price, the displayed size at the touch), never sent. Queue ahead
/// starts at the displayed size when our price is the touch (behind the touch: at the displayed size when the
/// touch first reaches our price); trades at our price eat it, size that disappears without trades shrinks it,
/// a trade through our price fills us. At each patience T the outcome is final and goes into the cost model:
/// filled by T (maker fee, at our price) or take at the opposite touch of that moment (taker fee). "Take now"
/// is known at once. Outcomes enter the model only when their horizon has passed: walk-forward.
/// </summary>
internal sealed class ShadowTracker(IntelPolicyOptions options, IReadOnlyList<LegKind> kinds, CostModel model, ExecutorOptions fees)
{
    private readonly long[] _horizonsNs = [.. options.PatiencesS.Select(p => p * 1_000_000_000L)];
    private readonly long _everyNs = options.ShadowEvery.Ticks * 100;
    private readonly SymbolMap<SymbolShadows> _symbols = new();

    /// <summary>The model's action index of a leg kind and patience (0 is "take now").</summary>
    public int Action(int kind, int patience) => 1 + kind * _horizonsNs.Length + patience;

    public void OnMarket(in MarketUpdate update, long nowNs, SymbolFilters filters, double flowImbalance, bool wideSpread)
    {
        if (update.Kind == MarketUpdateKind.Bar || !update.HasUsableQuote)
        {
            return;
        }
        if (_symbols.Find(update.Symbol) is not { } s)
        {
            var (maker, taker) = fees.FeesFor(filters);
            s = _symbols.Add(update.Symbol, new SymbolShadows(maker, taker));
        }
        // Only legs still resting can change (most fill within seconds at an active touch) ...
        for (var i = s.Unfilled.Count - 1; i >= 0; i--)
        {
            var shadow = s.Unfilled[i];
            var open = 0;
            for (var k = 0; k < shadow.Legs.Length; k++)
            {
                shadow.Legs[k].Observe(update, kinds[k].Peg ? options.PegReprices : 0, nowNs);
                open += shadow.Legs[k].Done ? 0 : 1;
            }
            if (open == 0 || shadow.NextDueNs == long.MaxValue)
            {
                s.Unfilled[i] = s.Unfilled[^1];
                s.Unfilled.RemoveAt(s.Unfilled.Count - 1);
            }
        }
        // ... and only shadows whose next horizon has passed emit, newest first (the order the model has always seen).
        for (var i = s.Active.Count - 1; i >= 0; i--)
        {
            var shadow = s.Active[i];
            if (shadow.NextDueNs <= nowNs && Emit(s, shadow, update, nowNs))
            {
                s.Active.RemoveAt(i);
            }
        }
        if (nowNs >= s.NextStartNs)
        {
            s.NextStartNs = nowNs + _everyNs;
            foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
            {
                var legs = new ShadowLeg[kinds.Count];
                for (var k = 0; k < legs.Length; k++)
                {
                    legs[k] = new ShadowLeg(update, side, kinds[k], filters, s.MakerFee, s.TakerFee);
                }
                var shadow = new Shadow(update, side, nowNs, Context.Of(side, update.BidQuantity.ToDouble(), update.AskQuantity.ToDouble(), flowImbalance, wideSpread), legs);
                model.Add(update.Symbol, shadow.Context, 0, TakeCost(s, shadow, update), filled: false);
                shadow.NextDueNs = nowNs + _horizonsNs[0];
                s.Active.Add(shadow);
                s.Unfilled.Add(shadow);
            }
        }
    }

    private static double TakeCost(SymbolShadows symbol, Shadow s, in MarketUpdate quote) =>
        CostBps(s, s.Side == Side.Buy ? quote.AskPrice.ToDouble() : quote.BidPrice.ToDouble(), symbol.TakerFeeBps);

    /// <summary>A fill at <paramref name="price"/> against the shadow's arrival mid, in bps on the shadow's side, fee included.</summary>
    private static double CostBps(Shadow s, double price, double feeBps) => s.Side.Sign() * (price - s.Mid0) / s.Mid0 * 10_000 + feeBps;

    /// <summary>Emits every horizon that has passed; true when the shadow is done.</summary>
    private bool Emit(SymbolShadows symbol, Shadow s, in MarketUpdate quote, long nowNs)
    {
        while (s.NextHorizon < _horizonsNs.Length && nowNs >= s.StartNs + _horizonsNs[s.NextHorizon])
        {
            var due = s.StartNs + _horizonsNs[s.NextHorizon];
            var take = TakeCost(symbol, s, quote);
            for (var k = 0; k < s.Legs.Length; k++)
            {
                var leg = s.Legs[k];
                var filled = leg.FillNs >= 0 && leg.FillNs <= due;
                var gaveUp = leg.GaveUpNs >= 0 && leg.GaveUpNs <= due;
                var cost = filled ? CostBps(s, leg.FillPrice, symbol.MakerFeeBps)
                    : gaveUp ? CostBps(s, leg.GaveUpPrice, symbol.TakerFeeBps)
                    : take;
                model.Add(quote.Symbol, s.Context, Action(k, s.NextHorizon), cost, filled);
            }
            s.NextHorizon++;
        }
        s.NextDueNs = s.NextHorizon < _horizonsNs.Length ? s.StartNs + _horizonsNs[s.NextHorizon] : long.MaxValue;
        return s.NextHorizon == _horizonsNs.Length;
    }

    /// <summary>A symbol's shadows, costed with its market's fee rates.</summary>
    private sealed class SymbolShadows(decimal makerFee, decimal takerFee)
    {
        public decimal MakerFee { get; } = makerFee;
        public decimal TakerFee { get; } = takerFee;
        public double MakerFeeBps { get; } = (double)makerFee * 10_000;
        public double TakerFeeBps { get; } = (double)takerFee * 10_000;

        /// <summary>Every shadow whose last horizon has not passed, in start order.</summary>
        public List<Shadow> Active { get; } = [];
        /// <summary>The active shadows with a leg still resting (any order).</summary>
        public List<Shadow> Unfilled { get; } = [];
        public long NextStartNs { get; set; }
    }

    private sealed class Shadow(in MarketUpdate quote, Side side, long startNs, int context, ShadowLeg[] legs)
    {
        public Side Side { get; } = side;
        public long StartNs { get; } = startNs;
        public int Context { get; } = context;
        public double Mid0 { get; } = quote.Mid.ToDouble();
        public ShadowLeg[] Legs { get; } = legs;
        public int NextHorizon { get; set; }
        /// <summary>When the next horizon's outcome is final; long.MaxValue once all are emitted.</summary>
        public long NextDueNs { get; set; }
    }

    /// <summary>One hypothetical resting order: its price (priced as the router would), the queue ahead of it, and its fill.</summary>
    private sealed class ShadowLeg
    {
        private readonly Side _side;
        private readonly long _giveUpTouchRaw;
        private long _priceRaw;
        private double _ahead;
        private int _reprices;

        public ShadowLeg(in MarketUpdate quote, Side side, LegKind kind, SymbolFilters filters, decimal makerFee, decimal takerFee)
        {
            _side = side;
            var touch = side == Side.Buy ? quote.BidPrice.Raw : quote.AskPrice.Raw;
            _giveUpTouchRaw = kind.GiveUpBps > 0 ? Routing.MakerPricing.GiveUpTouch(side, quote.BidPrice.Raw, quote.AskPrice.Raw, kind.GiveUpBps) : 0;
            var priced = Routing.MakerPricing.MakerPrice(side, quote.BidPrice.Raw, quote.AskPrice.Raw, kind.OffsetBps, filters, makerFee, takerFee);
            _priceRaw = priced > 0 ? priced : touch;
            // Behind the touch a top-of-book client cannot see the queue: it is counted when the touch gets there.
            _ahead = _priceRaw == touch ? (side == Side.Buy ? quote.BidQuantity : quote.AskQuantity).ToDouble() : double.PositiveInfinity;
        }

        public long FillNs { get; private set; } = -1;
        public double FillPrice { get; private set; }

        /// <summary>When the leg was given up and taken at <see cref="GaveUpPrice"/> (the opposite touch then); -1 = not.</summary>
        public long GaveUpNs { get; private set; } = -1;
        public double GaveUpPrice { get; private set; }

        public bool Done => FillNs >= 0 || GaveUpNs >= 0;

        public void Observe(in MarketUpdate u, int maxReprices, long nowNs)
        {
            if (Done)
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
            if (_giveUpTouchRaw > 0 && (buy ? touch >= _giveUpTouchRaw : touch <= _giveUpTouchRaw))
            {
                GaveUpNs = nowNs;
                GaveUpPrice = (buy ? u.AskPrice : u.BidPrice).ToDouble();
                return;
            }
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
