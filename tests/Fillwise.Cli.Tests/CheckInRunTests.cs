using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.Core;
using Fillwise.Execution;
using Fillwise.Execution.Signals;
using Fillwise.Telemetry;
using Fillwise.TestData;

namespace Fillwise.Cli.Tests;

/// <summary>
/// A replay driven by seeded arrivals checks the data on its own read of it instead of a pass before
/// (<see cref="BacktestInputs.CheckedInRun"/>), so it reads the data once. What the check finds, the run's identity and
/// everything the run computes must be what the check before the run gives; unusable data is still refused with
/// nothing stored.
/// </summary>
public sealed class CheckInRunTests : IDisposable
{
    private static readonly string Btc0718 = TestPaths.SampleCapture("btcusdt_20240718.gz");
    private static readonly string Btc0719 = TestPaths.SampleCapture("btcusdt_20240719.gz");
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-checkinrun-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static BacktestSpec Spec(string policy) =>
        new(policy, 7, () => new SeededArrivals(new ArrivalOptions(TimeSpan.FromSeconds(2), 5000m, 7)), new ExecutorOptions());

    private static string[] SampleLines() => TestPaths.SampleCaptureLines("btcusdt_20240718.gz");

    /// <summary>The sample day with damage a recorder leaves: a stretch of lost lines (book gaps) and lines cut short (data errors).</summary>
    private string Damaged()
    {
        var lines = SampleLines();
        var damaged = lines.Where((_, i) => i is < 2000 or > 2040).Select((l, i) => i % 500 == 7 ? l[..(l.Length / 2)] : l);
        var path = Path.Combine(_dir, "btcusdt_20240718.txt");
        File.WriteAllLines(path, damaged);
        return path;
    }

    public static TheoryData<string> Sets()
    {
        var sets = new TheoryData<string> { "samples", "damaged" };
        if (TestPaths.SharedData is not null)
        {
            sets.Add("usdm:btcusdt_20240808.gz");
            sets.Add("spot:ethusdt_20240808.gz,ethusdt_20240809.gz");
            sets.Add("coinm:ethusd_perp_20240808.gz");
        }
        return sets;
    }

