using System.CommandLine;
using Fillwise.MarketData;
using Fillwise.MarketData.Inspection;
using Fillwise.MarketData.Klines;

namespace Fillwise.Cli;

/// <summary>`fillwise data inspect`: what a capture or kline file holds, and what is wrong with it.</summary>
internal static class DataCommands
{
    public static Command Build(TextWriter stdout)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Capture files (replayed in the order given as one stream) or kline CSV files/directories.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var inspect = new Command("inspect", "Show what market-data files hold: events, time span, book sync, gaps, errors.");
        inspect.Arguments.Add(files);
        inspect.Options.Add(json);
        inspect.SetAction(parse => Inspect(parse.GetValue(files)!, parse.GetValue(json), stdout));

        var data = new Command("data", "Work with market-data files.");
        data.Subcommands.Add(inspect);
        data.Subcommands.Add(DataConvertCommand.Build(stdout));
        return data;
    }

    private static int Inspect(string[] paths, bool json, TextWriter stdout)
    {
        var expanded = KlineFile.Expand(paths);
        if (expanded.Count == 0)
        {
            throw new DataFormatException($"{string.Join(", ", paths)}: no .csv or .csv.gz files found.");
        }
        var kinds = expanded.Select(p => (Path: p, Kind: FileSniffer.Sniff(p))).ToList();
        var captures = kinds.Where(k => k.Kind == DataFileKind.Capture).Select(k => k.Path).ToList();
        var klines = kinds.Where(k => k.Kind == DataFileKind.Klines).Select(k => k.Path).ToList();
        if (captures.Count > 0 && klines.Count > 0)
        {
            throw new DataFormatException($"{captures[0]} is a stream capture but {klines[0]} is a kline CSV: inspect them separately.");
        }
        // The table's rendering code compiles on the other core while the data is read: by a throwaway table, unless
        // the JIT profile compiles it there already (the throwaway then only competed for that core: ~20 ms).
        var table = json || JitProfile.Playing ? Task.CompletedTask : Task.Run(InspectTable.Prepare);
        if (captures.Count > 0)
        {
            var inspection = CaptureInspection.Run(captures);
            table.Wait();
            if (json)
            {
                InspectJson.WriteCapture(stdout, inspection);
            }
            else
            {
                InspectTable.WriteCapture(stdout, inspection);
            }
            return inspection.HasErrors ? CliApp.ExitDataErrors : CliApp.ExitOk;
        }
        var series = klines.Select(p => KlineFile.Scan(p)).ToList();
        table.Wait();
        if (json)
        {
            InspectJson.WriteKlines(stdout, series);
        }
        else
        {
            InspectTable.WriteKlines(stdout, series);
        }
        return series.Any(s => s.Errors.Count > 0) ? CliApp.ExitDataErrors : CliApp.ExitOk;
    }
}
