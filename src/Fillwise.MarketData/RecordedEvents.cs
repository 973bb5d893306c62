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
        using var recorder = new Recorder(source);
        while (recorder.MoveNext())
        {
        }
        return recorder.Recorded();
    }

    /// <summary>
    /// Passes a source's events through to a consumer (e.g. the input check) and records them on the way, so the
    /// data is read and parsed once for both.
    /// </summary>
    public sealed class Recorder(IMarketEventSource source) : PassThroughEventSource(source)
    {
        private readonly List<Event> _events = [];
        private readonly List<Level> _levels = [];

        public override bool MoveNext()
        {
            if (!Inner.MoveNext())
            {
                return false;
            }
            var bidsStart = _levels.Count;
            _levels.AddRange(Inner.Bids);
            var asksStart = _levels.Count;
            _levels.AddRange(Inner.Asks);
            _events.Add(new Event(Inner.Kind, Inner.Market, Inner.Symbol, Inner.ReceiveTimeNs, Inner.EventTimeMs, Inner.TransactTimeMs,
                Inner.UpdateIds, Inner.TopOfBook, Inner.Trade, bidsStart, asksStart - bidsStart, asksStart, _levels.Count - asksStart));
            return true;
        }

        /// <summary>What has passed so far.</summary>
        public RecordedEvents Recorded() => new([.. _events], [.. _levels]);

        /// <summary>The recorder owns its source (<see cref="Record"/> hands it over).</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }
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
