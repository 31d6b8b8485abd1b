using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Tests;

public sealed class MinorUnitsTests
{
    [Theory]
    [InlineData("59.9", 5990L)]
    [InlineData("0.005", 1L)]
    [InlineData("-0.005", -1L)]
    [InlineData("12345678901234567", 100_000_000_000L)]
    public void Typed_yuan_become_fen(string yuan, long fen) =>
        Assert.Equal(fen, MinorUnits.FromMajor(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Fen_are_shown_as_yuan_and_nothing_stays_nothing()
    {
        Assert.Equal("¥1,234.50", MinorUnits.Yuan(123450));
        Assert.Null(MinorUnits.FromMajor(null));
    }
}
