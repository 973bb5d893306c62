using System.CommandLine;
using System.Runtime.InteropServices;
using Fillwise.MarketData;

namespace Fillwise.Cli;

/// <summary>The `fillwise` command tree. Every user-facing failure becomes one sentence on stderr and an exit code.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitDataErrors = 1;
    public const int ExitUsage = 2;
    public const int ExitInternal = 70;

    /// <summary>128 + SIGINT, as a shell reports a process stopped by Ctrl+C.</summary>
    public const int ExitInterrupted = 130;

    /// <summary>The command tree (what --help shows is what it parses: each command's own options).</summary>
    public static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Fillwise: execution intelligence for crypto perpetual futures.");
        root.Subcommands.Add(DataCommands.Build(stdout));
        root.Subcommands.Add(EvalCommand.Build(stdout, stderr));
        root.Subcommands.Add(ReplayCommand.Build(stdout, stderr));
        root.Subcommands.Add(LiveCommand.Build(stdout, stderr));
        root.Subcommands.Add(DemoCommand.Build(stdout, stderr));
        root.Subcommands.Add(IntelCommand.Build(stdout));
        root.Subcommands.Add(ServeCommand.Build(stdout));
        root.Subcommands.Add(ExchangeCommand.Build(stdout, stderr));
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = Build(stdout, stderr).Parse(args);
        if (UsageError(parse) is { } usage)
        {
            // One line and where to read more: the whole help text would bury the one thing that was wrong.
            stderr.WriteLine($"fillwise: {usage.TrimEnd('.')}. See '{CommandPath(parse.CommandResult)} --help'.");
            return ExitUsage;
        }
        // Only a cancellation that a signal asked for is an interruption; any other is an internal error.
        var interrupted = false;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Volatile.Write(ref interrupted, true));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Volatile.Write(ref interrupted, true));
        try
        {
            // Ctrl+C / SIGTERM cancel the command's token; the process then waits this long for the command to end
            // (live's kill switch cancels every working order and waits up to 5 s for the acknowledgements).
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
        }
        catch (Exception e) when ((e is OperationCanceledException || (e is AggregateException all && all.InnerExceptions.All(x => x is OperationCanceledException)))
            // The command line's own handler may run first and cancel: ours then sets the flag a moment later.
            && (Volatile.Read(ref interrupted) || SpinWait.SpinUntil(() => Volatile.Read(ref interrupted), TimeSpan.FromSeconds(1))))
        {
            // Ctrl+C or SIGTERM: a replay keeps what it committed and resumes from there when run again.
            stderr.WriteLine("fillwise: interrupted. A replay resumes from its last commit when run again with the same arguments.");
            return ExitInterrupted;
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or Runs.UsageException or Backtest.RunRefusedException or Fillwise.Core.OptionsException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"fillwise: {e.Message}");
            return ExitUsage;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("FILLWISE_DEBUG") is null)
        {
            stderr.WriteLine($"fillwise: internal error ({e.GetType().Name}: {e.Message}). Set FILLWISE_DEBUG=1 for details and please report it.");
            return ExitInternal;
        }
    }

    /// <summary>
    /// The first parse error, or a token that looks like an option but was taken as a value (System.CommandLine
    /// hands an unknown "--flag" after file arguments to the files, which would then say "file not found").
    /// </summary>
    private static string? UsageError(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            return parse.Errors[0].Message;
        }
        var stray = parse.Tokens.FirstOrDefault(t => t.Type == System.CommandLine.Parsing.TokenType.Argument && LooksLikeOption(t.Value) && !File.Exists(t.Value) && !Directory.Exists(t.Value));
        return stray is null ? null : $"unknown option '{stray.Value}'";
    }

    private static bool LooksLikeOption(string token) =>
        (token.Length > 2 && token.StartsWith("--", StringComparison.Ordinal)) || (token.Length > 1 && token[0] == '-' && char.IsAsciiLetter(token[1]));

    private static string CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(r.Parent is null ? "fillwise" : r.Command.Name);
        }
        names.Reverse();
        return names.Count == 0 ? "fillwise" : string.Join(' ', names);
    }
}
