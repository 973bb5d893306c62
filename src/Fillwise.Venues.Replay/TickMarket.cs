using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.MarketData;
using Fillwise.MarketData.Books;
using Fillwise.MarketData.Capture;

namespace Fillwise.Venues.Replay;

/// <summary>
/// Tick mode over Binance captures or the Parquet catalog: the L2 books of a <see cref="TickFeed"/>, with this venue's
/// resting orders (queue position) on top, and taker orders walking the book. A market that drives its own feed
/// applies each event itself; one of a <see cref="ReplayVenueGroup"/> follows a feed the group applies once for all.
/// Matching reads the feed's current event in place, so processing allocates nothing per event.
/// </summary>
internal sealed class TickMarket : IMarketModel, IDisposable
{
    private readonly TickFeed _feed;
    private readonly bool _drivesFeed;
    private readonly Dictionary<Symbol, TickSymbol> _symbols = [];
    private readonly List<TickSymbol> _byFeedIndex = [];
    private readonly QueueModel _queueModel;
    private DeterministicRandom _queueRandom;

    /// <param name="drivesFeed">True: this market applies and advances the feed (a venue of its own). False: a group does.</param>
    public TickMarket(TickFeed feed, bool drivesFeed, QueueModel queueModel, ulong seed)
    {
        _feed = feed;
        _drivesFeed = drivesFeed;
        _queueModel = queueModel;
        _queueRandom = DeterministicRandom.ForStream(seed, streamId: 2);
    }

    public IReadOnlyCollection<TickSymbol> Symbols => _symbols.Values;

    /// <summary>The feed's books (shared with the other venues of a group).</summary>
    public IReadOnlyList<OrderBook> Books => _feed.Books;

    public bool TryPeekTime(out long timeNs) => _feed.TryPeekTime(out timeNs);

    public void ProcessNext(IMatchingSink sink)
    {
        if (_drivesFeed)
        {
            _feed.Apply();
        }
        var state = SymbolState(_feed.CurrentSymbolIndex, _feed.CurrentBook);
        switch (_feed.CurrentKind)
        {
            case CaptureEventKind.DepthUpdate:
            case CaptureEventKind.Snapshot:
                if (state.Resting.Count > 0)
                {
                    UpdateQueues(state);
                }
                sink.Publish(_feed.CurrentUpdate);
                break;
            case CaptureEventKind.Trade:
                if (state.Resting.Count > 0)
                {
                    MatchTrade(sink, state, _feed.Current.Trade);
                }
                sink.Publish(_feed.CurrentUpdate);
                break;
        }
        if (_drivesFeed)
        {
            _feed.MoveNext();
        }
    }

    public void OnArrival(IMatchingSink sink, VenueOrder order)
    {
        if (!_symbols.TryGetValue(order.Request.Symbol, out var state) || !state.Book.IsValid)
        {
            sink.Reject(order, RejectCodes.NoMarketData);
            return;
        }
        var opposite = order.Side == Side.Buy ? state.Book.Asks : state.Book.Bids;
        var crosses = order.Request.Type == OrderType.Market || (opposite.TryGetBest(out var best) && order.Crosses(best.Price.Raw));
        if (order.Request.Type == OrderType.PostOnly && crosses)
        {
            sink.Reject(order, RejectCodes.PostOnlyWouldTake);
            return;
        }
        sink.Accept(order);
        if (crosses)
        {
            var exhausted = Take(sink, state, order);
            if (order.LeavesRaw == 0)
            {
                return;
            }
            if (order.Request.Type is OrderType.Market or OrderType.Ioc)
            {
                sink.Expire(order, exhausted);
                return;
            }
        }
        else if (order.Request.Type is OrderType.Market or OrderType.Ioc)
        {
            sink.Expire(order, bookExhausted: false);
            return;
        }
        Rest(state, order);
    }

    public bool TryGetReferencePrice(Symbol symbol, out long priceRaw)
    {
        priceRaw = 0;
        if (!_symbols.TryGetValue(symbol, out var state) || !state.Book.TryGetBestBid(out var bid) || !state.Book.TryGetBestAsk(out var ask))
        {
            return false;
        }
        priceRaw = (bid.Price.Raw + ask.Price.Raw) / 2;
        return true;
    }

    public bool Remove(VenueOrder order) =>
        _symbols.TryGetValue(order.Request.Symbol, out var state) && state.Resting.Remove(order);

    /// <summary>A market that drives its feed owns it; a group's feed is the group's to dispose.</summary>
    public void Dispose()
    {
        if (_drivesFeed)
        {
            _feed.Dispose();
        }
    }

    /// <summary>This venue's state of the feed's symbol number <paramref name="index"/>, found without hashing its name.</summary>
    private TickSymbol SymbolState(int index, OrderBook book)
    {
        if (index < _byFeedIndex.Count)
        {
            return _byFeedIndex[index];
        }
        // The feed numbers symbols as they first appear and this market sees every event, so a new one is the next number.
        if (index != _byFeedIndex.Count)
        {
            throw new InvalidOperationException($"Symbol number {index} of the feed came before number {_byFeedIndex.Count}.");
        }
        var state = new TickSymbol(book.Symbol, book);
        _symbols.Add(book.Symbol, state);
        _byFeedIndex.Add(state);
        return state;
    }