    private string[] Files(string set) => set switch
    {
        "samples" => [Btc0718, Btc0719],
        "damaged" => [Damaged()],
        _ => [.. set[(set.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(',').Select(f => TestPaths.Shared(set.StartsWith("usdm", StringComparison.Ordinal) ? "binance-usdm" : set.StartsWith("spot", StringComparison.Ordinal) ? "binance-spot" : "binance-coinm", f))],
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void TheCheckOnTheRunsReadEqualsTheCheckBeforeIt(string set)
    {
        var files = Files(set);
        var before = BacktestInputs.Load(files, null, SymbolCatalog.Default);
        var inRun = BacktestInputs.Load(files, null, SymbolCatalog.Default, checkInRun: true);
        Assert.False(before.CheckedInRun);
        Assert.True(inRun.CheckedInRun);
        if (set == "damaged")
        {
            // The damage is there to be found.
            Assert.True(before.Quality.DataErrors > 0 && before.Quality.BookGaps > 0, $"{before.Quality.DataErrors} errors, {before.Quality.BookGaps} gaps");
        }
        Assert.Equal(before.Quality.Market, inRun.Quality.Market);
        Assert.Equal(StoredBacktest.RunId(before, Spec("intel"), "arrivals"), StoredBacktest.RunId(inRun, Spec("intel"), "arrivals"));

        var a = BacktestEngine.Run(before, Spec("intel"));
        var b = BacktestEngine.Run(inRun, Spec("intel"));
        AssertSameQuality(before.Quality, b.Quality);
        Assert.Same(before.Quality, a.Quality);
        Assert.True(a.Stats.Orders > 5, $"{a.Stats.Orders} orders");
        Assert.Equal(a.Stats.Orders, b.Stats.Orders);
        Assert.Equal(a.Stats.CostBpsMean, b.Stats.CostBpsMean);
        Assert.Equal(a.Venue.MarketEvents, b.Venue.MarketEvents);
        Assert.Equal(a.Venue.Fills, b.Venue.Fills);
    }

    private static void AssertSameQuality(DataQuality expected, DataQuality actual)
    {
        Assert.Equal(expected.MarketEvents, actual.MarketEvents);
        Assert.Equal(expected.DataErrors, actual.DataErrors);
        Assert.Equal(expected.BookGaps, actual.BookGaps);
        Assert.Equal(expected.FirstErrors.Select(e => e.ToString()), actual.FirstErrors.Select(e => e.ToString()));
        Assert.Equal(expected.Symbols.Select(s => s.Value).Order(StringComparer.Ordinal), actual.Symbols.Select(s => s.Value).Order(StringComparer.Ordinal));
        Assert.Equal(expected.StartNs, actual.StartNs);
        Assert.Equal(expected.EndNs, actual.EndNs);
        Assert.Equal(expected.Market, actual.Market);
        Assert.Equal(expected.NotSynced, actual.NotSynced);
    }

    [Fact]
    public void TheStoreHoldsTheErrorsAndGapsTheRunsReadFound()
    {
        var damaged = Damaged();
        var expected = BacktestInputs.Load([damaged], null, SymbolCatalog.Default).Quality;
        var (exit, output, error) = Cli.Run("replay", "--capture", damaged, "--db", Path.Combine(_dir, "runs.db"), "--json");
        Assert.True(exit == 0, error);
        Assert.Contains($"{expected.DataErrors:N0} data error(s)", error, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(expected.DataErrors, json.RootElement.GetProperty("data_errors").GetInt64());
            Assert.Equal(expected.BookGaps, json.RootElement.GetProperty("book_gaps").GetInt64());
        }
        using var store = TelemetryStore.Open(Path.Combine(_dir, "runs.db"));
        var row = store.Query("SELECT data_errors, book_gaps, status FROM runs").Single();
        Assert.Equal(expected.DataErrors, row[0]);
        Assert.Equal(expected.BookGaps, row[1]);
        Assert.Equal("complete", row[2]);
    }

    [Fact]
    public void FromACatalogTheCheckOnTheRunsReadEqualsTheCheckBeforeIt()
    {
        var directory = Path.Combine(_dir, "catalog");
        Fillwise.MarketData.Catalog.CatalogWriter.Convert([Btc0718, Btc0719], directory);
        var selection = new CatalogSelection(directory, [new Symbol("BTCUSDT")]);
        var before = BacktestInputs.Load(null, null, SymbolCatalog.Default, selection);
        var inRun = BacktestInputs.Load(null, null, SymbolCatalog.Default, selection, checkInRun: true);
        Assert.True(inRun.CheckedInRun);
        Assert.Equal(StoredBacktest.RunId(before, Spec("intel"), "arrivals"), StoredBacktest.RunId(inRun, Spec("intel"), "arrivals"));
        var a = BacktestEngine.Run(before, Spec("intel"));
        var b = BacktestEngine.Run(inRun, Spec("intel"));
        AssertSameQuality(before.Quality, b.Quality);
        Assert.Equal(a.Stats.CostBpsMean, b.Stats.CostBpsMean);
        Assert.Equal(a.Venue.Fills, b.Venue.Fills);

        // What the catalog cannot give is refused before anything is written, in the catalog's own sentence.
        var missing = Cli.Run("replay", "--catalog", Path.Combine(_dir, "nowhere"), "--symbols", "BTCUSDT", "--db", Path.Combine(_dir, "c.db"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("not a catalog", missing.Err, StringComparison.Ordinal);
        var absent = Cli.Run("replay", "--catalog", directory, "--symbols", "ETHUSDT", "--db", Path.Combine(_dir, "c.db"));
        Assert.Equal(2, absent.Exit);
        Assert.Contains("the catalog has no data for ETHUSDT", absent.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "c.db")));
    }

    /// <summary>
    /// The run's identity holds the filters a symbols file changes for the data's symbols. Before reading, a run knows
    /// only the symbols of the files' first events, so when a symbols file changes another symbol the data is checked
    /// first: the identity then covers a symbol the data reaches later, and a run with those filters is another run.
    /// </summary>
    [Fact]
    public void ASymbolsFileChangingASymbolTheDataReachesLaterMakesAnotherRun()
    {
        var lines = SampleLines();
        var two = Path.Combine(_dir, "btcusdt_20240718.txt");
        // Generated from the sample: BTCUSDT for 3,000 lines, then the same lines renamed ETHUSDT.
        File.WriteAllLines(two, lines.Take(3000).Concat(lines.Skip(3000).Select(l => l.Replace("BTCUSDT", "ETHUSDT", StringComparison.Ordinal).Replace("btcusdt@", "ethusdt@", StringComparison.Ordinal))));
        string SymbolsFile(string name, string symbol)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, $$"""{"symbols": [{"symbol": "{{symbol}}", "tickSize": "0.01", "stepSize": "0.001", "minNotional": "50"}]}""");
            return path;
        }
        var eth = SymbolsFile("eth.json", "ETHUSDT");
        var btc = SymbolsFile("btc.json", "BTCUSDT");
        Assert.False(BacktestInputs.Load([two], null, SymbolCatalog.WithOverrides([eth]), checkInRun: true).CheckedInRun);
        // Changing only a symbol of the first events keeps the single read.
        Assert.True(BacktestInputs.Load([two], null, SymbolCatalog.WithOverrides([btc]), checkInRun: true).CheckedInRun);

        var db = Path.Combine(_dir, "runs.db");
        string Id(params string[] extra)
        {
            var run = Cli.Run(["replay", "--capture", two, "--db", db, "--policy", "taker", "--json", .. extra]);
            Assert.True(run.Exit == 0, run.Err);
            using var json = JsonDocument.Parse(run.Out);
            Assert.False(json.RootElement.TryGetProperty("already_complete", out _), run.Out);
            return json.RootElement.GetProperty("run_id").GetString()!;
        }
        var plain = Id();
        var changed = Id("--symbol-file", eth);
        Assert.NotEqual(plain, changed);
        using var store = TelemetryStore.Open(db);
        Assert.Equal(2, store.Query("SELECT run_id FROM runs WHERE status = 'complete'").Count);
    }

    /// <summary>A file without a single event has no say in the market (it has no book): it does not make a spot run "mixed".</summary>
    [Fact]
    public void AFileWithoutEventsDoesNotDecideTheMarket()
    {
        // Generated from the sample, labelled as such: depth diffs without "pu" are how a spot capture looks.
        var spot = Path.Combine(_dir, "btcusdt_spot.txt");
        File.WriteAllLines(spot, SampleLines().Take(2000).Select(l => System.Text.RegularExpressions.Regex.Replace(l, "\"pu\":[0-9]+,", "")));
        var junk = Path.Combine(_dir, "btcusdt_junk.txt");
        // Only an event type a replay skips (mark price): no event, no book.
        File.WriteAllLines(junk, ["1721347020984480943 {\"stream\":\"btcusdt@markPrice\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":1721347020984,\"s\":\"BTCUSDT\",\"p\":\"64000.00\"}}"]);
        var inputs = BacktestInputs.Load([spot, junk], null, SymbolCatalog.Default, checkInRun: true);
        Assert.Equal(Market.Spot, inputs.Quality.Market);
        Assert.Equal(["BTCUSDT"], inputs.Quality.Symbols.Select(s => s.Value));
    }
}
