using Fillwise.Core;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData;

/// <summary>
/// A market-event stream parsed once and kept in memory (parse once, run many): an evaluation replays the same
/// data for every policy and grid cell, so it reads and decodes the gzip once and hands each run its own cursor
/// (<see cref="Open"/>) over the shared, read-only arrays. Events come back exactly as the source gave them.
/// </summary>
public sealed class RecordedEvents
{
    private readonly Event[] _events;
    private readonly Level[] _levels;

    private RecordedEvents(Event[] events, Level[] levels)
    {
        _events = events;
        _levels = levels;
    }

    public int Count => _events.Length;

    /// <summary>Reads the whole source (and disposes it).</summary>
    public static RecordedEvents Record(IMarketEventSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using (source)
        {
            var events = new List<Event>();
            var levels = new List<Level>();
            while (source.MoveNext())
            {
                var bidsStart = levels.Count;
                levels.AddRange(source.Bids);
                var asksStart = levels.Count;
                levels.AddRange(source.Asks);
                events.Add(new Event(source.Kind, source.Market, source.Symbol, source.ReceiveTimeNs, source.EventTimeMs, source.TransactTimeMs,
                    source.UpdateIds, source.TopOfBook, source.Trade, bidsStart, asksStart - bidsStart, asksStart, levels.Count - asksStart));
            }
            return new RecordedEvents([.. events], [.. levels]);
        }
    }

    /// <summary>A new cursor over the recorded events; cursors are independent, the data is shared.</summary>
    public IMarketEventSource Open() => new Cursor(this);

    private readonly record struct Event(
        CaptureEventKind Kind, Market Market, Symbol Symbol, long ReceiveTimeNs, long EventTimeMs, long TransactTimeMs,
        UpdateIds UpdateIds, TopOfBook TopOfBook, TradeTick Trade, int BidsStart, int BidsCount, int AsksStart, int AsksCount);

    private sealed class Cursor(RecordedEvents recorded) : IMarketEventSource
    {
        private int _index = -1;

        private ref readonly Event Current => ref recorded._events[_index];

        public bool MoveNext() => ++_index < recorded._events.Length;

        public CaptureEventKind Kind => Current.Kind;
        public Market Market => Current.Market;
        public Symbol Symbol => Current.Symbol;
        public long ReceiveTimeNs => Current.ReceiveTimeNs;
        public long EventTimeMs => Current.EventTimeMs;
        public long TransactTimeMs => Current.TransactTimeMs;
        public UpdateIds UpdateIds => Current.UpdateIds;
        public TopOfBook TopOfBook => Current.TopOfBook;
        public TradeTick Trade => Current.Trade;
        public ReadOnlySpan<Level> Bids => recorded._levels.AsSpan(Current.BidsStart, Current.BidsCount);
        public ReadOnlySpan<Level> Asks => recorded._levels.AsSpan(Current.AsksStart, Current.AsksCount);

        public void Dispose()
        {
        }
    }
}
