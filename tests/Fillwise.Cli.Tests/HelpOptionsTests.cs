namespace Fillwise.Cli.Tests;

/// <summary>
/// Options offered only where they can be used. (A test that compared each command's --help with its parsed
/// options was removed: help is generated from those very options, so it could not fail.)
/// </summary>
public sealed class HelpOptionsTests
{
    [Fact]
    public void Bar_data_is_offered_only_by_the_commands_that_replay_bars()
    {
        // The paper exchange serves an order book: tick data only. Replay and eval run on bars too.
        var root = CliApp.Build(TextWriter.Null, TextWriter.Null);
        var offering = root.Subcommands.Where(c => c.Options.Any(o => o.Name == "--klines")).Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["eval", "replay"], offering);
    }
}
