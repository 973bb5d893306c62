using Fillwise.Core;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData;

/// <summary>
/// Passes another source's events through unchanged, for wrappers that watch the stream on its way to a consumer
/// (file-order checks, counting, recording). Override <see cref="MoveNext"/> to look at each event. The wrapper
/// does not own the inner source unless it overrides <see cref="Dispose"/>.
/// </summary>
public abstract class PassThroughEventSource(IMarketEventSource inner) : IMarketEventSource
{
    protected IMarketEventSource Inner { get; } = inner;

    public virtual bool MoveNext() => Inner.MoveNext();

    public CaptureEventKind Kind => Inner.Kind;
    public Market Market => Inner.Market;
    public Symbol Symbol => Inner.Symbol;
    public long ReceiveTimeNs => Inner.ReceiveTimeNs;
    public long EventTimeMs => Inner.EventTimeMs;
    public long TransactTimeMs => Inner.TransactTimeMs;
    public UpdateIds UpdateIds => Inner.UpdateIds;
    public TopOfBook TopOfBook => Inner.TopOfBook;
    public TradeTick Trade => Inner.Trade;
    public ReadOnlySpan<Level> Bids => Inner.Bids;
    public ReadOnlySpan<Level> Asks => Inner.Asks;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
