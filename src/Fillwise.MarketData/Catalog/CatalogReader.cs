using Fillwise.Core;
using Fillwise.MarketData.Capture;

namespace Fillwise.MarketData.Catalog;

/// <summary>
/// Streams events back from a catalog written by <see cref="CatalogWriter"/>, for some symbols and an optional
/// receive-time window [from, to), in the same typed form as <see cref="CaptureReader"/>: a book rebuilt from
/// here equals the book rebuilt from the gzip. Several symbols are merged by receive time (ties keep the
/// order of <c>symbols</c>). Memory: one row group per symbol, whatever the catalog's size.
/// </summary>
public sealed class CatalogReader : IMarketEventSource
{
    private readonly CatalogStream[] _streams;
    private readonly bool[] _hasEvent;
    private CatalogStream? _current;
    private bool _started;

    /// <param name="symbols">The symbols to read (all when null or empty).</param>
    /// <param name="market">Only this market (ETHUSDT exists on spot and USDⓈ-M); all when null.</param>
    public CatalogReader(string directory, IReadOnlyCollection<Symbol>? symbols = null, DateTimeOffset? from = null, DateTimeOffset? to = null, Market? market = null)
    {
        var manifest = CatalogManifest.Load(directory);
        if (manifest.Partitions.Count == 0)
        {
            throw new DataFormatException($"{directory}: not a catalog (no {CatalogFormat.ManifestName} with files): write one with `fillwise data convert <captures> --catalog {directory}`.");
        }
        CatalogFormat.CheckVersion(directory, manifest.SchemaVersion);
        var fromNs = from is { } f ? f.ToUnixTimeMilliseconds() * 1_000_000 : long.MinValue;
        var toNs = to is { } t ? t.ToUnixTimeMilliseconds() * 1_000_000 : long.MaxValue;
        var wanted = symbols is { Count: > 0 } ? symbols.Select(s => s.Value).ToList() : null;
        var groups = manifest.Partitions
            .Where(p => (wanted is null || wanted.Contains(p.Symbol)) && (market is null || p.Market == market.Value.Name()))
            .Where(p => p.LastReceiveNs >= fromNs && p.FirstReceiveNs < toNs)
            .GroupBy(p => (p.Market, p.Symbol))
            .OrderBy(g => wanted?.IndexOf(g.Key.Symbol) ?? 0).ThenBy(g => g.Key.Market, StringComparer.Ordinal).ThenBy(g => g.Key.Symbol, StringComparer.Ordinal)
            .ToList();
        if (groups.Count == 0)
        {
            throw new DataFormatException($"{directory}: the catalog has no data for {(wanted is null ? "any symbol" : string.Join(", ", wanted))}{(market is null ? string.Empty : " on " + market.Value.Name())} in the requested time range.");
        }
        _streams = groups.Select(g =>
        {
            Markets.TryParse(g.Key.Market, out var m);
            return new CatalogStream(directory, m, new Symbol(g.Key.Symbol), g.OrderBy(p => p.FirstReceiveNs).ToList(), fromNs, toNs);
        }).ToArray();
        _hasEvent = new bool[_streams.Length];
    }

    /// <summary>The selected symbols the catalog has data for in the window (known on opening, before any event is read).</summary>
    public IReadOnlyList<Symbol> Symbols => [.. _streams.Select(s => s.Symbol)];

    public CaptureEventKind Kind => _current?.Kind ?? CaptureEventKind.None;
    public Market Market => _current?.Market ?? Market.UsdM;
    public Symbol Symbol => _current?.Symbol ?? default;
    public long ReceiveTimeNs => _current?.ReceiveTimeNs ?? 0;
    public long EventTimeMs => _current?.EventTimeMs ?? 0;
    public long TransactTimeMs => _current?.TransactTimeMs ?? 0;
    public UpdateIds UpdateIds => _current?.UpdateIds ?? default;
    public TopOfBook TopOfBook => _current?.TopOfBook ?? default;
    public TradeTick Trade => _current?.Trade ?? default;
    public ReadOnlySpan<Level> Bids => _current is null ? default : _current.Bids;
    public ReadOnlySpan<Level> Asks => _current is null ? default : _current.Asks;

    public bool MoveNext()
    {
        if (!_started)
        {
            for (var i = 0; i < _streams.Length; i++)
            {
                _hasEvent[i] = _streams[i].Next();
            }
            _started = true; // only now: a stream that failed on its first event fails again when asked again
        }
        else if (_current is not null)
        {
            var index = Array.IndexOf(_streams, _current);
            _hasEvent[index] = _current.Next();
        }
        var best = -1;
        for (var i = 0; i < _streams.Length; i++)
        {
            if (_hasEvent[i] && (best < 0 || _streams[i].ReceiveTimeNs < _streams[best].ReceiveTimeNs))
            {
                best = i;
            }
        }
        _current = best >= 0 ? _streams[best] : null;
        return _current is not null;
    }

    public void Dispose()
    {
        foreach (var stream in _streams)
        {
            stream.Dispose();
        }
    }
}
