using Fillwise.Core;

namespace Fillwise.Execution.Routing;

/// <summary>One parent order being worked: its children, fills and the router's state machine.</summary>
internal sealed class ParentExecution(long id, ParentSignal signal, SymbolState symbol, RouterContext context, long targetLots, decimal arrivalMid, long arrivalNs)
{
    public long Id { get; } = id;
    public ParentSignal Signal { get; } = signal;
    public SymbolState Symbol { get; } = symbol;
    public RouterContext Context { get; } = context;
    public long TargetLots { get; } = targetLots;
    public decimal ArrivalMid { get; } = arrivalMid;
    public long ArrivalNs { get; } = arrivalNs;
    public Side Side => Signal.Side;

    public long FilledRaw { get; set; }
    public long MakerFilledRaw { get; set; }
    public decimal FilledNotional { get; set; }

    /// <summary>Base-asset amount filled (<see cref="SymbolFilters.BaseAmount"/>): the quantity, or on COIN-M the coins the contracts were worth.</summary>
    public decimal FilledBase { get; set; }
    public decimal Fees { get; set; }
    public int PostOnlyRejects { get; set; }
    public bool UsedFallback { get; set; }
    public bool Errored { get; set; }
    public double FirstAckLatencyMs { get; set; } = double.NaN;
    public long LastFillNs { get; set; }
    public int Children { get; set; }

    /// <summary>The child currently working (0 when none) and whether it is the maker leg.</summary>
    public long WorkingChild { get; set; }
    public bool WorkingIsMaker { get; set; }
    public long WorkingSentNs { get; set; }
    /// <summary>The venue has acknowledged the working child (a cancel sent before that could arrive before the order).</summary>
    public bool WorkingAcked { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>The working maker child is being cancelled to re-post at the touch (peg), not to fall back.</summary>
    public bool RepriceRequested { get; set; }
    public int Reprices { get; set; }
    public long MakerPriceRaw { get; set; }
    /// <summary>The touch on the order's side at which waiting is given up (<see cref="RouterContext.GiveUpBps"/>); 0 = never.</summary>
    public long GiveUpTouchRaw { get; set; }
    /// <summary>When the maker leg gives up (set when it is first posted; a -5022 re-post restarts it).</summary>
    public long DeadlineNs { get; set; }

    public long TargetRaw => TargetLots * Symbol.Filters.StepRaw;
    public long RemainingRaw => TargetRaw - FilledRaw;

    public long NextChildId() => ChildId(++Children);

    /// <summary>The id of this parent's n-th child (1-based).</summary>
    public long ChildId(int n) => Id * 1_000 + n;
}
