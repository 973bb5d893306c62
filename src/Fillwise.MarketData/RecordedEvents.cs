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
    // Chunked, so that recording never copies what it has (a list doubling and copying its events, and the final copy
    // to an array, were a tenth of an evaluation's read). 2^14 events of ~150 bytes: 2.4 MB per chunk.
    private const int EventShift = 14;
    private const int EventChunk = 1 << EventShift;
    private const int LevelChunk = 1 << 16;

    private readonly Event[][] _events;
    private readonly Level[][] _levels;

    private RecordedEvents(Event[][] events, Level[][] levels, int count)
    {
        _events = events;
        _levels = levels;
        Count = count;
    }

    public int Count { get; }

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
        private readonly List<Event[]> _events = [];
        private readonly List<Level[]> _levels = [];
        private int _count;
        private int _levelsUsed;
        private bool _done;

        public override bool MoveNext()
        {
            ObjectDisposedException.ThrowIf(_done, this);
            if (!Inner.MoveNext())
            {
                return false;
            }
            // An event's levels stay contiguous (a span): they go into one chunk, a new one when they do not fit.
            var bids = Inner.Bids;
            var asks = Inner.Asks;
            var needed = bids.Length + asks.Length;
            if (_levels.Count == 0 || _levelsUsed + needed > _levels[^1].Length)
            {
                _levels.Add(new Level[Math.Max(LevelChunk, needed)]);
                _levelsUsed = 0;
            }
            var chunk = _levels.Count - 1;
            var bidsStart = _levelsUsed;
            bids.CopyTo(_levels[chunk].AsSpan(bidsStart));
            var asksStart = bidsStart + bids.Length;
            asks.CopyTo(_levels[chunk].AsSpan(asksStart));
            _levelsUsed = asksStart + asks.Length;
            if ((_count & (EventChunk - 1)) == 0)
            {
                _events.Add(new Event[EventChunk]);
            }
            _events[^1][_count & (EventChunk - 1)] = new Event(Inner.Kind, Inner.Market, Inner.Symbol, Inner.ReceiveTimeNs, Inner.EventTimeMs, Inner.TransactTimeMs,
                Inner.UpdateIds, Inner.TopOfBook, Inner.Trade, chunk, bidsStart, bids.Length, asksStart, asks.Length);
            _count++;
            return true;
        }

        /// <summary>What has passed; the recording ends here (the chunks are shared, not copied).</summary>
        public RecordedEvents Recorded()
        {
            _done = true;
            return new RecordedEvents([.. _events], [.. _levels], _count);
        }

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
        UpdateIds UpdateIds, TopOfBook TopOfBook, TradeTick Trade, int Chunk, int BidsStart, int BidsCount, int AsksStart, int AsksCount);

    private sealed class Cursor(RecordedEvents recorded) : IMarketEventSource
    {
        private int _index = -1;

        private ref readonly Event Current => ref recorded._events[_index >> EventShift][_index & (EventChunk - 1)];

        public bool MoveNext() => ++_index < recorded.Count;

        public CaptureEventKind Kind => Current.Kind;
        public Market Market => Current.Market;
        public Symbol Symbol => Current.Symbol;
        public long ReceiveTimeNs => Current.ReceiveTimeNs;
        public long EventTimeMs => Current.EventTimeMs;
        public long TransactTimeMs => Current.TransactTimeMs;
        public UpdateIds UpdateIds => Current.UpdateIds;
        public TopOfBook TopOfBook => Current.TopOfBook;
        public TradeTick Trade => Current.Trade;
        public ReadOnlySpan<Level> Bids => recorded._levels[Current.Chunk].AsSpan(Current.BidsStart, Current.BidsCount);
        public ReadOnlySpan<Level> Asks => recorded._levels[Current.Chunk].AsSpan(Current.AsksStart, Current.AsksCount);

        public void Dispose()
        {
        }
    }
}
