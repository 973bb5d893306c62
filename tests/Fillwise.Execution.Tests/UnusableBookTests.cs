using Fillwise.Core;
using Fillwise.Execution.Policies;
using Fillwise.Execution.Risk;
using Fillwise.Execution.Signals;

namespace Fillwise.Execution.Tests;

/// <summary>
/// A parent order that arrives while its symbol's book cannot be priced on — out of sync, one side empty, crossed or
/// locked — is denied with that reason (the safe action: no new risk) and reaches no venue; the next usable quote
/// routes again. Generated (synthetic) quotes.
/// </summary>
public sealed class UnusableBookTests
{
    private static readonly SymbolFilters Btc = SymbolCatalog.Default.Get(new Symbol("BTCUSDT"));
    private static readonly long T0 = 1_722_000_000L * 1_000_000_000;

    private static MarketUpdate Quote(long timeNs, decimal bid, decimal ask, bool valid = true) =>
        new(Btc.Symbol, MarketUpdateKind.Book, timeNs, valid, Fixed8.FromDecimal(bid), Fixed8.FromDecimal(2m), Fixed8.FromDecimal(ask), Fixed8.FromDecimal(2m), default, default, Side.Buy, default);

    [Theory]
    [InlineData("static")]
    [InlineData("intel")]
    [InlineData("rules")]
    [InlineData("taker")]
    public void EachUnusableBookDeniesWithItsReasonAndSendsNothing(string policy)
    {
        var venue = new RecordingVenue();
        var telemetry = new MemoryTelemetry();
        var options = new ExecutorOptions();
        var executor = new Executor(venue, SymbolCatalog.Default, options, ExecutionPolicies.Create(policy, options), telemetry, new BuyOnEveryUpdate());
        MarketUpdate[] updates =
        [
            Quote(T0, 60_000m, 60_000.1m),
            Quote(T0 + 1, 60_000.2m, 60_000.1m),           // crossed
            Quote(T0 + 2, 60_000.1m, 60_000.1m),           // locked
            Quote(T0 + 3, 60_000m, 0m),                    // ask side empty
            Quote(T0 + 4, 60_000m, 60_000.1m, valid: false), // a gap: out of sync until the next snapshot
            Quote(T0 + 5, 60_000.5m, 60_000.6m),
        ];
        foreach (var update in updates)
        {
            venue.NowNs = update.ExchangeTimeNs;
            executor.OnMarket(update);
        }
        Assert.Equal(
            [RiskReason.None, RiskReason.CrossedBook, RiskReason.CrossedBook, RiskReason.OneSidedBook, RiskReason.BookNotInSync, RiskReason.None],
            telemetry.Parents.Select(p => p.Risk.Reason));
        Assert.Equal(2, venue.Submitted.Count);
        // The symbol's health counts the refusals like any gate's denial (the dashboard's "denied").
        var health = Assert.Single(executor.Health());
        Assert.Equal((6, 4), (health.Parents, health.Denied));
        Assert.Equal([60_000.05m, 60_000.55m], telemetry.Parents.Where(p => !p.Risk.IsDenied).Select(p => p.ArrivalMid));
    }
}
