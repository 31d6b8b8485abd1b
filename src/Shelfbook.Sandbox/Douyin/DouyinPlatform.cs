using System.Globalization;
using System.Text.Json.Nodes;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Douyin;

public sealed class DouyinApp(string appKey, string secret)
{
    public string AppKey { get; } = appKey;
    public string Secret { get; } = secret;
}

/// <summary>A Douyin shop that authorized an app: its access token, orders (the sandbox's common model) and listings.</summary>
public sealed class DouyinShop(string name, string appKey, string accessToken)
{
    public string Name { get; } = name;
    public string AppKey { get; } = appKey;
    public string AccessToken { get; } = accessToken;
    public bool Revoked { get; set; }

    /// <summary>The refresh token that renews the shop's access token (rotated on every refresh); null before consent.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>Write the next orders' amounts in yuan (a decimal) instead of fen: the wrong unit a connector must refuse.</summary>
    public bool AmountsInYuan { get; set; }

    public object Gate { get; } = new();
    public Dictionary<string, TopTrade> Orders { get; } = new(StringComparer.Ordinal);
    public SellerListings Listings { get; } = new();
}

/// <summary>Douyin (抖店) as the sandbox holds it, and how it writes an order (amounts in fen, times in Unix seconds).</summary>
public sealed class DouyinPlatform
{
    private long _next = 6_900_000_000_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 1_000;

    public Dictionary<string, DouyinApp> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DouyinShop> Shops { get; } = new(StringComparer.Ordinal);

    /// <summary>Access tokens that have expired (or were replaced by a refresh): answered 30001.</summary>
    public HashSet<string> Expired { get; } = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public long NextId() => Interlocked.Add(ref _next, 1 + Random.Shared.Next(1, 997));

    public static string OrderId(TopTrade order) => order.Tid.ToString(CultureInfo.InvariantCulture);

    public static long Unix(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();

    /// <summary>The order's status number: 1 unpaid, 105 paid, 101 partly shipped, 3 shipped, 4 cancelled, 5 completed.</summary>
    public static int Status(TopTrade o) => o.Status switch
    {
        "WAIT_BUYER_PAY" or "TRADE_NO_CREATE_PAY" => 1,
        "SELLER_CONSIGNED_PART" => 101,
        "WAIT_BUYER_CONFIRM_GOODS" => 3,
        "TRADE_FINISHED" or "TRADE_BUYER_SIGNED" => 5,
        "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO" => 4,
        _ => 105,
    };

    public static JsonObject ToJson(TopTrade o, bool malformed, bool inYuan)
    {
        JsonNode Money(long fen) => inYuan ? JsonValue.Create(fen / 100m)! : JsonValue.Create(fen)!;
        var lines = new JsonArray();
        var i = 0;
        foreach (var l in o.Lines)
            lines.Add(new JsonObject
            {
                ["order_id"] = $"{o.Tid}{++i:D2}", ["parent_order_id"] = OrderId(o), ["product_id"] = l.NumIid.ToString(CultureInfo.InvariantCulture),
                ["sku_id"] = l.SkuId.ToString(CultureInfo.InvariantCulture), ["out_sku_id"] = l.OuterSkuId, ["code"] = l.OuterSkuId, ["product_name"] = l.Title,
                ["spec_desc"] = l.SkuProperties, ["item_num"] = l.Num, ["origin_amount"] = Money(l.Price * l.Num), ["pay_amount"] = Money(l.Paid),
                ["after_sale_status"] = l.RefundStatus switch { "WAIT_SELLER_AGREE" or "WAIT_BUYER_RETURN_GOODS" => 6, "SUCCESS" => 12, "CLOSED" => 28, _ => 0 },
            });
        var order = new JsonObject
        {
            ["order_id"] = OrderId(o), ["order_status"] = Status(o), ["create_time"] = Unix(o.Created), ["update_time"] = Unix(o.Modified),
            ["pay_time"] = o.PayTime is { } paid ? Unix(paid) : 0,
            ["exp_ship_time"] = o.ShipBy is { } shipBy ? Unix(shipBy) : 0, ["pre_sale_type"] = o.Presale ? 1 : 0,
            ["order_amount"] = Money(o.TotalFee + o.PostFee), ["pay_amount"] = malformed ? "十二元" : Money(o.Payment), ["post_amount"] = Money(o.PostFee),
            ["buyer_words"] = o.BuyerMessage ?? "", ["seller_words"] = o.SellerMemo ?? "",
            ["encrypt_post_receiver"] = o.ReceiverName, ["encrypt_post_tel"] = o.ReceiverMobile,
            ["post_addr"] = new JsonObject
            {
                ["province"] = new JsonObject { ["name"] = o.ReceiverState }, ["city"] = new JsonObject { ["name"] = o.ReceiverCity },
                ["town"] = new JsonObject { ["name"] = o.ReceiverDistrict }, ["encrypt_detail"] = o.ReceiverAddress,
            },
            ["sku_order_list"] = lines,
        };
        if (o.Lines[0].InvoiceNo is { } tracking)
            order["logistics_info"] = new JsonArray(new JsonObject { ["tracking_no"] = tracking, ["company"] = o.Lines[0].LogisticsCompany });
        return order;
    }
}
