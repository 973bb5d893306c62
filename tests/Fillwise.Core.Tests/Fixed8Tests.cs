using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Fillwise.Core;

namespace Fillwise.Core.Tests;

public sealed class Fixed8Tests
{
    [Theory]
    [InlineData("63943.90", 6_394_390_000_000L)]
    [InlineData("0.000", 0L)]
    [InlineData("5", 500_000_000L)]
    [InlineData("0.00000001", 1L)]
    [InlineData("1.1234567800", 112_345_678L)]
    [InlineData(".5", 50_000_000L)]
    [InlineData("569.567", 56_956_700_000L)]
    public void Parses_exchange_decimals_exactly(string text, long raw)
    {
        Assert.True(Fixed8.TryParse(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(raw, value.Raw);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("-1")]
    [InlineData("1e5")]
    [InlineData("1.000000001")]
    [InlineData("1,5")]
    [InlineData("99999999999999")]
    [InlineData("1.2.3")]
    public void Rejects_what_is_not_an_exact_plain_decimal(string text) =>
        Assert.False(Fixed8.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void Decimal_round_trip_is_exact_for_any_eight_decimal_value()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 99_999_999)).ToArbitrary(), t =>
        {
            var value = t.Item1 + (t.Item2 / 100_000_000m);
            var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Fixed8.TryParse(Encoding.ASCII.GetBytes(text), out var parsed)
                && parsed.ToDecimal() == value
                && Fixed8.FromDecimal(value) == parsed
                && parsed.ToString() == text;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void More_than_eight_decimals_do_not_convert_silently() =>
        Assert.False(Fixed8.TryFromDecimal(0.123456789m, out _));
}
