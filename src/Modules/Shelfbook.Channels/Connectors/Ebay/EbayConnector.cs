using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Ebay;

/// <summary>
/// eBay's Sell APIs (platform-apis.md §6). A user access token (about two hours) is got from the shop's refresh token
/// at <c>identity/v1/oauth2/token</c> with the app's client id and secret (Basic), kept until shortly before it expires,
/// and fetched again once when the API refuses it. Orders by <c>lastmodifieddate</c>, offset paging read from the last
/// page back to the first after a one-record call for the total, so an order modified while paging (it leaves the
/// window) shifts nothing not yet read. Inventory items are keyed by SKU: a listing's item id is its SKU.
/// </summary>
public sealed class EbayConnector(AccessTokens tokens) : IPlatformConnector, IConsentFlow
{
    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Ebay];

    public Uri DefaultBaseUrl { get; } = new("https://api.ebay.com/");

    public IReadOnlyList<string> CredentialNames => ["client_id", "client_secret", "refresh_token"];

    public IReadOnlyList<string> AppCredentialNames => ["client_id", "client_secret"];

    public TimeSpan MaxWindow => TimeSpan.FromDays(1);

    public TimeSpan Overlap => TimeSpan.FromMinutes(2);

    public TimeSpan Lag => TimeSpan.FromMinutes(1);

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = Uri.EscapeDataString($"lastmodifieddate:[{Iso(windowStart)}..{Iso(windowEnd)}]");
        using var count = await CallAsync(context, HttpMethod.Get, $"sell/fulfillment/v1/order?filter={filter}&limit=1&offset=0", null, ct);
        var total = count.Body.RootElement.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) ? n : 0;
        for (var page = (total + EbayRules.PageSize - 1) / EbayRules.PageSize - 1; page >= 0; page--)
        {
            using var response = await CallAsync(context, HttpMethod.Get,
                $"sell/fulfillment/v1/order?filter={filter}&limit={EbayRules.PageSize}&offset={page * EbayRules.PageSize}", null, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = new List<PulledRecord>();
            if (response.Body.RootElement.TryGetProperty("orders", out var orders) && orders.ValueKind == JsonValueKind.Array)
                foreach (var order in orders.EnumerateArray()) records.Add(Read(order));
            context.Timings.AddParse(clock.Elapsed);
            yield return records;
        }
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        using var response = await CallAsync(context, HttpMethod.Get, $"sell/fulfillment/v1/order/{Uri.EscapeDataString(platformOrderId)}", null, ct, allowNotFound: true);
        return response.Status == HttpStatusCode.NotFound ? null : Read(response.Body.RootElement);
    }

    /// <summary>
    /// <c>createShippingFulfillment</c> for the given line items (every line item of the order when none are given). A
    /// refusal on an order that already has a fulfillment with this tracking number is a lost answer: accepted.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        var orderId = Uri.EscapeDataString(shipment.PlatformOrderId);
        using var order = await CallAsync(context, HttpMethod.Get, $"sell/fulfillment/v1/order/{orderId}", null, ct, allowNotFound: true);
        if (order.Status == HttpStatusCode.NotFound) throw new PlatformCallException(PlatformFailure.Request, "404", $"eBay has no order {shipment.PlatformOrderId}.");
        // A parcel whose fulfillment is already there (an earlier attempt whose answer was lost) is never sent again.
        if (await CarriesAsync(context, orderId, shipment.TrackingNo, ct)) return;
        var lines = (order.Body.RootElement.TryGetProperty("lineItems", out var items) ? items.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(l => PlatformValues.Text(l, "lineItemFulfillmentStatus") != "FULFILLED")
            .Where(l => shipment.PlatformLineIds.Count == 0 || shipment.PlatformLineIds.Contains(PlatformValues.Text(l, "lineItemId") ?? ""))
            .Select(l => new { lineItemId = PlatformValues.Text(l, "lineItemId"), quantity = PlatformValues.Units(l, "quantity") })
            .ToList();
        var body = new
        {
            lineItems = lines, shippedDate = context.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            shippingCarrierCode = shipment.PlatformCarrierCode, trackingNumber = shipment.TrackingNo,
        };
        using var created = await CallAsync(context, HttpMethod.Post, $"sell/fulfillment/v1/order/{orderId}/shipping_fulfillment", JsonSerializer.Serialize(body), ct, allowNotFound: true);
        if (created.Status == HttpStatusCode.Created) return;
        if (await CarriesAsync(context, orderId, shipment.TrackingNo, ct)) return;
        throw Error(created, "shipping_fulfillment");
    }

    private async Task<bool> CarriesAsync(ConnectorContext context, string orderId, string trackingNo, CancellationToken ct)
    {
        using var made = await CallAsync(context, HttpMethod.Get, $"sell/fulfillment/v1/order/{orderId}/shipping_fulfillment", null, ct);
        return made.Body.RootElement.TryGetProperty("fulfillments", out var fulfillments)
               && fulfillments.EnumerateArray().Any(f => PlatformValues.Text(f, "shipmentTrackingNumber") == trackingNo);
    }

    /// <summary><c>inventory_item</c> pages (offset): one listing per SKU, with its ship-to-location quantity.</summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var offset = 0; ; offset += EbayRules.InventoryPageSize)
        {
            using var response = await CallAsync(context, HttpMethod.Get, $"sell/inventory/v1/inventory_item?limit={EbayRules.InventoryPageSize}&offset={offset}", null, ct);
            var root = response.Body.RootElement;
            var items = root.TryGetProperty("inventoryItems", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
            var listings = new List<PlatformListing>();
            foreach (var item in items)
                if (PlatformValues.Text(item, "sku") is { } sku)
                    listings.Add(new PlatformListing(sku, "", PlatformValues.Cut(sku, 64),
                        item.TryGetProperty("product", out var product) ? PlatformValues.Cut(PlatformValues.Text(product, "title"), 200) : null, null, null,
                        item.TryGetProperty("availability", out var a) && a.TryGetProperty("shipToLocationAvailability", out var ship) ? PlatformValues.Units(ship, "quantity") : null));
            if (listings.Count > 0) yield return listings;
            var total = root.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) ? n : 0;
            if (items.Count == 0 || offset + EbayRules.InventoryPageSize >= total) yield break;
        }
    }

    /// <summary><c>bulk_update_price_quantity</c>, up to 25 SKUs a call; each SKU's own status answers for it.</summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var results = new List<StockPushResult>();
        foreach (var batch in listings.Chunk(EbayRules.StockBatch))
        {
            try
            {
                var body = new { requests = batch.Select(l => new { sku = l.PlatformItemId, shipToLocationAvailability = new { quantity = l.Quantity } }) };
                using var response = await CallAsync(context, HttpMethod.Post, "sell/inventory/v1/bulk_update_price_quantity", JsonSerializer.Serialize(body), ct);
                var answers = response.Body.RootElement.TryGetProperty("responses", out var r)
                    ? r.EnumerateArray().Where(x => PlatformValues.Text(x, "sku") is not null).ToDictionary(x => PlatformValues.Text(x, "sku")!, StringComparer.Ordinal)
                    : [];
                foreach (var listing in batch)
                    results.Add(answers.TryGetValue(listing.PlatformItemId, out var answer) && PlatformValues.Text(answer, "statusCode") == "200"
                        ? new StockPushResult(listing.ListingId, null)
                        : new StockPushResult(listing.ListingId, new PlatformCallException(PlatformFailure.Request, PlatformValues.Text(answer, "statusCode") ?? "missing",
                            $"eBay did not take {listing.PlatformItemId}: {(answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("errors", out var e) ? e.GetRawText() : "no answer")}")));
            }
            catch (PlatformCallException e)
            {
                results.AddRange(batch.Select(l => new StockPushResult(l.ListingId, e)));
                if (e.Failure != PlatformFailure.Request) break;
            }
        }
        return results;
    }

    internal static PulledRecord Read(JsonElement order) =>
        PulledRecord.From(order.GetRawText(), PlatformValues.Text(order, "orderId"), "orderId", id => Parse(order, id));

    private static PlatformOrderData Parse(JsonElement order, string id)
    {
        var pricing = order.TryGetProperty("pricingSummary", out var p) ? p : throw new UnreadableRecordException("pricingSummary is missing.");
        var total = pricing.TryGetProperty("total", out var tot) ? tot : throw new UnreadableRecordException("pricingSummary.total is missing.");
        var currency = PlatformValues.RequiredText(total, "currency");
        long Money(JsonElement parent, string name, bool required = false) =>
            parent.TryGetProperty(name, out var amount) ? PlatformValues.Amount(amount, "value", currency, required) : required ? throw new UnreadableRecordException($"{name} is missing.") : 0;
        var payment = PlatformValues.RequiredText(order, "orderPaymentStatus");
        var fulfillment = PlatformValues.RequiredText(order, "orderFulfillmentStatus");
        var cancel = order.TryGetProperty("cancelStatus", out var c) ? PlatformValues.Text(c, "cancelState") ?? "NONE_REQUESTED" : "NONE_REQUESTED";
        var status = (cancel, payment, fulfillment) switch
        {
            ("CANCELED", _, _) => PlatformOrderStatus.Cancelled,
            (_, "PENDING" or "FAILED", _) => PlatformOrderStatus.AwaitingPayment,
            (_, "FULLY_REFUNDED", _) => PlatformOrderStatus.Cancelled,
            (_, "PAID" or "PARTIALLY_REFUNDED", "NOT_STARTED") => PlatformOrderStatus.AwaitingShipment,
            (_, "PAID" or "PARTIALLY_REFUNDED", "IN_PROGRESS") => PlatformOrderStatus.PartiallyShipped,
            (_, "PAID" or "PARTIALLY_REFUNDED", "FULFILLED") => PlatformOrderStatus.Shipped,
            (_, "PAID" or "PARTIALLY_REFUNDED", _) => throw new UnreadableRecordException($"Unknown orderFulfillmentStatus '{fulfillment}'."),
            _ => throw new UnreadableRecordException($"Unknown orderPaymentStatus '{payment}'."),
        };
        var refund = (cancel, payment) switch
        {
            ("IN_PROGRESS", _) => RefundState.Requested,
            (_, "FULLY_REFUNDED") => RefundState.Refunded,
            (_, "PARTIALLY_REFUNDED") => RefundState.PartiallyRefunded,
            _ => RefundState.None,
        };
        var lines = new List<PlatformLineData>();
        foreach (var line in order.TryGetProperty("lineItems", out var items) ? items.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            var quantity = PlatformValues.Count(line, "quantity");
            var cost = Money(line, "lineItemCost", required: true);
            var discount = line.TryGetProperty("appliedPromotions", out var promotions) && promotions.ValueKind == JsonValueKind.Array
                ? promotions.EnumerateArray().Sum(x => Money(x, "discountAmount")) : 0;
            lines.Add(new PlatformLineData(PlatformValues.RequiredText(line, "lineItemId"), PlatformValues.Text(line, "legacyItemId"), PlatformValues.Text(line, "legacyVariationId"),
                PlatformValues.Text(line, "sku"), PlatformValues.Cut(PlatformValues.Text(line, "title"), 200), null, quantity, cost / quantity, cost - discount, RefundState.None));
        }
        if (lines.Count == 0) throw new UnreadableRecordException("The order has no lines (lineItems).");
        var shipTo = order.TryGetProperty("fulfillmentStartInstructions", out var starts) && starts.ValueKind == JsonValueKind.Array && starts.GetArrayLength() > 0
                     && starts[0].TryGetProperty("shippingStep", out var step) && step.TryGetProperty("shipTo", out var to) ? to : default;
        var address = shipTo.ValueKind == JsonValueKind.Object && shipTo.TryGetProperty("contactAddress", out var ca) ? ca : default;
        string? At(string field) => address.ValueKind == JsonValueKind.Object ? PlatformValues.Text(address, field) : null;
        var street = string.Join(" ", new[] { At("addressLine1"), At("addressLine2") }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var phone = shipTo.ValueKind == JsonValueKind.Object && shipTo.TryGetProperty("primaryPhone", out var ph) ? PlatformValues.Text(ph, "phoneNumber") : null;
        return new PlatformOrderData(
            id, status, $"{payment}/{fulfillment}/{cancel}", refund,
            PlatformValues.IsoTime(order, "creationDate", true)!.Value, payment is "PAID" or "PARTIALLY_REFUNDED" or "FULLY_REFUNDED" ? PlatformValues.IsoTime(order, "creationDate", false) : null,
            PlatformValues.IsoTime(order, "lastModifiedDate", true)!.Value,
            order.TryGetProperty("buyer", out var buyer) ? PlatformValues.Text(buyer, "username") : null, PlatformValues.Cut(PlatformValues.Text(order, "buyerCheckoutNotes"), 500), null,
            shipTo.ValueKind == JsonValueKind.Object ? PlatformValues.Text(shipTo, "fullName") : null, phone,
            At("countryCode"), At("stateOrProvince"), At("city"), null, street.Length == 0 ? null : street, At("postalCode"),
            currency, Money(pricing, "priceSubtotal"), Math.Abs(Money(pricing, "priceDiscount")), Money(pricing, "deliveryCost"),
            PlatformValues.Amount(total, "value", currency), lines)
        {
            // The earliest of the lines' ship-by dates.
            ShipBy = (order.TryGetProperty("lineItems", out var shipping) ? shipping.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Select(l => l.TryGetProperty("lineItemFulfillmentInstructions", out var i) ? PlatformValues.IsoTime(i, "shipByDate", false) : null).Min(),
        };
    }

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// eBay's consent page (auth.ebay.com for api.ebay.com, auth.sandbox.ebay.com for eBay's own sandbox; another API
    /// address serves it at <c>/oauth2/authorize</c>). [unconfirmed] eBay names the return address by the app's RuName,
    /// which must be set up to redirect to <paramref name="redirectUri"/>.
    /// </summary>
    public Uri ConsentUrl(ConnectorContext context, string redirectUri, string state)
    {
        var host = context.BaseUrl.Host;
        var page = host == "api.ebay.com" ? "https://auth.ebay.com/oauth2/authorize"
            : host == "api.sandbox.ebay.com" ? "https://auth.sandbox.ebay.com/oauth2/authorize"
            : $"{context.BaseUrl.ToString().TrimEnd('/')}/oauth2/authorize";
        return ConsentPage.Url(page, new()
        {
            ["client_id"] = context.Credentials.Require("client_id"), ["redirect_uri"] = redirectUri, ["response_type"] = "code", ["scope"] = EbayRules.Scopes, ["state"] = state,
        });
    }

    /// <summary><c>grant_type=authorization_code</c>: the seller's refresh token (the access token that comes with it is kept for use).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct)
    {
        var root = await TokenRequestAsync(context, new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri }, ct);
        return PlatformValues.Text(root.RootElement, "refresh_token") is { } refresh
            ? new Dictionary<string, string> { ["refresh_token"] = refresh }
            : throw new PlatformCallException(PlatformFailure.Authorization, "no_refresh_token", "eBay answered the code without a refresh token.");
    }

    /// <summary>A call to the token endpoint with the app's Basic credentials; a refusal is an authorization failure with eBay's message.</summary>
    private static async Task<JsonDocument> TokenRequestAsync(ConnectorContext context, Dictionary<string, string> form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(context, "identity/v1/oauth2/token")) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{context.Credentials.Require("client_id")}:{context.Credentials.Require("client_secret")}")));
        var response = await PlatformHttp.SendForResponseAsync(context, request, ct);
        var root = response.Body.RootElement;
        if (response.Status == HttpStatusCode.OK && PlatformValues.Text(root, "access_token") is not null) return response.Body;
        var error = new PlatformCallException(PlatformFailure.Authorization, PlatformValues.Text(root, "error") ?? ((int)response.Status).ToString(CultureInfo.InvariantCulture),
            $"eBay refused the {form["grant_type"].Replace('_', ' ')}: {PlatformValues.Text(root, "error")} {PlatformValues.Text(root, "error_description")}".TrimEnd());
        response.Dispose();
        throw error;
    }

    /// <summary>A user access token from the refresh token (<c>grant_type=refresh_token</c>, Basic client credentials).</summary>
    private async Task<string> TokenAsync(ConnectorContext context, CancellationToken ct)
    {
        var refresh = context.Credentials.Require("refresh_token");
        return await tokens.GetAsync(context, refresh, async () =>
        {
            using var answer = await TokenRequestAsync(context, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["scope"] = EbayRules.Scopes }, ct);
            return (PlatformValues.Text(answer.RootElement, "access_token")!, TimeSpan.FromSeconds(PlatformValues.Units(answer.RootElement, "expires_in") ?? 7200));
        });
    }

    private static Uri Url(ConnectorContext context, string path) => new($"{context.BaseUrl.ToString().TrimEnd('/')}/{path}");

    /// <summary>A call with the user token; a 401 drops the token and tries once more with a new one.</summary>
    private async Task<PlatformResponse> CallAsync(ConnectorContext context, HttpMethod method, string path, string? body, CancellationToken ct, bool allowNotFound = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, Url(context, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(context, ct));
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var response = await PlatformHttp.SendForResponseAsync(context, request, ct);
            if (response.Status == HttpStatusCode.Unauthorized && attempt == 0)
            {
                response.Dispose();
                tokens.Forget(context, context.Credentials.Require("refresh_token"));
                continue;
            }
            if ((int)response.Status < 400 || (allowNotFound && response.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Conflict))
                return response;
            var error = Error(response, path);
            response.Dispose();
            throw error;
        }
    }

    /// <summary>eBay's <c>{"errors":[{errorId, category, message, longMessage}]}</c> as a classified failure.</summary>
    private static PlatformCallException Error(PlatformResponse response, string path)
    {
        var errors = response.Body.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
        var first = errors.FirstOrDefault();
        var message = $"eBay answered HTTP {(int)response.Status} to {path.Split('?')[0]}: "
                      + (errors.Count == 0 ? "no detail" : string.Join("; ", errors.Select(x => $"{PlatformValues.Text(x, "errorId")} {PlatformValues.Text(x, "longMessage") ?? PlatformValues.Text(x, "message")}")));
        var failure = response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? PlatformFailure.Authorization : PlatformFailure.Request;
        return new PlatformCallException(failure, first.ValueKind == JsonValueKind.Object ? PlatformValues.Text(first, "errorId") ?? "error" : ((int)response.Status).ToString(CultureInfo.InvariantCulture), message);
    }
}

/// <summary>
/// eBay facts as the connector reads them: page sizes and scopes (platform-apis.md §6), and [unconfirmed] the inventory
/// item list shape, the 25-SKU limit of bulk_update_price_quantity, line discounts under appliedPromotions and the carrier codes.
/// </summary>
public static class EbayRules
{
    public const int PageSize = 200;
    public const int InventoryPageSize = 100;
    public const int StockBatch = 25;
    public const string Scopes = "https://api.ebay.com/oauth/api_scope/sell.fulfillment https://api.ebay.com/oauth/api_scope/sell.inventory";
}
