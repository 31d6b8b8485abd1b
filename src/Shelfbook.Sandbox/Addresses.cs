namespace Shelfbook.Sandbox;

/// <summary>Realistic buyers and Chinese addresses for generated orders.</summary>
public static class Addresses
{
    public sealed record Place(string Province, string City, string District, string Street, string Zip);

    public static readonly Place[] China =
    [
        new("浙江省", "杭州市", "西湖区", "文三路 478 号华星时代广场 A 座", "310012"),
        new("浙江省", "宁波市", "鄞州区", "天童南路 588 号", "315100"),
        new("江苏省", "南京市", "鼓楼区", "中山北路 283 号", "210003"),
        new("江苏省", "苏州市", "工业园区", "星湖街 328 号创意产业园", "215123"),
        new("广东省", "深圳市", "南山区", "科技园南区高新南七道 9 号", "518057"),
        new("广东省", "广州市", "天河区", "体育西路 191 号中石化大厦", "510620"),
        new("北京市", "北京市", "朝阳区", "建国路 88 号 SOHO 现代城", "100022"),
        new("上海市", "上海市", "浦东新区", "张江路 665 号", "201203"),
        new("四川省", "成都市", "武侯区", "天府大道北段 1700 号", "610041"),
        new("湖北省", "武汉市", "洪山区", "珞喻路 1037 号", "430074"),
        new("山东省", "青岛市", "市南区", "香港中路 61 号", "266071"),
        new("福建省", "厦门市", "思明区", "软件园二期观日路 24 号", "361008"),
        new("陕西省", "西安市", "雁塔区", "科技路 48 号", "710075"),
        new("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路 90 号", "830002"),
    ];

    /// <summary>Buyers abroad, for the cross-border platforms (Shopify, eBay, Amazon): country, state, city, street, postal code.</summary>
    public static readonly (string Country, Place Place)[] Abroad =
    [
        ("US", new("CA", "San Jose", "", "2145 Hamilton Ave", "95125")),
        ("US", new("NY", "Brooklyn", "", "391 Court St Apt 2R", "11231")),
        ("US", new("TX", "Austin", "", "1100 Congress Ave", "78701")),
        ("GB", new("England", "Manchester", "", "12 Deansgate", "M3 2BW")),
        ("DE", new("Berlin", "Berlin", "", "Torstraße 109", "10119")),
        ("JP", new("東京都", "渋谷区", "", "神宮前 1-2-3", "150-0001")),
        ("AU", new("NSW", "Sydney", "", "88 George St", "2000")),
        ("CA", new("ON", "Toronto", "", "250 Yonge St", "M5B 2L7")),
    ];

    private static readonly string[] FirstNames = ["Emma", "Liam", "Olivia", "Noah", "Sophie", "Lukas", "Yui", "Jack", "Mia", "Ethan"];
    private static readonly string[] LastNames = ["Smith", "Johnson", "Müller", "Brown", "Tanaka", "Wilson", "Martin", "Taylor", "Schmidt", "Lee"];

    public static string AbroadName(Random random) => FirstNames[random.Next(FirstNames.Length)] + " " + LastNames[random.Next(LastNames.Length)];

    public static string AbroadPhone(Random random) => "+1 " + random.Next(200, 999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-555-"
                                                        + random.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "林"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "晓燕", "志强"];
    private static readonly string[] Remarks = ["请尽快发货，谢谢", "不要发圆通", "送人的，不要放发票", "周末送货", "请用顺丰，补邮费", "包装结实一点"];

    public static string Name(Random random) => Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)];

    public static string Mobile(Random random) => "1" + "3456789"[random.Next(7)] + random.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string? Remark(Random random, double chance) => random.NextDouble() < chance ? Remarks[random.Next(Remarks.Length)] : null;
}
