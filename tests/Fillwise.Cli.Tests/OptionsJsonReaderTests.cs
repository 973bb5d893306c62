using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Fillwise.Backtest;
using Fillwise.Execution;

namespace Fillwise.Cli.Tests;

/// <summary>
/// A config file's values over the defaults in code. The generated contract alone would build the record with every
/// property the file does not mention at zero (StartingEquity 0, every TimeSpan 0): that is what this guards.
/// </summary>
public sealed class OptionsJsonReaderTests
{
    [Fact]
    public void What_a_file_does_not_mention_keeps_its_default()
    {
        var read = OptionsJsonReader.Read("""
            // two values, one of them nested two levels down
            { "StartingEquity": 5000, "Intel": { "Shrinkage": 100, "PatiencesS": [5, 60] } }
            """);
        var defaults = new ExecutorOptions();
        var expected = defaults with { StartingEquity = 5000m, Intel = defaults.Intel with { Shrinkage = 100, PatiencesS = [5, 60] } };
        Assert.Equal(RunIdentity.OptionsText(expected), RunIdentity.OptionsText(read));
        Assert.Equal(RunIdentity.OptionsText(defaults), RunIdentity.OptionsText(OptionsJsonReader.Read("{}")));
        read.Validate();
    }

    [Fact]
    public void Unknown_keys_and_wrong_types_are_reported_at_the_files_own_lines()
    {
        var unknown = Assert.Throws<JsonException>(() => OptionsJsonReader.Read("{\n  \"Intel\": {\n    \"Shrinkge\": 100\n  }\n}"));
        Assert.Equal(2, unknown.LineNumber);
        Assert.Contains("Shrinkge", unknown.Message, StringComparison.Ordinal);
        var type = Assert.Throws<JsonException>(() => OptionsJsonReader.Read("{\n\n  \"StartingEquity\": \"lots\"\n}"));
        Assert.Equal(2, type.LineNumber);
    }

    /// <summary>Every enum anywhere in the options is read by name: an enum added without its converter fails here.</summary>
    [Fact]
    public void Every_enum_of_the_options_is_read_by_name()
    {
        var found = 0;
        foreach (var (path, type) in Enums(OptionsJsonReader.Strict.GetTypeInfo(typeof(ExecutorOptions)), []))
        {
            var name = Enum.GetNames(type)[^1];
            var document = new JsonObject();
            var node = document;
            foreach (var key in path[..^1])
            {
                node = (JsonObject)(node[key] = new JsonObject());
            }
            node[path[^1]] = name;
            var read = OptionsJsonReader.Read(document.ToJsonString());
            Assert.Contains($"\"{path[^1]}\":{(int)Enum.Parse(type, name)}", RunIdentity.OptionsText(read), StringComparison.Ordinal);
            found++;
        }
        Assert.True(found > 0, "the options hold no enum: the walk is broken");
    }

    private static IEnumerable<(string[] Path, Type Enum)> Enums(JsonTypeInfo type, string[] path)
    {
        foreach (var property in type.Properties.Where(p => p.Set is not null))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsEnum)
            {
                yield return ([.. path, property.Name], propertyType);
            }
            else if (type.Options.GetTypeInfo(property.PropertyType) is { Kind: JsonTypeInfoKind.Object } inner)
            {
                foreach (var found in Enums(inner, [.. path, property.Name]))
                {
                    yield return found;
                }
            }
        }
    }
}
