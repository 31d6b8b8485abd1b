using System.Globalization;
using System.Text.Json.Nodes;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Pinduoduo;

public sealed class PddClient(string clientId, string secret)
{
    public string ClientId { get; } = clientId;
    public string Secret { get; } = secret;
}

/// <summary>A Pinduoduo mall that authorized a client: its access token and its orders (held in the sandbox's common order model).</summary>
public sealed class PddMall(string name, string clientId, string accessToken)
{
    public string Name { get; } = name;
    public string ClientId { get; } = clientId;
    public string AccessToken { get; } = accessToken;
    public bool Revoked { get; set; }

    /// <summary>The refresh token that renews the mall's access token (rotated on every refresh); null when it was given none.</summary>
    public string? RefreshToken { get; set; }

    public object Gate { get; } = new();
    public Dictionary<string, TopTrade> Orders { get; } = new(StringComparer.Ordinal);
    public SellerListings Listings { get; } = new();
}

/// <summary>Pinduoduo as the sandbox holds it, and how it writes an order.</summary>
public sealed class PddPlatform
{
    private long _next = 100_000_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 1_000_000;

    public Dictionary<string, PddClient> Clients { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PddMall> Malls { get; } = new(StringComparer.Ordinal);

    /// <summary>Access tokens that have expired (or were replaced by a refresh): answered 10019.</summary>
    public HashSet<string> Expired { get; } = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public long NextId() => Interlocked.Add(ref _next, 1 + Random.Shared.Next(1, 997));

    /// <summary>Pinduoduo's order number: the day it was placed and a serial (yyMMdd-nnnnnnnnnnnnnnn).</summary>
    public static string OrderSn(TopTrade order) =>
        $"{order.Created + TopTrade.Beijing:yyMMdd}-{order.Tid % 1_000_000_000_000_000:D15}";

    /// <summary>Only orders paid (成交) or cancelled after it are listed; unpaid ones do not exist for the seller.</summary>
    public static bool Listed(TopTrade order) => order.Status is not ("WAIT_BUYER_PAY" or "TRADE_NO_CREATE_PAY" or "TRADE_CLOSED_BY_TAOBAO");

    public static JsonObject ToJson(TopTrade o, bool malformed)
    {
        var (orderStatus, confirmStatus) = o.Status switch
        {
            "WAIT_BUYER_CONFIRM_GOODS" => (2, 1),
            "TRADE_FINISHED" or "TRADE_BUYER_SIGNED" => (3, 1),
            "TRADE_CLOSED" => (1, 2),
            _ => (1, 1),
        };
        var refund = o.Lines[0].RefundStatus switch { "WAIT_SELLER_AGREE" or "WAIT_BUYER_RETURN_GOODS" => 2, "SUCCESS" => 4, _ => 1 };
        var items = new JsonArray();
        foreach (var l in o.Lines)
            items.Add(new JsonObject
            {
                ["goods_id"] = l.NumIid, ["sku_id"] = l.SkuId, ["outer_id"] = l.OuterSkuId, ["outer_goods_id"] = l.OuterSkuId, ["goods_name"] = l.Title,
                ["goods_spec"] = l.SkuProperties, ["goods_price"] = l.Price / 100m, ["goods_count"] = l.Num,
            });
        return new JsonObject
        {
            ["order_sn"] = OrderSn(o), ["order_status"] = orderStatus, ["confirm_status"] = confirmStatus, ["refund_status"] = refund, ["after_sales_status"] = 0,
            ["updated_at"] = TopTrade.Local(o.Modified), ["created_time"] = TopTrade.Local(o.Created), ["confirm_time"] = o.PayTime is { } p ? TopTrade.Local(p) : null,
            ["pay_time"] = o.PayTime is { } paid ? TopTrade.Local(paid) : null,
            ["last_ship_time"] = o.ShipBy is { } shipBy ? TopTrade.Local(shipBy) : null,
            ["is_pre_sale"] = o.Presale ? 1 : 0, ["pre_sale_time"] = o.Presale && o.ShipBy is { } presale ? TopTrade.Local(presale) : "",
            ["pay_amount"] = malformed ? "十二元" : (JsonNode)(o.Payment / 100m), ["goods_amount"] = o.TotalFee / 100m, ["discount_amount"] = o.DiscountFee / 100m,
            ["postage"] = o.PostFee / 100m, ["platform_discount"] = 0m, ["seller_discount"] = o.DiscountFee / 100m,
            ["receiver_name"] = o.ReceiverName, ["receiver_phone"] = o.ReceiverMobile, ["receiver_address"] = o.ReceiverAddress,
            ["province"] = o.ReceiverState, ["city"] = o.ReceiverCity, ["town"] = o.ReceiverDistrict, ["country"] = "中国",
            ["buyer_memo"] = o.BuyerMessage, ["remark"] = o.SellerMemo, ["item_list"] = items,
            ["tracking_number"] = o.Lines[0].InvoiceNo, ["logistics_id"] = o.Lines[0].LogisticsCompany is { } carrier ? long.Parse(carrier, CultureInfo.InvariantCulture) : null,
        };
    }

    public static string Unix(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
