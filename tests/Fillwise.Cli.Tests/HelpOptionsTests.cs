using System.CommandLine;

namespace Fillwise.Cli.Tests;

/// <summary>Every command's --help shows exactly the options that command parses, and only options it can use.</summary>
public sealed class HelpOptionsTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var path in Paths(CliApp.Build(TextWriter.Null, TextWriter.Null), []))
        {
            data.Add(path);
        }
        return data;
    }

    private static IEnumerable<string> Paths(Command command, IReadOnlyList<string> prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            var path = prefix.Append(sub.Name).ToList();
            yield return string.Join(' ', path);
            foreach (var deeper in Paths(sub, path))
            {
                yield return deeper;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_lists_the_options_the_command_parses(string path)
    {
        var chain = new List<Command> { CliApp.Build(TextWriter.Null, TextWriter.Null) };
        foreach (var name in path.Split(' '))
        {
            chain.Add(chain[^1].Subcommands.Single(s => s.Name == name));
        }
        var command = chain[^1];
        var (exit, help, _) = Cli.Run([.. path.Split(' '), "--help"]);
        Assert.Equal(CliApp.ExitOk, exit);
        var shown = help.Split('\n').SkipWhile(l => !l.StartsWith("Options:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Where(l => l.TrimStart().StartsWith('-'))
            // "  -?, -h, --help  Show help..." and "  --capture <capture>  ...": the last alias of the first column.
            .Select(l => System.Text.RegularExpressions.Regex.Split(l.Trim(), "\\s{2,}")[0].Split(", ").Last().Split(' ')[0])
            .Order(StringComparer.Ordinal).ToList();
        // The command's own options and those its ancestors pass down (--help).
        var parsed = command.Options.Concat(chain[..^1].SelectMany(c => c.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden).Select(o => o.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(parsed, shown);
        foreach (var option in shown.Where(o => o.StartsWith("--", StringComparison.Ordinal)))
        {
            // Each shown option is parsed by this command (not refused as unknown, not handed to another command).
            var result = command.Parse([option, "x"]);
            Assert.DoesNotContain(result.Errors, e => e.Message.Contains($"'{option}'", StringComparison.Ordinal) && e.Message.Contains("Unrecognized", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Bar_data_is_offered_only_by_the_commands_that_replay_bars()
    {
        // The paper exchange serves an order book: tick data only. Replay and eval run on bars too.
        var root = CliApp.Build(TextWriter.Null, TextWriter.Null);
        var offering = root.Subcommands.Where(c => c.Options.Any(o => o.Name == "--klines")).Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["eval", "replay"], offering);
    }
}
