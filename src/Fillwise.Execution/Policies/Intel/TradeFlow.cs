using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>Signed aggressor flow per symbol over a sliding window: (buy - sell) / (buy + sell) quantity, in [-1, 1]; 0 without trades.</summary>
internal sealed class TradeFlow(TimeSpan window)
{
    private readonly long _windowNs = window.Ticks * 100;
    private readonly SymbolMap<Window> _symbols = new();

    public void OnTrade(Symbol symbol, long nowNs, Side aggressor, double quantity)
    {
        var w = _symbols.Find(symbol) ?? _symbols.Add(symbol, new Window());
        var signed = aggressor == Side.Buy ? quantity : -quantity;
        w.Trades.Enqueue((nowNs, signed, quantity));
        w.Signed += signed;
        w.Total += quantity;
    }

    public double Imbalance(Symbol symbol, long nowNs)
    {
        if (_symbols.Find(symbol) is not { } w)
        {
            return 0;
        }
        while (w.Trades.Count > 0 && w.Trades.Peek().TimeNs < nowNs - _windowNs)
        {
            var (_, signed, quantity) = w.Trades.Dequeue();
            w.Signed -= signed;
            w.Total -= quantity;
        }
        return w.Trades.Count > 0 && w.Total > 0 ? Math.Clamp(w.Signed / w.Total, -1, 1) : 0;
    }

    private sealed class Window
    {
        public Queue<(long TimeNs, double Signed, double Quantity)> Trades { get; } = new();
        public double Signed { get; set; }
        public double Total { get; set; }
    }
}
