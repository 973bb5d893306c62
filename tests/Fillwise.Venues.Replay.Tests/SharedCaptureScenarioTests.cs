using Fillwise.Core;
using Fillwise.MarketData;
using Fillwise.TestData;

namespace Fillwise.Venues.Replay.Tests;

/// <summary>The queue and book-walk scenarios on every capture set in ../shared/data/binance-usdm.</summary>
public sealed class SharedCaptureScenarioTests
{
    public static TheoryData<string> Files() => [.. TestPaths.SharedCaptureSets().Select(set => set[0])];

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void QueueAndBookWalkMatchAnIndependentReplay(string file)
    {
        string[] files = [TestPaths.Shared("binance-usdm", file)];
        var symbol = InputFiles.SymbolFromFileName(file)!.Value;
        var filters = SymbolCatalog.Default.Get(symbol);
        using var venue = ReplayVenues.FromCaptures(files, options: Venues.Instant(QueueModel.None));
        var client = new ScriptedClient(venue);
        Fixed8 bid = default;
        long sentNs = 0;
        var takeQuantity = 0m;
        var restQuantity = filters.LotsToQuantity(filters.FloorLots(filters.MinNotional * 2 / 1000m) + 1);
        client.OnMarketOnce = (c, m) =>
        {
            if (c.MarketUpdates < 1_500 || !m.HasTwoSidedQuote)
            {
                return false;
            }
            bid = m.BidPrice;
            sentNs = c.Venue.NowNs;
            restQuantity = Math.Max(restQuantity, filters.LotsToQuantity(filters.FloorLots(filters.MinNotional * 1.1m / bid.ToDecimal()) + 1));
            takeQuantity = m.AskQuantity.ToDecimal() + restQuantity * 50;
            c.Venue.Submit(new OrderRequest(1, symbol, Side.Buy, OrderType.PostOnly, Fixed8.FromDecimal(restQuantity), bid));
            c.Venue.Submit(new OrderRequest(2, symbol, Side.Buy, OrderType.Market, Fixed8.FromDecimal(takeQuantity), default));
            return true;
        };
        VenueLoop.RunToEnd(venue, client);

        var (fillNs, fill) = client.FillsOf(1).First();
        var expected = TickScenarioTests.FirstFillByOracle(files, sentNs, bid, restQuantity, symbol);
        Assert.Equal(expected.TimeNs, fillNs);
        Assert.Equal(expected.Quantity, fill.Quantity.ToDecimal());

        var book = IndependentBook.At(files, sentNs, symbol);
        var taken = client.FillsOf(2).Select(f => f.Fill).ToList();
        Assert.True(taken.Count >= 2);
        for (var depth = 0; depth < taken.Count; depth++)
        {
            Assert.Equal(book.Asks[depth].Price, taken[depth].Price);
        }
        Assert.Equal(takeQuantity, taken.Sum(f => f.Quantity.ToDecimal()));
    }
}
