using System.Globalization;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Passes a capture stream through and refuses a file whose receive times start before the previous file of the
/// same stream (its market and the symbol its file name names, as replays group them) ended: files in the wrong order, or one file
/// twice, would otherwise read as a clock going backwards (a replay refusing every later order as stale, an
/// inspection reporting book gaps that are not in the data). The one check replay, eval and data inspect share. A
/// file given twice is refused before anything is read (<see cref="InputFiles.EachOnce"/>): its second reading
/// would start where the first started, which this check sees only when another file of its stream lies between.
/// </summary>
public sealed class CaptureFileOrder : PassThroughEventSource
{
    private readonly CaptureReader _reader;
    private readonly Dictionary<string, (string File, long EndNs)> _ends = new(StringComparer.Ordinal);
    private string _file = string.Empty;
    private string _stream = string.Empty;
    private long _fileMax = long.MinValue;

    public CaptureFileOrder(CaptureReader reader)
        : base(reader)
    {
        InputFiles.EachOnce(reader.Files);
        _reader = reader;
    }

    /// <summary>The file the current event came from.</summary>
    public string CurrentFile => _reader.CurrentFile;

    public long MinNs { get; private set; } = long.MaxValue;
    public long MaxNs { get; private set; } = long.MinValue;

    public override bool MoveNext()
    {
        if (!Inner.MoveNext())
        {
            return false;
        }
        var now = Inner.ReceiveTimeNs;
        if (!string.Equals(_reader.CurrentFile, _file, StringComparison.Ordinal))
        {
            if (_fileMax != long.MinValue)
            {
                _ends[_stream] = (_file, _fileMax);
            }
            _file = _reader.CurrentFile;
            // One stream per market and symbol: spot and USDⓈ-M ETHUSDT of one day are two instruments, not files out of order.
            _stream = $"{Inner.Market}:{InputFiles.SymbolFromFileName(_file)?.Value}";
            _fileMax = long.MinValue;
            if (_ends.TryGetValue(_stream, out var previous) && now < previous.EndNs)
            {
                throw new DataFormatException($"{_file} starts at {Iso(now)}, before {previous.File} ends ({Iso(previous.EndNs)}): give capture files in time order, each once.");
            }
        }
        _fileMax = Math.Max(_fileMax, now);
        MinNs = Math.Min(MinNs, now);
        MaxNs = Math.Max(MaxNs, now);
        return true;
    }

    private static string Iso(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
