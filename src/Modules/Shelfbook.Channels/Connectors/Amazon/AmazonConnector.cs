using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Amazon;

/// <summary>
/// Amazon's Selling Partner API (platform-apis.md §5). Calls carry an LWA access token (<c>x-amz-access-token</c>, an
/// hour) got from the shop's refresh token with the app's client id and secret; no SigV4. Merchant-fulfilled orders
/// (<c>FulfillmentChannels=MFN</c>; Amazon ships FBA orders itself) by <c>LastUpdatedAfter/Before</c> with
/// <c>NextToken</c> paging (a token, so an order updated while paging shifts nothing), each order's items read with
/// <c>getOrderItems</c>. Throttled calls (429) wait and are tried again a few times before the run gives way.
/// </summary>
public sealed class AmazonConnector(AccessTokens tokens) : IPlatformConnector, IConsentFlow
{
    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Amazon];

    public Uri DefaultBaseUrl { get; } = new("https://sellingpartnerapi-na.amazon.com/");

    public IReadOnlyList<string> CredentialNames => ["client_id", "client_secret", "refresh_token", "seller_id", "marketplace_id"];

    /// <summary>The app's Seller Central id, which the consent page needs.</summary>
    public IReadOnlyList<string> OptionalCredentialNames => ["application_id"];

    public TimeSpan MaxWindow => TimeSpan.FromDays(1);

    public TimeSpan Overlap => TimeSpan.FromMinutes(5);

    public TimeSpan Lag => TimeSpan.FromMinutes(3);

    /// <summary>LastUpdatedBefore must lie at least two minutes in the past (a few seconds more for clocks apart).</summary>
    public TimeSpan MinimumLag => TimeSpan.FromSeconds(130);

    /// <summary>
    /// Where a window's paging stopped when Amazon throttled it, per (shop, window): the sync backs off and asks for the
    /// same window again, which then goes on from that page instead of spending getOrders' scarce calls (one a minute)
    /// on pages already stored. A page is asked for only after the one before was stored, so every page before it was.
    /// </summary>
    private readonly ConcurrentDictionary<(Guid Shop, DateTime From, DateTime To), string> _resume = new();

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        var marketplace = Uri.EscapeDataString(context.Credentials.Require("marketplace_id"));
        var first = $"orders/v0/orders?MarketplaceIds={marketplace}&FulfillmentChannels=MFN&MaxResultsPerPage={AmazonRules.PageSize}"
                    + $"&LastUpdatedAfter={Iso(windowStart)}&LastUpdatedBefore={Iso(windowEnd)}";
        var key = (context.ShopId, windowStart, windowEnd);
        var resumed = _resume.TryRemove(key, out var kept);
        if (_resume.Count > 1000) _resume.Clear();
        string? next = resumed ? kept : first;
        while (next is not null)
        {
            List<PulledRecord> records;
            string? after;
            try
            {
                (records, after) = await PageAsync(context, next, marketplace, ct);
            }
            catch (PlatformCallException e) when (e.Failure == PlatformFailure.Throttled)
            {
                // getOrders or an order's getOrderItems: this page is asked for again when the window is.
                _resume[key] = next;
                throw;
            }
            catch (PlatformCallException e) when (resumed && e.Failure == PlatformFailure.Request)
            {
                // The kept NextToken is no longer good (it expired while the sync waited): page the window from its start.
                (next, resumed) = (first, false);
                continue;
            }
            next = after;
            yield return records;
        }
    }

    /// <summary>One page of orders, each with its items, and the address of the next page (null on the last).</summary>
    private async Task<(List<PulledRecord> Records, string? Next)> PageAsync(ConnectorContext context, string path, string marketplace, CancellationToken ct)
    {
        using var response = await CallAsync(context, HttpMethod.Get, path, null, ct);
        var payload = response.Body.RootElement.GetProperty("payload");
        var records = new List<PulledRecord>();
        foreach (var order in payload.TryGetProperty("Orders", out var orders) ? orders.EnumerateArray() : Enumerable.Empty<JsonElement>())
            records.Add(await WithItemsAsync(context, order, ct));
        return (records, PlatformValues.Text(payload, "NextToken") is { } token ? $"orders/v0/orders?MarketplaceIds={marketplace}&NextToken={Uri.EscapeDataString(token)}" : null);
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        using var response = await CallAsync(context, HttpMethod.Get, $"orders/v0/orders/{Uri.EscapeDataString(platformOrderId)}", null, ct, allowNotFound: true);
        return response.Status == HttpStatusCode.NotFound ? null : await WithItemsAsync(context, response.Body.RootElement.GetProperty("payload"), ct);
    }

    /// <summary>
    /// <c>confirmShipment</c> with a package reference drawn from the tracking number (unique within the order, the same
    /// on every attempt). Amazon refusing the reference as already confirmed means an earlier attempt whose answer was
    /// lost got through.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        var orderId = Uri.EscapeDataString(shipment.PlatformOrderId);
        var items = await ItemsAsync(context, shipment.PlatformOrderId, ct);
        var body = new
        {
            marketplaceId = context.Credentials.Require("marketplace_id"),
            packageDetail = new
            {
                packageReferenceId = AmazonRules.PackageReference(shipment.TrackingNo), carrierCode = shipment.PlatformCarrierCode, trackingNumber = shipment.TrackingNo,
                shipDate = context.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                // What is left to ship of each item (an earlier parcel may have carried some).
                orderItems = items.Where(i => shipment.PlatformLineIds.Count == 0 || shipment.PlatformLineIds.Contains(PlatformValues.Text(i, "OrderItemId") ?? ""))
                    .Select(i => new { orderItemId = PlatformValues.Text(i, "OrderItemId"), quantity = (PlatformValues.Units(i, "QuantityOrdered") ?? 0) - (PlatformValues.Units(i, "QuantityShipped") ?? 0) })
                    .Where(i => i.quantity > 0).ToList(),
            },
        };
        using var response = await CallAsync(context, HttpMethod.Post, $"orders/v0/orders/{orderId}/shipmentConfirmation", JsonSerializer.Serialize(body), ct, allowNotFound: true);
        if (response.Status == HttpStatusCode.NoContent) return;
        var error = Error(response, "shipmentConfirmation");
        if (error.Message.Contains(AmazonRules.AlreadyConfirmed, StringComparison.Ordinal)) return;
        throw error;
    }

    /// <summary><c>searchListingsItems</c> for the seller (20 a page, <c>pageToken</c>) with summaries and fulfillment availability [unconfirmed].</summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        var (seller, marketplace) = (Uri.EscapeDataString(context.Credentials.Require("seller_id")), Uri.EscapeDataString(context.Credentials.Require("marketplace_id")));
        string? token = null;
        do
        {
            var path = $"listings/2021-08-01/items/{seller}?marketplaceIds={marketplace}&includedData=summaries,fulfillmentAvailability&pageSize={AmazonRules.ListingPageSize}"
                       + (token is null ? "" : $"&pageToken={Uri.EscapeDataString(token)}");
            using var response = await CallAsync(context, HttpMethod.Get, path, null, ct);
            var root = response.Body.RootElement;
            var listings = new List<PlatformListing>();
            foreach (var item in root.TryGetProperty("items", out var items) ? items.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                if (PlatformValues.Text(item, "sku") is not { } sku) continue;
                var summary = item.TryGetProperty("summaries", out var s) && s.GetArrayLength() > 0 ? s[0] : default;
                var quantity = item.TryGetProperty("fulfillmentAvailability", out var f)
                    ? f.EnumerateArray().Where(a => PlatformValues.Text(a, "fulfillmentChannelCode") == "DEFAULT").Select(a => PlatformValues.Units(a, "quantity")).FirstOrDefault()
                    : null;
                listings.Add(new PlatformListing(sku, "", PlatformValues.Cut(sku, 64),
                    summary.ValueKind == JsonValueKind.Object ? PlatformValues.Cut(PlatformValues.Text(summary, "itemName"), 200) : null,
                    summary.ValueKind == JsonValueKind.Object ? PlatformValues.Text(summary, "asin") : null, null, quantity));
            }
            token = root.TryGetProperty("pagination", out var pagination) ? PlatformValues.Text(pagination, "nextToken") : null;
            if (listings.Count > 0) yield return listings;
        }
        while (token is not null);
    }

    /// <summary><c>patchListingsItem</c> of <c>/attributes/fulfillment_availability</c>, one SKU a call; INVALID answers carry Amazon's issues.</summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var (seller, marketplace) = (Uri.EscapeDataString(context.Credentials.Require("seller_id")), Uri.EscapeDataString(context.Credentials.Require("marketplace_id")));
        var results = new List<StockPushResult>();
        foreach (var listing in listings)
        {
            try
            {
                var body = new
                {
                    productType = AmazonRules.ProductType,
                    patches = new[]
                    {
                        new
                        {
                            op = "replace", path = "/attributes/fulfillment_availability",
                            value = new[] { new { fulfillment_channel_code = "DEFAULT", quantity = listing.Quantity } },
                        },
                    },
                };
                using var response = await CallAsync(context, HttpMethod.Patch,
                    $"listings/2021-08-01/items/{seller}/{Uri.EscapeDataString(listing.PlatformItemId)}?marketplaceIds={marketplace}", JsonSerializer.Serialize(body), ct);
                var status = PlatformValues.Text(response.Body.RootElement, "status");
                if (status != "ACCEPTED")
                    throw new PlatformCallException(PlatformFailure.Request, status ?? "unknown",
                        $"Amazon did not accept {listing.PlatformItemId}: {(response.Body.RootElement.TryGetProperty("issues", out var issues) ? issues.GetRawText() : status)}");
                results.Add(new StockPushResult(listing.ListingId, null));
            }
            catch (PlatformCallException e)
            {
                results.Add(new StockPushResult(listing.ListingId, e));
                if (e.Failure != PlatformFailure.Request) break;
            }
        }
        return results;
    }

    private async Task<List<JsonElement>> ItemsAsync(ConnectorContext context, string orderId, CancellationToken ct)
    {
        var items = new List<JsonElement>();
        string? next = $"orders/v0/orders/{Uri.EscapeDataString(orderId)}/orderItems";
        while (next is not null)
        {
            using var response = await CallAsync(context, HttpMethod.Get, next, null, ct);
            var payload = response.Body.RootElement.GetProperty("payload");
            items.AddRange(payload.TryGetProperty("OrderItems", out var list) ? list.EnumerateArray().Select(i => i.Clone()) : []);
            next = PlatformValues.Text(payload, "NextToken") is { } token ? $"orders/v0/orders/{Uri.EscapeDataString(orderId)}/orderItems?NextToken={Uri.EscapeDataString(token)}" : null;
        }
        return items;
    }

    /// <summary>The order and its items as one record (the payload keeps both).</summary>
    private async Task<PulledRecord> WithItemsAsync(ConnectorContext context, JsonElement order, CancellationToken ct)
    {
        var id = PlatformValues.Text(order, "AmazonOrderId");
        var items = id is null ? [] : await ItemsAsync(context, id, ct);
        var payload = $"{{\"order\":{order.GetRawText()},\"items\":[{string.Join(",", items.Select(i => i.GetRawText()))}]}}";
        return PulledRecord.From(payload, id, "AmazonOrderId", orderId => Parse(order, items, orderId));
    }

    private static PlatformOrderData Parse(JsonElement order, List<JsonElement> items, string id)
    {
        var status = PlatformValues.RequiredText(order, "OrderStatus");
        var mapped = status switch
        {
            "Pending" or "PendingAvailability" => PlatformOrderStatus.AwaitingPayment,
            "Unshipped" => PlatformOrderStatus.AwaitingShipment,
            "PartiallyShipped" => PlatformOrderStatus.PartiallyShipped,
            "Shipped" or "InvoiceUnconfirmed" => PlatformOrderStatus.Shipped,
            "Canceled" => PlatformOrderStatus.Cancelled,
            "Unfulfillable" => PlatformOrderStatus.Held,
            _ => throw new UnreadableRecordException($"Unknown OrderStatus '{status}'."),
        };
        var total = order.TryGetProperty("OrderTotal", out var t) ? t : default;
        var currency = total.ValueKind == JsonValueKind.Object ? PlatformValues.RequiredText(total, "CurrencyCode")
            : items.Select(i => i.TryGetProperty("ItemPrice", out var p) ? PlatformValues.Text(p, "CurrencyCode") : null).FirstOrDefault(c => c is not null)
              ?? throw new UnreadableRecordException("OrderTotal is missing.");
        long Money(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var money) && money.ValueKind == JsonValueKind.Object ? PlatformValues.Amount(money, "Amount", currency, required: false) : 0;
        var lines = new List<PlatformLineData>();
        var (postage, discount, goods) = (0L, 0L, 0L);
        foreach (var item in items)
        {
            var quantity = PlatformValues.Count(item, "QuantityOrdered");
            var price = Money(item, "ItemPrice");
            var promotion = Money(item, "PromotionDiscount");
            postage += Money(item, "ShippingPrice") - Money(item, "ShippingDiscount");
            discount += promotion;
            goods += price;
            lines.Add(new PlatformLineData(PlatformValues.RequiredText(item, "OrderItemId"), PlatformValues.Text(item, "ASIN"), null, PlatformValues.Text(item, "SellerSKU"),
                PlatformValues.Cut(PlatformValues.Text(item, "Title"), 200), null, quantity, price / quantity, price - promotion, RefundState.None));
        }
        if (lines.Count == 0) throw new UnreadableRecordException("The order has no items (getOrderItems).");
        var address = order.TryGetProperty("ShippingAddress", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        string? At(string field) => address.ValueKind == JsonValueKind.Object ? PlatformValues.Text(address, field) : null;
        var street = string.Join(" ", new[] { At("AddressLine1"), At("AddressLine2") }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var paid = total.ValueKind == JsonValueKind.Object ? PlatformValues.Amount(total, "Amount", currency) : lines.Sum(l => l.Paid) + postage;
        return new PlatformOrderData(
            id, mapped, $"{status}/{PlatformValues.Text(order, "FulfillmentChannel")}", RefundState.None,
            PlatformValues.IsoTime(order, "PurchaseDate", true)!.Value, mapped is PlatformOrderStatus.AwaitingPayment or PlatformOrderStatus.Cancelled ? null : PlatformValues.IsoTime(order, "PurchaseDate", false),
            PlatformValues.IsoTime(order, "LastUpdateDate", true)!.Value,
            null, null, null, At("Name"), At("Phone"), At("CountryCode"), At("StateOrRegion"), At("City"), At("County"), street.Length == 0 ? null : street, At("PostalCode"),
            currency, goods, discount, postage, paid, lines)
        {
            ShipBy = PlatformValues.IsoTime(order, "LatestShipDate", false),
        };
    }

    private static string Iso(DateTime utc) => Uri.EscapeDataString(DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    /// <summary>Amazon's LWA endpoint; a sandbox or regional address serves its own at <c>/auth/o2/token</c>.</summary>
    private static Uri TokenUrl(ConnectorContext context) =>
        context.BaseUrl.Host.EndsWith(".amazon.com", StringComparison.OrdinalIgnoreCase)
            ? new Uri("https://api.amazon.com/auth/o2/token")
            : new Uri($"{context.BaseUrl.ToString().TrimEnd('/')}/auth/o2/token");

    /// <summary>An LWA access token for the refresh token (<c>grant_type=refresh_token</c>, JSON body).</summary>
    private async Task<string> TokenAsync(ConnectorContext context, CancellationToken ct)
    {
        var refresh = context.Credentials.Require("refresh_token");
        return await tokens.GetAsync(context, refresh, async () =>
        {
            using var answer = await LwaAsync(context, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh }, ct);
            return (PlatformValues.Text(answer.RootElement, "access_token")!, TimeSpan.FromSeconds(PlatformValues.Units(answer.RootElement, "expires_in") ?? 3600));
        });
    }

    /// <summary>A call to LWA with the app's client id and secret; a refusal is an authorization failure with LWA's error (its own faults a server failure).</summary>
    private static async Task<JsonDocument> LwaAsync(ConnectorContext context, Dictionary<string, string> grant, CancellationToken ct)
    {
        grant["client_id"] = context.Credentials.Require("client_id");
        grant["client_secret"] = context.Credentials.Require("client_secret");
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenUrl(context)) { Content = new StringContent(JsonSerializer.Serialize(grant), Encoding.UTF8, "application/json") };
        var response = await PlatformHttp.SendForResponseAsync(context, request, ct);
        var root = response.Body.RootElement;
        if (response.Status == HttpStatusCode.OK && PlatformValues.Text(root, "access_token") is not null) return response.Body;
        var error = PlatformValues.Text(root, "error") ?? ((int)response.Status).ToString(CultureInfo.InvariantCulture);
        var failure = error is "server_error" or "temporarily_unavailable" ? PlatformFailure.Server : PlatformFailure.Authorization;
        var refused = new PlatformCallException(failure, error,
            $"Amazon LWA refused the {grant["grant_type"].Replace('_', ' ')}: {error} {PlatformValues.Text(root, "error_description")}".TrimEnd());
        response.Dispose();
        throw refused;
    }

    /// <summary>
    /// Seller Central's consent page (sellercentral.amazon.com for the North American endpoint [unconfirmed: other
    /// regions' Seller Central hosts]; another address serves it at <c>apps/authorize/consent</c>), opened with the
    /// app's Seller Central id.
    /// </summary>
    public Uri ConsentUrl(ConnectorContext context, string redirectUri, string state) =>
        ConsentPage.Url(context.BaseUrl.Host.EndsWith(".amazon.com", StringComparison.OrdinalIgnoreCase)
                ? "https://sellercentral.amazon.com/apps/authorize/consent"
                : ConsentPage.Beside(context.BaseUrl, "", "apps/authorize/consent"),
            new() { ["application_id"] = context.Credentials.Require("application_id"), ["redirect_uri"] = redirectUri, ["state"] = state });

    /// <summary>The marketplace is chosen before consent; the seller id comes back with the code.</summary>
    public IReadOnlyList<string> AppCredentialNames => ["application_id", "client_id", "client_secret", "marketplace_id"];

    public string CodeParameter => "spapi_oauth_code";

    /// <summary>LWA <c>grant_type=authorization_code</c>: the seller's refresh token, and the seller id Amazon sent back (<c>selling_partner_id</c>).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct)
    {
        using var answer = await LwaAsync(context, new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri }, ct);
        var values = new Dictionary<string, string>
        {
            ["refresh_token"] = PlatformValues.Text(answer.RootElement, "refresh_token")
                                ?? throw new PlatformCallException(PlatformFailure.Authorization, "no_refresh_token", "Amazon LWA answered the code without a refresh token."),
        };
        if (returned.GetValueOrDefault("selling_partner_id") is { Length: > 0 } seller) values["seller_id"] = seller;
        return values;
    }

    /// <summary>
    /// A call with the LWA token. A 403 whose token may have lapsed drops it and tries once more; a 429 waits for one
    /// token of the operation's bucket to refill (from <c>x-amzn-RateLimit-Limit</c>), doubling, three times before it is
    /// passed on (the sync then backs off the whole window).
    /// </summary>
    private async Task<PlatformResponse> CallAsync(ConnectorContext context, HttpMethod method, string path, string? body, CancellationToken ct, bool allowNotFound = false)
    {
        var (renewed, throttled) = (false, 0);
        while (true)
        {
            using var request = new HttpRequestMessage(method, new Uri($"{context.BaseUrl.ToString().TrimEnd('/')}/{path}"));
            request.Headers.Add("x-amz-access-token", await TokenAsync(context, ct));
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            PlatformResponse response;
            try
            {
                response = await PlatformHttp.SendForResponseAsync(context, request, ct);
            }
            catch (PlatformCallException e) when (e.Failure == PlatformFailure.Throttled && throttled < AmazonRules.ThrottleRetries)
            {
                // One token's refill time as Amazon states it (a minute for getOrders), doubled on each repeat, at most two minutes.
                var wait = (e.RetryAfter ?? TimeSpan.FromSeconds(1)) * (1 << throttled++);
                await Task.Delay(wait < TimeSpan.FromMinutes(2) ? wait : TimeSpan.FromMinutes(2), context.Time, ct);
                continue;
            }
            if (response.Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized && !renewed)
            {
                response.Dispose();
                renewed = true;
                tokens.Forget(context, context.Credentials.Require("refresh_token"));
                continue;
            }
            if ((int)response.Status < 400 || (allowNotFound && response.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)) return response;
            var error = Error(response, path);
            response.Dispose();
            throw error;
        }
    }

    /// <summary>SP-API's <c>{"errors":[{code, message, details}]}</c> as a classified failure.</summary>
    private static PlatformCallException Error(PlatformResponse response, string path)
    {
        var errors = response.Body.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
        var message = $"Amazon answered HTTP {(int)response.Status} to {path.Split('?')[0]}: "
                      + (errors.Count == 0 ? "no detail" : string.Join("; ", errors.Select(x => $"{PlatformValues.Text(x, "code")} {PlatformValues.Text(x, "message")} {PlatformValues.Text(x, "details")}".TrimEnd())));
        var failure = response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? PlatformFailure.Authorization : PlatformFailure.Request;
        return new PlatformCallException(failure, errors.Count > 0 ? PlatformValues.Text(errors[0], "code") ?? "error" : ((int)response.Status).ToString(CultureInfo.InvariantCulture), message);
    }
}

/// <summary>
/// Amazon facts as the connector reads them: page sizes (platform-apis.md §5), and [unconfirmed] the listings search
/// call, the product type sent with a quantity patch, the carrier names and the message of a package confirmed twice.
/// </summary>
public static class AmazonRules
{
    public const int PageSize = 100;
    public const int ListingPageSize = 20;
    public const int ThrottleRetries = 3;
    public const string ProductType = "PRODUCT";
    public const string AlreadyConfirmed = "PackageReferenceId already confirmed";

    /// <summary>
    /// SP-API takes only positive numbers as package references: the tracking number's SHA-256, as a number of at most
    /// 15 digits. The same parcel always gets the same reference, so a resend is recognised.
    /// </summary>
    public static string PackageReference(string trackingNo) =>
        (BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(trackingNo)), 0) % 999_999_999_999_999 + 1)
        .ToString(System.Globalization.CultureInfo.InvariantCulture);
}
