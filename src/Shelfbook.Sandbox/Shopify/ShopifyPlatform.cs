using System.Globalization;
using System.Text.Json.Nodes;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Shopify;

/// <summary>A fulfillment made for an order: the tracking number and company, and which lines it carried.</summary>
public sealed record ShopifyFulfillment(long Id, string TrackingNumber, string Company, IReadOnlyList<long> LineIds);

/// <summary>
/// A Shopify store: its domain name, access token, location, currency, orders (the sandbox's common model, amounts in
/// the currency's minor units), listings, fulfillments, and the REST leaky bucket (40 calls, 2 a second).
/// </summary>
public sealed class ShopifyStore(string name, string accessToken, long locationId, string currency)
{
    public string Name { get; } = name;
    public string AccessToken { get; } = accessToken;
    public long LocationId { get; } = locationId;
    public string Currency { get; set; } = currency;
    public bool Revoked { get; set; }
    public object Gate { get; } = new();
    public Dictionary<long, TopTrade> Orders { get; } = [];
    public Dictionary<long, List<ShopifyFulfillment>> Fulfillments { get; } = [];
    public SellerListings Listings { get; } = new();

    public const int BucketSize = 40;
    public const double LeakPerSecond = 2;
    private double _level;
    private DateTime _leakedAt = DateTime.MinValue;

    /// <summary>Takes one call from the bucket; false when it is full (the caller answers 429).</summary>
    public bool TryCall(DateTime now, out int level)
    {
        lock (Gate)
        {
            if (_leakedAt != DateTime.MinValue) _level = Math.Max(0, _level - (now - _leakedAt).TotalSeconds * LeakPerSecond);
            _leakedAt = now;
            if (_level + 1 > BucketSize)
            {
                level = (int)Math.Ceiling(_level);
                return false;
            }
            _level += 1;
            level = (int)Math.Ceiling(_level);
            return true;
        }
    }
}

/// <summary>Shopify as the sandbox holds it, and how it writes orders, fulfillment orders and products.</summary>
public sealed class ShopifyPlatform
{
    private long _next = 5_000_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 10_000;

    public Dictionary<string, ShopifyStore> Stores { get; } = new(StringComparer.Ordinal);
    public object Gate { get; } = new();

    public long NextId() => Interlocked.Add(ref _next, 1 + Random.Shared.Next(1, 97));

    public static string Money(long minor, string currency) => SandboxMoney.Format(minor, currency);

    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);

    public static long LineId(TopTrade order, int index) => order.Tid * 10 + index + 1;

    public static JsonObject ToJson(TopTrade o, string currency, bool malformed, IReadOnlyList<ShopifyFulfillment> fulfillments)
    {
        var fulfilled = fulfillments.SelectMany(f => f.LineIds).ToHashSet();
        var lines = new JsonArray();
        for (var i = 0; i < o.Lines.Count; i++)
        {
            var l = o.Lines[i];
            lines.Add(new JsonObject
            {
                ["id"] = LineId(o, i), ["product_id"] = l.NumIid, ["variant_id"] = l.SkuId, ["sku"] = l.OuterSkuId, ["title"] = l.Title, ["variant_title"] = l.SkuProperties,
                ["quantity"] = l.Num, ["price"] = Money(l.Price, currency), ["total_discount"] = Money(l.Price * l.Num - l.Paid, currency),
                ["fulfillable_quantity"] = fulfilled.Contains(LineId(o, i)) ? 0 : l.Num,
            });
        }
        var financial = o.Status switch
        {
            "WAIT_BUYER_PAY" or "TRADE_NO_CREATE_PAY" => "pending",
            "TRADE_CLOSED_BY_TAOBAO" => "voided",
            _ => o.Lines.All(l => l.RefundStatus == "SUCCESS") ? "refunded" : o.Lines.Any(l => l.RefundStatus == "SUCCESS") ? "partially_refunded" : "paid",
        };
        var fulfillment = fulfilled.Count == 0 ? null : fulfilled.Count == o.Lines.Count ? "fulfilled" : "partial";
        return new JsonObject
        {
            ["id"] = o.Tid, ["name"] = $"#{o.Tid % 100_000}", ["created_at"] = Iso(o.Created), ["updated_at"] = Iso(o.Modified),
            ["processed_at"] = Iso(o.PayTime ?? o.Created), ["cancelled_at"] = o.Status == "TRADE_CLOSED" ? Iso(o.Modified) : null,
            ["financial_status"] = financial, ["fulfillment_status"] = fulfillment, ["currency"] = currency,
            ["total_price"] = malformed ? "twelve" : Money(o.Payment, currency), ["subtotal_price"] = Money(o.TotalFee - o.DiscountFee, currency),
            ["total_discounts"] = Money(o.DiscountFee, currency),
            ["total_shipping_price_set"] = new JsonObject { ["shop_money"] = new JsonObject { ["amount"] = Money(o.PostFee, currency), ["currency_code"] = currency } },
            ["note"] = o.BuyerMessage, ["customer"] = new JsonObject { ["first_name"] = o.BuyerNick, ["last_name"] = null },
            ["shipping_address"] = new JsonObject
            {
                ["name"] = o.ReceiverName, ["phone"] = o.ReceiverMobile, ["address1"] = o.ReceiverAddress, ["address2"] = o.ReceiverDistrict, ["city"] = o.ReceiverCity,
                ["province"] = o.ReceiverState, ["country_code"] = o.Country, ["zip"] = o.ReceiverZip,
            },
            ["line_items"] = lines,
        };
    }
}
