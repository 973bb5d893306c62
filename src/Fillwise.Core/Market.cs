namespace Fillwise.Core;

/// <summary>
/// Which Binance market a symbol trades on. The same name can exist on two markets (ETHUSDT is both a
/// USDⓈ-M perpetual and a spot pair), so a symbol alone does not identify an instrument.
/// </summary>
public enum Market
{
    /// <summary>USDⓈ-M futures: linear, quantities in the base asset, settled in USDT/USDC.</summary>
    UsdM = 0,

    /// <summary>Spot: quantities in the base asset; depth diffs carry no <c>pu</c> and sync by the spot rule.</summary>
    Spot = 1,

    /// <summary>COIN-M futures: inverse, quantities in contracts of a fixed USD size, margin and PnL in the base coin.</summary>
    CoinM = 2,
}

public static class Markets
{
    /// <summary>The name used in config files, catalogs and JSON: usdm, spot, coinm.</summary>
    public static string Name(this Market market) => market switch
    {
        Market.Spot => "spot",
        Market.CoinM => "coinm",
        _ => "usdm",
    };

    public static bool TryParse(string? name, out Market market)
    {
        switch (name)
        {
            case "usdm": market = Market.UsdM; return true;
            case "spot": market = Market.Spot; return true;
            case "coinm": market = Market.CoinM; return true;
            default: market = Market.UsdM; return false;
        }
    }
}
