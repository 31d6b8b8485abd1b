using System.Text;
using Shelfbook.Channels.Connectors.Douyin;
using Shelfbook.Channels.Connectors.Jd;
using Shelfbook.Channels.Connectors.Pinduoduo;
using Shelfbook.Channels.Connectors.Shopify;
using Shelfbook.Channels.Connectors.Taobao;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Channels.Tests.Connectors;

/// <summary>Every signature example of platform-apis.md, reproduced by the connector (and, for TOP, by the sandbox's own check).</summary>
public sealed class SigningTests
{
    private static readonly Dictionary<string, string> TopDoc = new(StringComparer.Ordinal)
    {
        ["app_key"] = "12345678", ["fields"] = "num_iid,title,nick,price,num", ["format"] = "json", ["method"] = "taobao.item.seller.get",
        ["num_iid"] = "11223344", ["session"] = "test", ["sign_method"] = "md5", ["timestamp"] = "2016-01-01 12:00:00", ["v"] = "2.0",
    };

    private static IEnumerable<KeyValuePair<string, string?>> Nullable(Dictionary<string, string> values) =>
        values.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value));

    [Theory]
    [InlineData("md5", "66987CB115214E59E6EC978214934FB8")]
    [InlineData("hmac", "D56D7858309C31B6251083A874D48273")]
    [InlineData("hmac-sha256", "04DB15AD0774D5CFCE2C837DE43E3FCEA9011ED74F3038FB6AB5F3C4CEA119E8")]
    public void Top_signs_the_documented_request(string method, string expected)
    {
        var form = new Dictionary<string, string>(TopDoc, StringComparer.Ordinal) { ["sign_method"] = method };

        Assert.Equal(expected, TopSigner.Sign(Nullable(form), "helloworld", method));
        Assert.Equal(expected, TopGateway.Signature(form, "helloworld", method));
    }

    [Fact]
    public void Top_signs_the_second_documented_md5_example_and_ignores_sign_and_empty_values()
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app_key"] = "test", ["fields"] = "nick", ["format"] = "xml", ["method"] = "taobao.user.seller.get", ["session"] = "test",
            ["sign_method"] = "md5", ["timestamp"] = "2013-05-06 13:52:03", ["v"] = "2.0", ["sign"] = "whatever", ["partner_id"] = "",
        };

        Assert.Equal("72CB4D809B375A54502C09360D879C64", TopSigner.Sign(Nullable(form), "test", "md5"));
        Assert.Equal("72CB4D809B375A54502C09360D879C64", TopGateway.Signature(form, "test", "md5"));
    }

    [Fact]
    public void Pinduoduo_signs_the_documented_request()
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = "pdd.order.number.list.get", ["page_size"] = "10", ["page"] = "1", ["order_status"] = "1", ["client_id"] = "1",
            ["data_type"] = "XML", ["access_token"] = "asd78172s8ds9a921j9qqwda12312w1w21211", ["timestamp"] = "1480411125",
        };

        Assert.Equal("E4DE3ED21002510DED352819E7AE6775", PddSigner.Sign(Nullable(form), "testSecret"));
        Assert.Equal("E4DE3ED21002510DED352819E7AE6775", Shelfbook.Sandbox.Pinduoduo.PddGateway.Signature(form, "testSecret"));
    }

    [Fact]
    public void Jd_signs_the_documented_request()
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["360buy_param_json"] = """{"end_date":null,"optional_fields":null,"order_state":"WAIT_SELLER_STOCK_OUT","page":"1","page_size":"200","start_date":null}""",
            ["access_token"] = "yourtoken", ["app_key"] = "yourappkey", ["method"] = "jingdong.pop.order.search",
            ["timestamp"] = "2021-05-07 09:20:39.683+0800", ["v"] = "2.0",
        };

        Assert.Equal("D70825340F4084360B9362B60DFD7930", JdSigner.Sign(Nullable(form), "yourappSecret"));
        Assert.Equal("D70825340F4084360B9362B60DFD7930", Shelfbook.Sandbox.Jd.JdGateway.Signature(form, "yourappSecret"));
    }

    [Theory]
    [InlineData("md5", "a84d3597bbb7aaeb0540d1022623165c")]
    [InlineData("hmac-sha256", "8a5350b8fdacaa753c0885ab9859d382a31de4add09c6943c1d34298bd2165f1")]
    public void Douyin_signs_the_sdk_example_in_lower_case(string method, string expected)
    {
        // The connector writes param_json itself: sorted keys, no whitespace.
        var paramJson = Shelfbook.Channels.Connectors.SortedJson.Serialize(new Dictionary<string, object?> { ["size"] = 100, ["page"] = 0 });
        Assert.Equal("""{"page":0,"size":100}""", paramJson);
        Assert.Equal(expected, DouyinSigner.Sign("appkey123", "secret123", "order.searchList", paramJson, "1800000000", method));
        Assert.Equal(expected, Shelfbook.Sandbox.Douyin.DouyinGateway.Signature("appkey123", "secret123", "order.searchList", paramJson, "1800000000", method));
    }

    [Fact]
    public void Shopify_webhook_signature_matches_the_documented_one_and_a_changed_body_fails()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}""");

        Assert.Equal("QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=", ShopifyWebhook.Sign(body, "test-webhook-secret"));
        Assert.True(ShopifyWebhook.Verify(body, "test-webhook-secret", "QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw="));
        body[^2] = (byte)'6';
        Assert.False(ShopifyWebhook.Verify(body, "test-webhook-secret", "QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw="));
    }
}