    /// <summary>Walks the opposite side from the best level, up to the limit price; true when the visible book ran out.</summary>
    private static bool Take(IMatchingSink sink, TickSymbol state, VenueOrder order)
    {
        var buy = order.Side == Side.Buy;
        var levels = buy ? state.Book.Asks : state.Book.Bids;
        var consumed = buy ? state.ConsumedAsks : state.ConsumedBids;
        var limited = order.Request.Type != OrderType.Market;
        for (var depth = 0; depth < levels.Count && order.LeavesRaw > 0; depth++)
        {
            var level = levels[depth];
            var price = level.Price.Raw;
            if (limited && !order.Crosses(price))
            {
                return false;
            }
            var available = consumed.Available(price, level.Quantity.Raw);
            var take = Math.Min(available, order.LeavesRaw);
            if (take <= 0)
            {
                continue;
            }
            consumed.Take(price, level.Quantity.Raw, take);
            sink.Fill(order, price, take, Liquidity.Taker);
        }
        return order.LeavesRaw > 0;
    }

    private static void Rest(TickSymbol state, VenueOrder order)
    {
        // Queue ahead = what is displayed at our price now; a price that improves the touch has nobody ahead.
        var side = order.Side == Side.Buy ? state.Book.Bids : state.Book.Asks;
        var displayed = side.QuantityAt(order.Request.Price).Raw;
        order.QueueAheadRaw = displayed;
        order.LastLevelRaw = displayed;
        order.UnreflectedTradesRaw = 0;
        state.Resting.Add(order);
    }

    /// <summary>Size changes at our price: decreases not explained by trades are cancellations, some of them ahead of us.</summary>
    private void UpdateQueues(TickSymbol state)
    {
        foreach (var order in state.Resting)
        {
            var side = order.Side == Side.Buy ? state.Book.Bids : state.Book.Asks;
            var now = side.QuantityAt(order.Request.Price).Raw;
            var before = order.LastLevelRaw;
            if (now < before && order.QueueAheadRaw > 0)
            {
                var decrease = before - now;
                var explained = Math.Min(decrease, order.UnreflectedTradesRaw);
                order.UnreflectedTradesRaw -= explained;
                var cancelled = decrease - explained;
                if (cancelled > 0)
                {
                    order.QueueAheadRaw -= _queueModel switch
                    {
                        QueueModel.Proportional => (long)((Int128)cancelled * order.QueueAheadRaw / before),
                        QueueModel.Probabilistic => _queueRandom.NextDouble() * before < order.QueueAheadRaw ? cancelled : 0,
                        _ => 0,
                    };
                }
            }
            // Nobody can be ahead of us beyond what is displayed.
            order.QueueAheadRaw = Math.Clamp(order.QueueAheadRaw, 0, now);
            order.LastLevelRaw = now;
        }
    }

    /// <summary>
    /// A public trade against resting liquidity. Trades at a worse price than ours mean the aggressor would have
    /// reached us first; trades at our price first eat the queue ahead. Our orders share the trade's volume in
    /// arrival order and never fill more than actually traded.
    /// </summary>
    private static void MatchTrade(IMatchingSink sink, TickSymbol state, TradeTick trade)
    {
        var aggressor = trade.BuyerIsMaker ? Side.Sell : Side.Buy;
        var volume = trade.Quantity.Raw;
        var price = trade.Price.Raw;
        for (var i = 0; i < state.Resting.Count && volume > 0; i++)
        {
            var order = state.Resting[i];
            if (order.Side == aggressor)
            {
                continue;
            }
            var through = order.Side == Side.Buy ? price < order.PriceRaw : price > order.PriceRaw;
            long available;
            if (through)
            {
                available = volume;
            }
            else if (price == order.PriceRaw)
            {
                order.UnreflectedTradesRaw += volume;
                var eaten = Math.Min(order.QueueAheadRaw, volume);
                order.QueueAheadRaw -= eaten;
                available = volume - eaten;
            }
            else
            {
                continue;
            }
            var fill = Math.Min(available, order.LeavesRaw);
            if (fill <= 0)
            {
                continue;
            }
            volume -= fill;
            sink.Fill(order, order.PriceRaw, fill, Liquidity.Maker);
            if (order.LeavesRaw == 0)
            {
                state.Resting.RemoveAt(i);
                i--;
            }
        }
    }
}

/// <summary>Per-symbol state of the tick market: the feed's book and this venue's orders on it.</summary>
internal sealed class TickSymbol(Symbol symbol, OrderBook book)
{
    public Symbol Symbol { get; } = symbol;

    /// <summary>The feed's book (synced by its market's rule: spot diffs chain on U = last u + 1, futures on pu); never changed by orders.</summary>
    public OrderBook Book { get; } = book;
    public List<VenueOrder> Resting { get; } = [];
    public ConsumedLiquidity ConsumedBids { get; } = new();
    public ConsumedLiquidity ConsumedAsks { get; } = new();
}
