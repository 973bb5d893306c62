using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Message mode: the same scanner and validating reader over messages received one at a time (a live combined
/// stream, a REST depth snapshot) instead of capture files, so live data is parsed exactly as recorded data is.
/// </summary>
public sealed partial class CaptureReader
{
    private const string LiveSource = "<live stream>";

    private CaptureReader(Market market)
    {
        _paths = [LiveSource];
        _fileIndex = 0;
        _forcedMarket = market;
        Market = market;
        _fileUnit = TimestampUnit.Nanoseconds;
        Stats = new CaptureStats(100);
    }

    /// <summary>A reader fed with <see cref="TryParseMessage"/> (no files); errors are counted in <see cref="Stats"/> as for files.</summary>
    public static CaptureReader ForMessages(Market market = Market.UsdM) => new(market);

    /// <summary>
    /// Parses one message (a combined-stream envelope or a REST depth snapshot) received at
    /// <paramref name="receiveTimeNs"/>; true when it is a recognised event, then exposed through the properties.
    /// A snapshot carries no symbol: <paramref name="snapshotSymbol"/> names its book.
    /// </summary>
    public bool TryParseMessage(long receiveTimeNs, ReadOnlySpan<byte> json, Symbol? snapshotSymbol = null)
    {
        _lineNumber++;
        Stats.Lines++;
        if (snapshotSymbol is not null)
        {
            _lastStreamSymbol = snapshotSymbol;
        }
        return TryParseJson(LiveSource, json, terminated: true, receiveTimeNs);
    }
}
