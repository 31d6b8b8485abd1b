namespace Shelfbook.Platform;

/// <summary>Marker for the platform's resources (PlatformStrings.resx: zh-CN, PlatformStrings.en.resx: English).</summary>
public sealed class PlatformStrings;
