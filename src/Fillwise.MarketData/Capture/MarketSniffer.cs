using Fillwise.Core;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Tells which Binance market a capture was recorded on from the first lines of its content (not its name):
/// COIN-M messages carry a pair field <c>"ps"</c> (and symbols like ETHUSD_PERP); futures depth diffs carry
/// <c>"pu"</c>; spot depth diffs do not, and spot bookTickers have no <c>"e"</c>. The first line that decides
/// wins; a head with none of these (only trades, say) is taken as USDⓈ-M.
/// </summary>
internal static class MarketSniffer
{
    public static Market Detect(ReadOnlySpan<byte> head)
    {
        while (!head.IsEmpty)
        {
            var newline = head.IndexOf((byte)'\n');
            var line = newline >= 0 ? head[..newline] : head;
            head = newline >= 0 ? head[(newline + 1)..] : default;
            if (line.IndexOf("\"ps\":"u8) >= 0 || line.IndexOf("_perp@"u8) >= 0)
            {
                return Market.CoinM;
            }
            if (line.IndexOf("\"e\":\"depthUpdate\""u8) >= 0)
            {
                return line.IndexOf("\"pu\":"u8) >= 0 ? Market.UsdM : Market.Spot;
            }
            if (line.IndexOf("@bookTicker\""u8) >= 0 && newline >= 0)
            {
                return line.IndexOf("\"e\":"u8) >= 0 ? Market.UsdM : Market.Spot;
            }
        }
        return Market.UsdM;
    }
}
