using System.Threading.Channels;
using Fillwise.Core;

namespace Fillwise.Execution.Signals;

/// <summary>
/// Parent orders handed in while a session runs (the dashboard's POST /api/session/signals): any thread posts,
/// the executor's thread emits them at its next market update, stamped with its own clock. Bounded: a full inbox
/// refuses the post (the caller says so to its client) instead of dropping an order silently.
/// </summary>
public sealed class SignalInbox(IReadOnlyCollection<Symbol> symbols, int capacity = 1024) : ISignalSource
{
    public const string SourceName = "dashboard";

    private readonly Channel<(Symbol Symbol, Side Side, decimal? Quantity, decimal? Notional)> _pending =
        Channel.CreateBounded<(Symbol, Side, decimal?, decimal?)>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>The symbols the session trades: a post for another one is refused.</summary>
    public IReadOnlyCollection<Symbol> Symbols { get; } = symbols;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    private long _accepted, _refused;

    /// <summary>Queues a parent order (a target quantity or notional); false when the inbox is full.</summary>
    public bool TryPost(Symbol symbol, Side side, decimal? quantity, decimal? notional)
    {
        if (!Symbols.Contains(symbol) || (quantity is null) == (notional is null) || quantity <= 0 || notional <= 0)
        {
            throw new ArgumentException($"a posted signal needs one of the session's symbols ({string.Join(", ", Symbols)}) and exactly one positive quantity or notional.");
        }
        var ok = _pending.Writer.TryWrite((symbol, side, quantity, notional));
        Interlocked.Increment(ref ok ? ref _accepted : ref _refused);
        return ok;
    }

    public void Start(ISignalHost host)
    {
    }

    public void OnWake(long payload, ISignalHost host)
    {
    }

    public void OnMarket(in MarketUpdate update, ISignalHost host)
    {
        while (_pending.Reader.TryRead(out var s))
        {
            host.Emit(new ParentSignal(host.NowNs, s.Symbol, s.Side, s.Quantity, s.Notional, SourceName));
        }
    }
}
