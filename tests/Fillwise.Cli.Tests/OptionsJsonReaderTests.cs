using System.Text.Json;
using Fillwise.Backtest;
using Fillwise.Execution;

namespace Fillwise.Cli.Tests;

/// <summary>
/// A config file's values over the defaults in code. The generated contract alone would build the record with every
/// property the file does not mention at zero (StartingEquity 0, every TimeSpan 0): that is what this guards.
/// </summary>
public sealed class OptionsJsonReaderTests
{
    private static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        TypeInfoResolver = OptionsJson.Default,
    };

    [Fact]
    public void What_a_file_does_not_mention_keeps_its_default()
    {
        var read = OptionsJsonReader.Read("""
            // two values, one of them nested two levels down
            { "StartingEquity": 5000, "Intel": { "Shrinkage": 100, "PatiencesS": [5, 60] } }
            """, Strict);
        var defaults = new ExecutorOptions();
        var expected = defaults with { StartingEquity = 5000m, Intel = defaults.Intel with { Shrinkage = 100, PatiencesS = [5, 60] } };
        Assert.Equal(RunIdentity.OptionsText(expected), RunIdentity.OptionsText(read));
        Assert.Equal(RunIdentity.OptionsText(defaults), RunIdentity.OptionsText(OptionsJsonReader.Read("{}", Strict)));
        read.Validate();
    }

    [Fact]
    public void Unknown_keys_and_wrong_types_are_reported_at_the_files_own_lines()
    {
        var unknown = Assert.Throws<JsonException>(() => OptionsJsonReader.Read("{\n  \"Intel\": {\n    \"Shrinkge\": 100\n  }\n}", Strict));
        Assert.Equal(2, unknown.LineNumber);
        Assert.Contains("Shrinkge", unknown.Message, StringComparison.Ordinal);
        var type = Assert.Throws<JsonException>(() => OptionsJsonReader.Read("{\n\n  \"StartingEquity\": \"lots\"\n}", Strict));
        Assert.Equal(2, type.LineNumber);
    }
}
