using Shelfbook.Orders.Addresses;

namespace Shelfbook.Orders.Tests.Addresses;

/// <summary>Reading receivers' addresses against the embedded list of China's provinces, cities and districts.</summary>
public sealed class ChinaRegionsTests
{
    [Theory]
    [InlineData("浙江", "浙江省")]
    [InlineData("浙江省", "浙江省")]
    [InlineData(" 广西 ", "广西壮族自治区")]
    [InlineData("内蒙古", "内蒙古自治区")]
    [InlineData("北京", "北京市")]
    [InlineData("香港", "香港特别行政区")]
    [InlineData("火星省", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_province_written_short_or_whole_comes_back_by_its_standard_name(string? text, string? expected) =>
        Assert.Equal(expected, ChinaRegions.ProvinceOf(text));

    [Theory]
    [InlineData("浙江省杭州市西湖区文三路 478 号", "浙江省", "杭州市", "西湖区", "文三路 478 号")]
    [InlineData("浙江 杭州 西湖区 文三路 478 号", "浙江省", "杭州市", "西湖区", "文三路 478 号")]
    [InlineData("北京市朝阳区建国路 88 号", "北京市", "北京市", "朝阳区", "建国路 88 号")]
    [InlineData("北京市北京市朝阳区建国路 88 号", "北京市", "北京市", "朝阳区", "建国路 88 号")]
    [InlineData("上海市市辖区浦东新区张江路 665 号", "上海市", "上海市", "浦东新区", "张江路 665 号")]
    [InlineData("湖北省仙桃市干河街道 1 号", "湖北省", "仙桃市", null, "干河街道 1 号")]
    [InlineData("深圳市南山区科技园", "广东省", "深圳市", "南山区", "科技园")]
    [InlineData("新疆乌鲁木齐市天山区解放北路 90 号", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路 90 号")]
    [InlineData("文三路 478 号", null, null, null, "文三路 478 号")]
    [InlineData("吉林市船营区解放路 1 号", "吉林省", "吉林市", "船营区", "解放路 1 号")]
    [InlineData("北京路 88 号", null, null, null, "北京路 88 号")]
    [InlineData("杭州市西湖文化广场 1 号", "浙江省", "杭州市", null, "西湖文化广场 1 号")]
    [InlineData("浙江杭州西湖区文三路 1 号", "浙江省", "杭州市", "西湖区", "文三路 1 号")]
    [InlineData("上海浦东新区张江路 665 号", "上海市", "上海市", "浦东新区", "张江路 665 号")]
    public void A_one_line_address_is_split_into_province_city_district_and_street(string line, string? province, string? city, string? district, string? street) =>
        Assert.Equal(new ParsedAddress(province, city, district, street), ChinaRegions.Parse(line));

    [Fact]
    public void Normalizing_names_the_place_in_full_takes_a_repeated_place_off_the_street_and_keeps_what_it_does_not_know()
    {
        Assert.Equal(new ParsedAddress("浙江省", "杭州市", "西湖区", "文三路 478 号"), ChinaRegions.Normalize("CN", "浙江", "杭州", "西湖区", "浙江省杭州市西湖区文三路 478 号"));
        Assert.Equal(new ParsedAddress("浙江省", "杭州市", "西湖区", "文三路 478 号"), ChinaRegions.Normalize(null, null, null, null, "浙江省杭州市西湖区文三路 478 号"));
        // A street that starts with a short place name is a street (浙江路, 西湖文化广场), not the place again.
        Assert.Equal(new ParsedAddress("浙江省", "杭州市", null, "西湖文化广场 1 号"), ChinaRegions.Normalize("中国", "浙江省", "杭州市", null, "西湖文化广场 1 号"));
        Assert.Equal(new ParsedAddress("上海市", "上海市", "黄浦区", "浙江中路 1 号"), ChinaRegions.Normalize("CN", "上海", null, "黄浦区", "浙江中路 1 号"));
        // A district the list does not know yet is kept; an unknown province keeps everything as given.
        Assert.Equal(new ParsedAddress("江苏省", "苏州市", "工业园区", "星湖街 328 号"), ChinaRegions.Normalize("CN", "江苏省", "苏州市", "工业园区", "星湖街 328 号"));
        Assert.Equal(new ParsedAddress("火星省", "杭州市", null, "文三路"), ChinaRegions.Normalize("CN", "火星省", "杭州市", null, "文三路"));
        Assert.False(ChinaRegions.Recognised("CN", "火星省"));
        // Abroad, nothing is judged or changed.
        Assert.Equal(new ParsedAddress("CA", "San Jose", null, "2145 Hamilton Ave"), ChinaRegions.Normalize("US", "CA", "San Jose", null, "2145 Hamilton Ave"));
        Assert.True(ChinaRegions.Recognised("US", "CA"));
    }
}

/// <summary>智能识别: a receiver pasted whole is read into name, phone, postal code and place.</summary>
public sealed class PastedAddressTests
{
    [Theory]
    [InlineData("张三 13812345678 浙江省杭州市西湖区文三路 478 号", "张三", "13812345678", null, "浙江省", "杭州市", "西湖区", "文三路 478 号")]
    [InlineData("浙江省杭州市西湖区文三路478号，张三，138-1234-5678", "张三", "13812345678", null, "浙江省", "杭州市", "西湖区", "文三路478号")]
    [InlineData("收货人：李四\n手机号码：+86 13900001111\n所在地区：广东省 深圳市 南山区\n详细地址：科技园南区高新南七道 9 号", "李四", "13900001111", null, "广东省", "深圳市", "南山区", "科技园南区高新南七道 9 号")]
    [InlineData("王五 021-62345678 上海 浦东新区 张江路 665 号 201203", "王五", "021-62345678", "201203", "上海市", "上海市", "浦东新区", "张江路 665 号")]
    [InlineData("北京市朝阳区建国路 88 号 SOHO 现代城", null, null, null, "北京市", "北京市", "朝阳区", "建国路 88 号 SOHO 现代城")]
    [InlineData("赵六 13700000000 文三路 478 号", "赵六", "13700000000", null, null, null, null, "文三路 478 号")]
    public void A_pasted_receiver_is_read_into_its_parts(string text, string? name, string? phone, string? postal, string? province, string? city, string? district, string? street)
    {
        var read = PastedAddress.Read(text);
        Assert.Equal((name, phone, postal), (read.Name, read.Phone, read.PostalCode));
        Assert.Equal(new ParsedAddress(province, city, district, street), read.Place);
    }

    [Fact]
    public void Nothing_pasted_reads_nothing() =>
        Assert.Equal(new PastedReceiver(null, null, null, new ParsedAddress(null, null, null, null)), PastedAddress.Read("  "));
}
