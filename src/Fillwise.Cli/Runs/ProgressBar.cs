namespace Fillwise.Cli.Runs;

/// <summary>A one-line progress bar for an interactive terminal: share of the data's time range replayed.</summary>
internal static class ProgressBar
{
    private const int Width = 30;

    /// <param name="range">The data's time range; default when it is not known before the run (a run that checks its own read): then no bar.</param>
    public static string Render(long nowNs, (long StartNs, long EndNs) range, long events, long fills)
    {
        if (range == default)
        {
            var at = DateTimeOffset.UnixEpoch.AddTicks(nowNs / 100);
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\rreplay {events:N0} events  {fills:N0} fills  {at:yyyy-MM-dd HH:mm:ss}   ");
        }
        var span = Math.Max(1, range.EndNs - range.StartNs);
        var done = Math.Clamp((double)(nowNs - range.StartNs) / span, 0, 1);
        var filled = (int)Math.Round(done * Width);
        var when = DateTimeOffset.UnixEpoch.AddTicks(nowNs / 100);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"\rreplay [{new string('#', filled)}{new string('.', Width - filled)}] {done,4:P0}  {events:N0} events  {fills:N0} fills  {when:yyyy-MM-dd HH:mm:ss}   ");
    }
}
