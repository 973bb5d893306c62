namespace Fillwise.Venues.Binance;

/// <summary>Counters of one live session (engine thread writes, the summary reads after the run).</summary>
public sealed class LiveStats
{
    public long MarketEvents { get; internal set; }

    /// <summary>Longest wait of a market message between its receipt and the engine thread handling it.</summary>
    public long MaxQueueDelayNs { get; internal set; }
    public long OrdersSent { get; internal set; }
    public long OrdersAccepted { get; internal set; }
    public long OrdersRejected { get; internal set; }
    public long CancelsSent { get; internal set; }
    public long Fills { get; internal set; }

    /// <summary>Fills that the user stream missed (a disconnect) and REST userTrades supplied.</summary>
    public long RecoveredFills { get; internal set; }

    /// <summary>Fills whose commission was in another asset than the quote currency (BNB): charged at the executor's fee rate instead.</summary>
    public long ForeignFeeFills { get; internal set; }

    /// <summary>Stream or REST reports of a fill already counted (dropped: never double-counted).</summary>
    public long DuplicateFills { get; internal set; }

    /// <summary>Sends whose outcome was unknown (5XX/timeout) and were resolved by a query by client id, never by a resend.</summary>
    public long UnknownOutcomes { get; internal set; }
    public long MarketReconnects { get; internal set; }
    public long UserReconnects { get; internal set; }
    public long ListenKeysCreated { get; internal set; }
    public long Snapshots { get; internal set; }
    public long BookGaps { get; internal set; }

    /// <summary>Why the last WebSocket dropped (diagnostics; written by the network thread).</summary>
    public string? LastDisconnect { get; internal set; }

    /// <summary>Open orders with our prefix found at start and cancelled (reconciliation).</summary>
    public long ReconciledCancels { get; internal set; }

    /// <summary>Orders the executor tried after the kill switch (or the session's end): refused locally, never sent.</summary>
    public long KillSwitchRejects { get; internal set; }

    /// <summary>Orders the kill switch cancelled.</summary>
    public long KillCancels { get; internal set; }
}
