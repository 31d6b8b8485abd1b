using System.Globalization;
using System.Text.Json.Nodes;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Ebay;

public sealed class EbayApp(string clientId, string secret)
{
    public string ClientId { get; } = clientId;
    public string Secret { get; } = secret;
}

/// <summary>A shipping fulfillment made for an eBay order.</summary>
public sealed record EbayFulfillment(string Id, string TrackingNumber, string Carrier, IReadOnlyList<string> LineItemIds);

/// <summary>An eBay seller who authorized an app: the refresh token, orders (the common model), inventory items, fulfillments.</summary>
public sealed class EbaySeller(string name, string clientId, string refreshToken, string currency)
{
    public string Name { get; } = name;
    public string ClientId { get; } = clientId;
    public string RefreshToken { get; } = refreshToken;
    public string Currency { get; } = currency;
    public bool Revoked { get; set; }
    public object Gate { get; } = new();
    public Dictionary<string, TopTrade> Orders { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<EbayFulfillment>> Fulfillments { get; } = new(StringComparer.Ordinal);
    public SellerListings Listings { get; } = new();
}

/// <summary>eBay as the sandbox holds it: apps, sellers by refresh token, access tokens issued (with their expiry), and how orders are written.</summary>
public sealed class EbayPlatform
{
    private long _next = 10_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 10_000_000 * 1_000;

    public Dictionary<string, EbayApp> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, EbaySeller> Sellers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (EbaySeller Seller, DateTime Until)> AccessTokens { get; } = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public static readonly TimeSpan TokenLife = TimeSpan.FromHours(2);

    public long NextId() => Interlocked.Add(ref _next, 1 + Random.Shared.Next(1, 97));

    /// <summary>eBay's order id form: 2 digits, 5 digits, 5 digits (12-34567-89012).</summary>
    public static string OrderId(TopTrade o)
    {
        var digits = (o.Tid % 1_000_000_000_000).ToString("D12", CultureInfo.InvariantCulture);
        return $"{digits[..2]}-{digits[2..7]}-{digits[7..]}";
    }

    public static string LineId(TopTrade o, int index) => (o.Tid * 10 + index + 1).ToString(CultureInfo.InvariantCulture);

    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static JsonObject Money(long minor, string currency) =>
        new() { ["value"] = SandboxMoney.Format(minor, currency), ["currency"] = currency };

    public static JsonObject ToJson(TopTrade o, string currency, bool malformed, IReadOnlyList<EbayFulfillment> fulfillments)
    {
        var fulfilled = fulfillments.SelectMany(f => f.LineItemIds).ToHashSet(StringComparer.Ordinal);
        var lines = new JsonArray();
        for (var i = 0; i < o.Lines.Count; i++)
        {
            var l = o.Lines[i];
            var line = new JsonObject
            {
                ["lineItemId"] = LineId(o, i), ["legacyItemId"] = l.NumIid.ToString(CultureInfo.InvariantCulture), ["legacyVariationId"] = l.SkuId.ToString(CultureInfo.InvariantCulture),
                ["sku"] = l.OuterSkuId, ["title"] = l.Title, ["quantity"] = l.Num, ["lineItemCost"] = Money(l.Price * l.Num, currency),
                ["lineItemFulfillmentStatus"] = fulfilled.Contains(LineId(o, i)) ? "FULFILLED" : "NOT_STARTED",
                ["lineItemFulfillmentInstructions"] = new JsonObject { ["shipByDate"] = Iso(o.ShipBy ?? o.Created.AddDays(3)), ["guaranteedDelivery"] = false },
            };
            if (l.Price * l.Num > l.Paid)
                line["appliedPromotions"] = new JsonArray(new JsonObject { ["discountAmount"] = Money(l.Price * l.Num - l.Paid, currency), ["description"] = "店铺优惠" });
            lines.Add(line);
        }
        var payment = o.Status switch
        {
            "WAIT_BUYER_PAY" or "TRADE_NO_CREATE_PAY" => "PENDING",
            _ => o.Lines.All(l => l.RefundStatus == "SUCCESS") ? "FULLY_REFUNDED" : o.Lines.Any(l => l.RefundStatus == "SUCCESS") ? "PARTIALLY_REFUNDED" : "PAID",
        };
        var fulfillment = fulfilled.Count == 0 ? "NOT_STARTED" : fulfilled.Count == o.Lines.Count ? "FULFILLED" : "IN_PROGRESS";
        return new JsonObject
        {
            ["orderId"] = OrderId(o), ["creationDate"] = Iso(o.Created), ["lastModifiedDate"] = Iso(o.Modified),
            ["orderFulfillmentStatus"] = fulfillment, ["orderPaymentStatus"] = payment,
            ["cancelStatus"] = new JsonObject
            {
                ["cancelState"] = o.Status is "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO" ? "CANCELED" : o.Lines[0].RefundStatus == "WAIT_SELLER_AGREE" ? "IN_PROGRESS" : "NONE_REQUESTED",
            },
            ["buyer"] = new JsonObject { ["username"] = o.BuyerNick },
            ["buyerCheckoutNotes"] = o.BuyerMessage,
            ["pricingSummary"] = new JsonObject
            {
                ["priceSubtotal"] = Money(o.TotalFee, currency), ["priceDiscount"] = Money(-o.DiscountFee, currency), ["deliveryCost"] = Money(o.PostFee, currency),
                ["total"] = malformed ? new JsonObject { ["value"] = "twelve", ["currency"] = currency } : Money(o.Payment, currency),
            },
            ["fulfillmentStartInstructions"] = new JsonArray(new JsonObject
            {
                ["shippingStep"] = new JsonObject
                {
                    ["shipTo"] = new JsonObject
                    {
                        ["fullName"] = o.ReceiverName, ["primaryPhone"] = new JsonObject { ["phoneNumber"] = o.ReceiverMobile },
                        ["contactAddress"] = new JsonObject
                        {
                            ["addressLine1"] = o.ReceiverAddress, ["addressLine2"] = o.ReceiverDistrict, ["city"] = o.ReceiverCity, ["stateOrProvince"] = o.ReceiverState,
                            ["postalCode"] = o.ReceiverZip, ["countryCode"] = o.Country,
                        },
                    },
                },
            }),
            ["lineItems"] = lines,
        };
    }
}
