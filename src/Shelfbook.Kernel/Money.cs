using System.Globalization;

namespace Shelfbook.Kernel;

/// <summary>
/// Money is kept as <c>long</c> minor units (分 for CNY) with its currency; people type and read it in major units (元).
/// These are the two conversions at that edge.
/// </summary>
public static class MinorUnits
{
    /// <summary>Above this a typed amount is a slip (a billion yuan); inputs cap at it instead of overflowing.</summary>
    public const decimal MaxMajor = 1_000_000_000m;

    /// <summary>59.9 → 5990, rounded half away from zero; null stays null.</summary>
    public static long? FromMajor(decimal? major) =>
        major is { } m ? (long)Math.Round(Math.Clamp(m, -MaxMajor, MaxMajor) * 100m, MidpointRounding.AwayFromZero) : null;

    public static decimal ToMajor(long minor) => minor / 100m;

    /// <summary>5990 → "¥59.90".</summary>
    public static string Yuan(long minor) => ToMajor(minor).ToString("¥#,0.00", CultureInfo.InvariantCulture);
}
