using System.Text.Json;

namespace Fillwise.Core.Tests;

/// <summary>JsonErrors locates a key path in a file and words a bad value in the file's terms.</summary>
public sealed class JsonErrorsTests
{
    private const string Text = """
        {
          "A": { "List": [1, 2, [3, 4]], "Objects": [ { "X": 1 }, { "X": "two" } ] },
          // a comment
          "B": "00:00:05"
        }
        """;

    [Theory]
    [InlineData("A.List[0]", 2, "1")]
    [InlineData("A.List[2][1]", 2, "4")]
    [InlineData("A.Objects[1].X", 2, "\"two\"")]
    [InlineData("A.Objects[0]", 2, "{ \"X\": 1 }")]
    [InlineData("B", 4, "\"00:00:05\"")]
    public void Locate_finds_the_line_and_the_raw_value_of_a_key_path(string path, int line, string raw) =>
        Assert.Equal((line, raw), JsonErrors.Locate(Text, path));

    [Theory]
    [InlineData("A.Missing")]
    [InlineData("A.List[3]")]
    [InlineData("C")]
    public void Locate_gives_null_for_a_path_the_file_does_not_hold(string path) => Assert.Null(JsonErrors.Locate(Text, path));

    private sealed record Shape
    {
        public IReadOnlyList<int> Counts { get; init; } = [];
        public TimeSpan Every { get; init; }
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_worded_in_the_files_terms()
    {
        const string json = "{\n  \"Counts\": [1, \"x\"]\n}";
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Shape>(json));
        Assert.Equal("line 2, Counts[1]: expected a whole number, got \"x\".", JsonErrors.Describe(e, JsonSerializerOptions.Default.GetTypeInfo(typeof(Shape)), json));
    }

    [Theory]
    [InlineData(1, "1 ms")]
    [InlineData(5000, "5 s")]
    [InlineData(-5000, "-5 s")]
    [InlineData(600_000, "10 min")]
    [InlineData(86_400_000, "1 day")]
    [InlineData(1500, "1500 ms")]
    public void Durations_are_written_as_a_person_writes_them(int milliseconds, string expected) =>
        Assert.Equal(expected, OptionChecks.Human(TimeSpan.FromMilliseconds(milliseconds)));
}
