using Fillwise.Core;
using Fillwise.MarketData.Klines;

namespace Fillwise.Venues.Replay;

/// <summary>
/// Bar mode over klines — coarser than tick mode, and labelled so. A bar becomes known at its close. Resting
/// limits fill only when a later bar trades through the price by at least one tick (touching is not enough:
/// we do not know the queue). Market and marketable orders fill at the open of the first bar that closes after
/// they arrive, plus half a spread and a square-root impact estimated from the previous bar. Quotes for clients
/// are synthetic: the close -/+ the half spread. The series are streamed and merged by bar close (a k-way
/// merge of one reader per file, ties to the series given first): one bar ahead per symbol is in memory.
/// </summary>
internal sealed class BarMarket : IMarketModel, IDisposable
{
    private readonly BarModelOptions _options;
    private readonly BarSymbol[] _series;

    public BarMarket(IReadOnlyList<KlineSeries> series, SymbolCatalog catalog, BarModelOptions options)
    {
        _options = options;
        _series = [.. series.Select(s => new BarSymbol(s, catalog.Get(s.Symbol ?? throw new ArgumentException($"{s.File}: no symbol for the bars."))))];
    }

    public bool TryPeekTime(out long timeNs)
    {
        var next = NextSeries();
        timeNs = next is null ? 0 : next.NextCloseNs;
        return next is not null;
    }

    public void ProcessNext(IMatchingSink sink)
    {
        var state = NextSeries()!;
        var bar = state.Take();
        var tick = state.Filters.TickRaw;
        var open = Fixed8.FromDecimal(bar.Open).Raw;
        var high = Fixed8.FromDecimal(bar.High).Raw;
        var low = Fixed8.FromDecimal(bar.Low).Raw;
        for (var i = 0; i < state.Pending.Count; i++)
        {
            var order = state.Pending[i];
            var price = TakerPrice(state, order.Side, open, order.QuantityRaw);
            if (order.Request.Type != OrderType.Market && !order.Crosses(price))
            {
                if (order.Request.Type == OrderType.Limit)
                {
                    // A limit that was marketable on arrival but not at the open rests like any other limit:
                    // it stays open (never reported expired) and can only fill as a maker from here on.
                    state.Resting.Add(order);
                    state.Pending[i] = null!;
                    continue;
                }
                sink.Expire(order, bookExhausted: false);
                continue;
            }
            sink.Fill(order, price, order.LeavesRaw, Liquidity.Taker);
        }
        state.Pending.RemoveAll(o => o is null || o.LeavesRaw == 0 || !o.IsOpen);
        var volumeLeft = Fixed8.FromDecimal(bar.Volume).Raw;
        for (var i = 0; i < state.Resting.Count && volumeLeft > 0; i++)
        {
            var order = state.Resting[i];
            var tradedThrough = order.Side == Side.Buy ? low <= order.PriceRaw - tick : high >= order.PriceRaw + tick;
            if (!tradedThrough)
            {
                continue;
            }
            var fill = Math.Min(order.LeavesRaw, volumeLeft);
            volumeLeft -= fill;
            sink.Fill(order, order.PriceRaw, fill, Liquidity.Maker);
        }
        state.Resting.RemoveAll(o => o.LeavesRaw == 0);
        state.Remember(bar);
        var (bid, ask) = state.SyntheticQuote(_options.HalfSpreadBps);
        var close = Fixed8.FromDecimal(bar.Close);
        var barPrices = new BarPrices(bar.OpenTimeMs * 1_000_000, state.IntervalNs, new Fixed8(open), new Fixed8(high), new Fixed8(low), close, Fixed8.FromDecimal(bar.Volume));
        sink.Publish(new MarketUpdate(state.Symbol, MarketUpdateKind.Bar, state.LastCloseNs, true, new Fixed8(bid), Fixed8.Zero, new Fixed8(ask), Fixed8.Zero, close, Fixed8.Zero, Side.Buy, barPrices));
    }

    public void OnArrival(IMatchingSink sink, VenueOrder order)
    {
        var state = Find(order.Request.Symbol);
        if (state is null || state.LastCloseRaw == 0)
        {
            sink.Reject(order, RejectCodes.NoMarketData);
            return;
        }
        var (bid, ask) = state.SyntheticQuote(_options.HalfSpreadBps);
        var marketable = order.Request.Type == OrderType.Market || order.Crosses(order.Side == Side.Buy ? ask : bid);
        if (order.Request.Type == OrderType.PostOnly && marketable)
        {
            sink.Reject(order, RejectCodes.PostOnlyWouldTake);
            return;
        }
        sink.Accept(order);
        if (marketable || order.Request.Type == OrderType.Ioc)
        {
            state.Pending.Add(order);
        }
        else
        {
            state.Resting.Add(order);
        }
    }

