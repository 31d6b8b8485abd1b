using System.Globalization;
using System.Text.Json.Nodes;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Amazon;

public sealed class AmazonApp(string clientId, string secret)
{
    public string ClientId { get; } = clientId;
    public string Secret { get; } = secret;

    /// <summary>The app's id in Seller Central (<c>amzn1.sp.solution.…</c>), which the consent page is opened with.</summary>
    public string ApplicationId => "amzn1.sp.solution." + ClientId;
}

/// <summary>A selling partner who authorized an app: refresh token, seller and marketplace ids, orders, listings, confirmed packages and rate limits.</summary>
public sealed class AmazonSeller(string sellerId, string clientId, string refreshToken, string marketplaceId, string currency, double rateScale)
{
    public string SellerId { get; } = sellerId;
    public string ClientId { get; } = clientId;
    public string RefreshToken { get; } = refreshToken;
    public string MarketplaceId { get; } = marketplaceId;
    public string Currency { get; } = currency;
    public bool Revoked { get; set; }
    public object Gate { get; } = new();
    public Dictionary<string, TopTrade> Orders { get; } = new(StringComparer.Ordinal);

    /// <summary>Confirmed packages per order: package reference → tracking number and the items it carried.</summary>
    public Dictionary<string, Dictionary<string, (string Tracking, string Carrier, List<string> Items)>> Packages { get; } = new(StringComparer.Ordinal);

    public SellerListings Listings { get; } = new();

    /// <summary>platform-apis.md §5's rates and bursts, multiplied by the seller's scale (tests speed them up).</summary>
    public Dictionary<string, TokenBucket> Buckets { get; } = new(StringComparer.Ordinal)
    {
        ["getOrders"] = new(0.0167 * rateScale, 20), ["getOrder"] = new(0.5 * rateScale, 30), ["getOrderItems"] = new(0.5 * rateScale, 30),
        ["confirmShipment"] = new(2 * rateScale, 10), ["searchListingsItems"] = new(5 * rateScale, 5), ["patchListingsItem"] = new(5 * rateScale, 5),
    };
}

/// <summary>Amazon as the sandbox holds it: LWA apps, sellers by refresh token, access tokens (an hour), and how orders are written.</summary>
public sealed class AmazonPlatform
{
    private long _next = 1_000_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 10_000_000 * 10_000;

    public Dictionary<string, AmazonApp> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, AmazonSeller> Sellers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (AmazonSeller Seller, DateTime Until)> AccessTokens { get; } = new(StringComparer.Ordinal);
    public object Gate { get; } = new();
    public static readonly TimeSpan TokenLife = TimeSpan.FromHours(1);

    public long NextId() => Interlocked.Add(ref _next, 1 + Random.Shared.Next(1, 97));

    /// <summary>Amazon's order id form, 3-7-7.</summary>
    public static string OrderId(TopTrade o)
    {
        var digits = (o.Tid % 100_000_000_000_000).ToString("D14", CultureInfo.InvariantCulture);
        return $"11{digits[0]}-{digits[1..8]}-{digits[8..]}{o.Tid % 10}";
    }

    public static string ItemId(TopTrade o, int index) => (o.Tid * 10 + index + 1).ToString("D14", CultureInfo.InvariantCulture);

    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static JsonObject Money(long minor, string currency) =>
        new() { ["CurrencyCode"] = currency, ["Amount"] = SandboxMoney.Format(minor, currency) };

    public static string Status(TopTrade o, int packagedItems) => o.Status switch
    {
        "WAIT_BUYER_PAY" or "TRADE_NO_CREATE_PAY" => "Pending",
        "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO" => "Canceled",
        _ when packagedItems == 0 => "Unshipped",
        _ when packagedItems < o.Lines.Count => "PartiallyShipped",
        _ => "Shipped",
    };

    public static JsonObject OrderJson(TopTrade o, string marketplace, string currency, bool malformed, int packagedItems) => new()
    {
        ["AmazonOrderId"] = OrderId(o), ["PurchaseDate"] = Iso(o.Created), ["LastUpdateDate"] = Iso(o.Modified), ["OrderStatus"] = Status(o, packagedItems),
        ["FulfillmentChannel"] = "MFN", ["MarketplaceId"] = marketplace, ["NumberOfItemsShipped"] = 0, ["NumberOfItemsUnshipped"] = o.Lines.Sum(l => l.Num),
        ["OrderTotal"] = malformed ? new JsonObject { ["CurrencyCode"] = currency, ["Amount"] = "twelve" } : Money(o.Payment, currency),
        ["EarliestShipDate"] = Iso(o.Created.AddDays(1)), ["LatestShipDate"] = Iso(o.ShipBy ?? o.Created.AddDays(3)),
        ["ShippingAddress"] = new JsonObject
        {
            ["Name"] = o.ReceiverName, ["AddressLine1"] = o.ReceiverAddress, ["City"] = o.ReceiverCity, ["County"] = o.ReceiverDistrict, ["StateOrRegion"] = o.ReceiverState,
            ["PostalCode"] = o.ReceiverZip, ["CountryCode"] = o.Country, ["Phone"] = o.ReceiverMobile,
        },
    };

    public static JsonArray ItemsJson(TopTrade o, string currency)
    {
        var items = new JsonArray();
        for (var i = 0; i < o.Lines.Count; i++)
        {
            var l = o.Lines[i];
            items.Add(new JsonObject
            {
                ["OrderItemId"] = ItemId(o, i), ["ASIN"] = $"B0{l.NumIid % 100_000_000:D8}", ["SellerSKU"] = l.OuterSkuId, ["Title"] = l.Title, ["QuantityOrdered"] = l.Num,
                ["QuantityShipped"] = l.InvoiceNo is null ? 0 : l.Num, ["ItemPrice"] = Money(l.Price * l.Num, currency), ["ItemTax"] = Money(0, currency),
                ["PromotionDiscount"] = Money(l.Price * l.Num - l.Paid, currency), ["ShippingPrice"] = Money(i == 0 ? o.PostFee : 0, currency), ["ShippingDiscount"] = Money(0, currency),
            });
        }
        return items;
    }
}
