namespace Fillwise.Exchange.Tests;

public sealed class SigningTests
{
    // Binance's documented example (USDⓈ-M "SIGNED Endpoint Examples for POST /fapi/v1/order", example 1).
    private const string DocSecret = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
    private const string DocQuery = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
    private const string DocSignature = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9";

    [Fact]
    public void Signs_binances_documented_example()
    {
        Assert.Equal(DocSignature, BinanceSigning.Sign(DocSecret, DocQuery));
        Assert.True(BinanceSigning.Verify(DocSecret, DocQuery, DocSignature.ToUpperInvariant()));
        Assert.False(BinanceSigning.Verify(DocSecret, DocQuery.Replace("9000", "9001", StringComparison.Ordinal), DocSignature));
    }

    [Fact]
    public void The_signed_string_is_the_query_then_the_body_without_the_signature()
    {
        // Binance's example 3 (mixed): totalParams is the bare concatenation, no '&' at the join.
        var request = new RestRequest("?symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC", "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943&signature=abc");
        Assert.Equal("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000&recvWindow=5000&timestamp=1591702613943", request.TotalParams);
        Assert.Equal("abc", request.Raw("signature"));
        Assert.Equal("9000", request.Raw("price"));

        var query = new RestRequest("?" + DocQuery + "&signature=" + DocSignature, "");
        Assert.True(BinanceSigning.Verify(DocSecret, query.TotalParams, query.Raw("signature")!));
    }

    [Theory]
    [InlineData(6394390_000_000L, 2, "63943.90")]
    [InlineData(9_500_000L, 3, "0.095")]
    [InlineData(100_000_000L, 0, "1")]
    [InlineData(12_345_678L, 2, "0.12345678")]
    [InlineData(-50_000_000L, 1, "-0.5")]
    public void Formats_fixed8_with_the_symbols_precision(long raw, int places, string expected)
    {
        Span<byte> buffer = stackalloc byte[32];
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(Json.Format(raw, places, buffer)));
    }
}
