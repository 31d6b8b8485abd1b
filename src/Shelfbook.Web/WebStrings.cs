namespace Shelfbook.Web;

/// <summary>Marker for the shell's resources (WebStrings.resx: zh-CN, WebStrings.en.resx: English).</summary>
public sealed class WebStrings;
