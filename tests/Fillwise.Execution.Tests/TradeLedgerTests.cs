using Fillwise.Core;
using Fillwise.Execution.Accounting;

namespace Fillwise.Execution.Tests;

/// <summary>Round-trip P&amp;L on linear and inverse contracts, against hand-computed answers.</summary>
public sealed class TradeLedgerTests
{
    private static readonly SymbolFilters Linear = new(new Symbol("ETHUSDT"), 0.01m, 0.001m, 5m);
    private static readonly SymbolFilters Inverse = new(new Symbol("ETHUSD_PERP"), 0.01m, 1m, 10m) { Market = Market.CoinM, ContractSize = 10m };

    [Fact]
    public void A_linear_round_trip_returns_the_price_move_over_the_entry_notional_net_of_fees()
    {
        var ledger = new TradeLedger(Linear);
        Assert.Null(ledger.Fill(Side.Buy, 2000m, 2m, 2m, 0));
        var trip = ledger.Fill(Side.Sell, 2100m, 2m, 2.1m, 1);
        // (2 x 100 - 2 - 2.1) / 4000 = 4.8975 %.
        Assert.Equal(489.75, trip!.Value.NetReturnBps, 6);
    }

    [Fact]
    public void An_inverse_round_trip_is_valued_from_coins_not_from_price_times_contracts()
    {
        var ledger = new TradeLedger(Inverse);
        // 100 contracts of 10 USD: 1000 USD = 0.5 ETH at 2000, then 1000 USD = 0.4 ETH at 2500: 2000 USD for 0.9 ETH,
        // an entry of 2222.2 (the harmonic mean; the plain average 2250 would misstate every P&L).
        Assert.Null(ledger.Fill(Side.Buy, 2000m, 100m, 0m, 0));
        Assert.Null(ledger.Fill(Side.Buy, 2500m, 100m, 0m, 1));
        Assert.Equal(200m, ledger.Position);
        // The position is worth 0.9 ETH: at 2100 that is 1890 USD against 2000 USD opened.
        Assert.Equal(-110m, ledger.Unrealized(2100m));
        var trip = ledger.Fill(Side.Sell, 3000m, 200m, 0m, 2);
        // Closed at 3000: 0.9 ETH x 3000 = 2700 USD for 2000 USD opened -> +35 % (from 2250 it would be +33.3 %).
        Assert.Equal(3500, trip!.Value.NetReturnBps, 6);
    }

    [Fact]
    public void A_flip_closes_one_round_trip_and_opens_the_next_at_the_flip_price()
    {
        var ledger = new TradeLedger(Inverse);
        ledger.Fill(Side.Sell, 2000m, 50m, 0m, 0);
        var trip = ledger.Fill(Side.Buy, 1900m, 80m, 0m, 1);
        // Short 500 USD = 0.25 ETH at 2000; bought back at 1900 for 0.25 x 1900 = 475 USD -> +25 USD on 500: +5 %.
        Assert.Equal(500, trip!.Value.NetReturnBps, 6);
        Assert.Equal(30m, ledger.Position);
        Assert.Equal(0, (double)ledger.Unrealized(1900m), 12);
    }
}
