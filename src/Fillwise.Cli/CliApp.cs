using System.CommandLine;
using Fillwise.MarketData;

namespace Fillwise.Cli;

/// <summary>The `fillwise` command tree. Every user-facing failure becomes one sentence on stderr and an exit code.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitDataErrors = 1;
    public const int ExitUsage = 2;
    public const int ExitInternal = 70;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Fillwise: execution intelligence for crypto perpetual futures.");
        root.Subcommands.Add(DataCommands.Build(stdout));
        root.Subcommands.Add(EvalCommand.Build(stdout, stderr));
        root.Subcommands.Add(ReplayCommand.Build(stdout, stderr));
        root.Subcommands.Add(DemoCommand.Build(stdout, stderr));
        root.Subcommands.Add(IntelCommand.Build(stdout));
        root.Subcommands.Add(ServeCommand.Build(stdout));
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or Runs.UsageException or Fillwise.Core.OptionsException or IOException)
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
}
