using Fillwise.MarketData;

namespace Fillwise.Exchange;

/// <summary>
/// Wraps one event source of the replay venue's tick market. The market reads an event, matches it, then calls
/// <see cref="MoveNext"/>: at that moment the current event has just been consumed, so it is handed to the feed
/// (which republishes it as Binance streams) before the source moves on. Published data is therefore exactly what
/// the matching saw, in the same order, on the engine thread.
/// </summary>
internal sealed class MarketTap(IMarketEventSource inner, MarketFeed feed) : PassThroughEventSource(inner)
{
    private bool _hasCurrent;

    public override bool MoveNext()
    {
        if (_hasCurrent)
        {
            feed.OnConsumed(Inner);
        }
        _hasCurrent = Inner.MoveNext();
        return _hasCurrent;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }
    }
}