    public bool TryGetReferencePrice(Symbol symbol, out long priceRaw)
    {
        priceRaw = Find(symbol)?.LastCloseRaw ?? 0;
        return priceRaw > 0;
    }

    public bool Remove(VenueOrder order)
    {
        var state = Find(order.Request.Symbol);
        return state is not null && (state.Resting.Remove(order) || state.Pending.Remove(order));
    }

    /// <summary>Next open -/+ half spread -/+ sqrt impact, rounded to the tick against the taker.</summary>
    private long TakerPrice(BarSymbol state, Side side, long openRaw, long quantityRaw)
    {
        var open = (double)openRaw;
        var halfSpread = Math.Max(open * _options.HalfSpreadBps / 10_000, state.Filters.TickRaw / 2.0);
        var impact = 0.0;
        if (state.LastVolumeRaw > 0 && state.LastCloseRaw > 0)
        {
            var range = (double)(state.LastHighRaw - state.LastLowRaw) / state.LastCloseRaw;
            impact = _options.ImpactCoefficient * range * Math.Sqrt((double)quantityRaw / state.LastVolumeRaw) * open;
        }
        var raw = side == Side.Buy ? open + halfSpread + impact : open - halfSpread - impact;
        var tick = state.Filters.TickRaw;
        var ticks = side == Side.Buy ? Math.Ceiling(raw / tick) : Math.Floor(raw / tick);
        return Math.Max(tick, (long)ticks * tick);
    }

    private BarSymbol? NextSeries()
    {
        BarSymbol? best = null;
        foreach (var s in _series)
        {
            if (s.HasNext && (best is null || s.NextCloseNs < best.NextCloseNs))
            {
                best = s;
            }
        }
        return best;
    }

    private BarSymbol? Find(Symbol symbol) => Array.Find(_series, s => s.Symbol == symbol);

    public void Dispose()
    {
        foreach (var s in _series)
        {
            s.Dispose();
        }
    }
}

/// <summary>Per-symbol state of the bar market: its file's reader with the next bar, open orders, and the last bar's prices.</summary>
internal sealed class BarSymbol : IDisposable
{
    private readonly KlineReader _reader;

    public BarSymbol(KlineSeries series, SymbolFilters filters)
    {
        Filters = filters;
        IntervalNs = series.IntervalMs * 1_000_000;
        _reader = series.OpenBars();
        Advance();
    }

    public SymbolFilters Filters { get; }
    public Symbol Symbol => Filters.Symbol;
    public long IntervalNs { get; }

    /// <summary>The next bar to replay, or null when the file is done.</summary>
    public Kline? Next { get; private set; }

    public bool HasNext => Next is not null;
    public List<VenueOrder> Resting { get; } = [];
    public List<VenueOrder> Pending { get; } = [];
    public long LastCloseRaw { get; private set; }
    public long LastHighRaw { get; private set; }
    public long LastLowRaw { get; private set; }
    public long LastVolumeRaw { get; private set; }
    public long LastCloseNs { get; private set; }

    public long NextCloseNs { get; private set; }

    /// <summary>Hands out the next bar and reads the one after it.</summary>
    public Kline Take()
    {
        var bar = Next!;
        Advance();
        return bar;
    }

    public void Dispose() => _reader.Dispose();

    private void Advance()
    {
        if (_reader.MoveNext())
        {
            Next = _reader.Current;
            NextCloseNs = Next.OpenTimeMs * 1_000_000 + IntervalNs;
        }
        else
        {
            Next = null;
            _reader.Dispose(); // releases the file and its buffer as soon as the series ends
        }
    }

    public void Remember(Kline bar)
    {
        LastCloseRaw = Fixed8.FromDecimal(bar.Close).Raw;
        LastHighRaw = Fixed8.FromDecimal(bar.High).Raw;
        LastLowRaw = Fixed8.FromDecimal(bar.Low).Raw;
        LastVolumeRaw = Fixed8.FromDecimal(bar.Volume).Raw;
        LastCloseNs = bar.OpenTimeMs * 1_000_000 + IntervalNs;
    }

    /// <summary>A quote around the close on the tick grid, at least one tick wide (the close sits on the bid when it is one tick).</summary>
    public (long Bid, long Ask) SyntheticQuote(double halfSpreadBps)
    {
        var tick = Filters.TickRaw;
        var spreadTicks = Math.Max(1, (long)Math.Round(2 * LastCloseRaw * halfSpreadBps / 10_000 / tick));
        var bid = (LastCloseRaw / tick - spreadTicks / 2) * tick;
        return (bid, bid + spreadTicks * tick);
    }
}
