using Shelfbook.Catalog.Contracts;

namespace Shelfbook.Channels.Connectors;

/// <summary>
/// Shelfbook's carrier codes and each platform's own. [unconfirmed] The TOP codes follow Taobao's logistics company
/// list as commonly published (SF, ZTO, YTO, STO, YUNDA, EMS, POSTB, JD); Pinduoduo's are numeric logistics ids whose
/// values here are the sandbox's reading, as are Douyin's pinyin company codes. Kept in one table so they are easy to correct.
/// </summary>
public static class CarrierCodes
{
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SF"] = "顺丰速运", ["ZTO"] = "中通快递", ["YTO"] = "圆通速递", ["STO"] = "申通快递", ["YUNDA"] = "韵达快递", ["EMS"] = "EMS",
        ["POST"] = "邮政快递包裹", ["JD"] = "京东物流", ["JT"] = "极兔速递",
    };

    private static readonly Dictionary<string, string> Top = new(StringComparer.Ordinal)
    {
        ["SF"] = "SF", ["ZTO"] = "ZTO", ["YTO"] = "YTO", ["STO"] = "STO", ["YUNDA"] = "YUNDA", ["EMS"] = "EMS", ["POST"] = "POSTB", ["JD"] = "JD", ["JT"] = "HTKY",
    };

    private static readonly Dictionary<string, string> Pdd = new(StringComparer.Ordinal)
    {
        ["SF"] = "44", ["ZTO"] = "115", ["YTO"] = "85", ["STO"] = "1", ["YUNDA"] = "121", ["EMS"] = "118", ["POST"] = "132", ["JD"] = "120", ["JT"] = "384",
    };

    private static readonly Dictionary<string, string> Douyin = new(StringComparer.Ordinal)
    {
        ["SF"] = "shunfeng", ["ZTO"] = "zhongtong", ["YTO"] = "yuantong", ["STO"] = "shentong", ["YUNDA"] = "yunda", ["EMS"] = "ems", ["POST"] = "youzhengguonei",
        ["JD"] = "jd", ["JT"] = "jtexpress",
    };

    /// <summary>Shopify takes a tracking company's name; these are names Shopify recognizes for Chinese carriers [unconfirmed].</summary>
    private static readonly Dictionary<string, string> Shopify = new(StringComparer.Ordinal)
    {
        ["SF"] = "SF Express", ["ZTO"] = "ZTO Express", ["YTO"] = "YTO Express", ["STO"] = "STO Express", ["YUNDA"] = "Yunda Express", ["EMS"] = "China EMS",
        ["POST"] = "China Post", ["JD"] = "JD Logistics", ["JT"] = "J&T Express",
    };

    /// <summary>eBay's shippingCarrierCode values for Chinese carriers [unconfirmed].</summary>
    private static readonly Dictionary<string, string> Ebay = new(StringComparer.Ordinal)
    {
        ["SF"] = "SFExpress", ["ZTO"] = "ZTOExpress", ["YTO"] = "YTOExpress", ["STO"] = "STOExpress", ["YUNDA"] = "Yunda", ["EMS"] = "ChinaPostEMS",
        ["POST"] = "ChinaPost", ["JD"] = "JDLogistics", ["JT"] = "JTExpress",
    };

    /// <summary>Amazon's carrierCode values for Chinese carriers [unconfirmed].</summary>
    private static readonly Dictionary<string, string> Amazon = new(StringComparer.Ordinal)
    {
        ["SF"] = "SF Express", ["ZTO"] = "ZTO Express", ["YTO"] = "YTO Express", ["STO"] = "STO Express", ["YUNDA"] = "Yunda Express", ["EMS"] = "China EMS",
        ["POST"] = "China Post", ["JD"] = "JD Logistics", ["JT"] = "J&T Express",
    };

    /// <summary>JD's numeric logiCoprId values [unconfirmed].</summary>
    private static readonly Dictionary<string, string> Jd = new(StringComparer.Ordinal)
    {
        ["SF"] = "467", ["ZTO"] = "1499", ["YTO"] = "463", ["STO"] = "470", ["YUNDA"] = "1327", ["EMS"] = "465", ["POST"] = "2170", ["JD"] = "2087", ["JT"] = "3046",
    };

    /// <summary>The platform's code for the carrier, or null when the platform has none for it.</summary>
    public static string? For(ShopPlatform platform, string carrier) => platform switch
    {
        ShopPlatform.Taobao or ShopPlatform.Tmall => Top.GetValueOrDefault(carrier),
        ShopPlatform.Pinduoduo => Pdd.GetValueOrDefault(carrier),
        ShopPlatform.Douyin => Douyin.GetValueOrDefault(carrier),
        ShopPlatform.Shopify => Shopify.GetValueOrDefault(carrier),
        ShopPlatform.Ebay => Ebay.GetValueOrDefault(carrier),
        ShopPlatform.Amazon => Amazon.GetValueOrDefault(carrier),
        ShopPlatform.Jd => Jd.GetValueOrDefault(carrier),
        _ => null,
    };
}
