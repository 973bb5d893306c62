using Fillwise.Core;

namespace Fillwise.Execution.Routing;

public sealed record RouterOptions
{
    /// <summary>The static policy's fixed maker timeout (v5.9 behaviour).</summary>
    public TimeSpan StaticMakerTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The rules policy's maker timeout before the taker bias shortens it.</summary>
    public TimeSpan MakerTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The rules timeout is MakerTimeout x (1 - TakerBias), never below this.</summary>
    public TimeSpan MinMakerTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Post-only rejects (-5022) tolerated per parent before the remainder goes taker.</summary>
    public int MaxPostOnlyRejects { get; init; } = 2;
    /// <summary>Static policy's offset from the touch (0 = at the touch).</summary>
    public double StaticOffsetBps { get; init; }
    /// <summary>Static policy's peg: re-posts at the touch when it moves away, at most this many times (0 = never).</summary>
    public int StaticPegReprices { get; init; }
    /// <summary>Static policy's give-up distance: take once the touch has run this many bps away from where it stood at arrival (0 = never).</summary>
    public double StaticGiveUpBps { get; init; }

    public void Validate()
    {
        var day = TimeSpan.FromDays(1);
        OptionChecks.Within(StaticMakerTimeout, TimeSpan.FromMilliseconds(1), day, "Router.StaticMakerTimeout");
        OptionChecks.Within(MakerTimeout, TimeSpan.FromMilliseconds(1), day, "Router.MakerTimeout");
        OptionChecks.Within(MinMakerTimeout, TimeSpan.FromMilliseconds(1), MakerTimeout, "Router.MinMakerTimeout");
        OptionChecks.AtLeast(MaxPostOnlyRejects, 0, "Router.MaxPostOnlyRejects");
        OptionChecks.Within(StaticPegReprices, 0, 1000, "Router.StaticPegReprices");
        OptionChecks.Within(StaticOffsetBps, 0, 100, "Router.StaticOffsetBps");
        OptionChecks.Within(StaticGiveUpBps, 0, 100, "Router.StaticGiveUpBps");
    }
}
