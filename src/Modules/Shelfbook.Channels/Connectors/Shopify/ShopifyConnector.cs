using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Shopify;

/// <summary>
/// Shopify's Admin REST API (platform-apis.md §7) on the shop's own address (<c>https://{shop}.myshopify.com</c>, the
/// shop's API address), authenticated by the <c>X-Shopify-Access-Token</c> header. Orders by <c>updated_at</c> window,
/// cursor paging through the <c>Link</c> header (the cursor is a key, so an order updated while paging shifts no page;
/// it leaves the window and comes with the next). Amounts in the order's currency, converted to its minor units.
/// </summary>
public sealed partial class ShopifyConnector : IPlatformConnector
{
    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Shopify];

    /// <summary>Shopify has no common address: each shop's is its own, set as the shop's API address.</summary>
    public Uri DefaultBaseUrl { get; } = new("https://your-shop.myshopify.com/");

    public IReadOnlyList<string> CredentialNames => ["access_token", "location_id"];

    /// <summary>Shopify takes any span; a day keeps one window's pages few.</summary>
    public TimeSpan MaxWindow => TimeSpan.FromDays(1);

    public TimeSpan Overlap => TimeSpan.FromMinutes(2);

    public TimeSpan Lag => TimeSpan.FromSeconds(30);

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        string? next = $"orders.json?status=any&limit={ShopifyRules.PageSize}&updated_at_min={Iso(windowStart)}&updated_at_max={Iso(windowEnd)}";
        while (next is not null)
        {
            using var response = await GetAsync(context, next, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = new List<PulledRecord>();
            if (response.Body.RootElement.TryGetProperty("orders", out var orders) && orders.ValueKind == JsonValueKind.Array)
                foreach (var order in orders.EnumerateArray()) records.Add(Read(order));
            context.Timings.AddParse(clock.Elapsed);
            next = NextPage(response.Link);
            yield return records;
        }
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        using var response = await GetAsync(context, $"orders/{Uri.EscapeDataString(platformOrderId)}.json", allowNotFound: true, ct);
        return response.Status == HttpStatusCode.NotFound || !response.Body.RootElement.TryGetProperty("order", out var order) ? null : Read(order);
    }

    /// <summary>
    /// The order's open fulfillment orders, then one fulfillment with the tracking number for the given line items (all
    /// when none are given). When nothing is left to fulfill and the order already has a fulfillment with this tracking
    /// number, an earlier attempt whose answer was lost got through: accepted.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        var orderId = Uri.EscapeDataString(shipment.PlatformOrderId);
        using var open = await GetAsync(context, $"orders/{orderId}/fulfillment_orders.json", allowNotFound: true, ct);
        if (open.Status == HttpStatusCode.NotFound)
            throw new PlatformCallException(PlatformFailure.Request, "404", $"Shopify has no order {shipment.PlatformOrderId}.");
        var byFulfillmentOrder = new List<object>();
        foreach (var fo in open.Body.RootElement.TryGetProperty("fulfillment_orders", out var list) ? list.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            if (PlatformValues.Text(fo, "status") is not ("open" or "in_progress")) continue;
            var lines = fo.GetProperty("line_items").EnumerateArray()
                .Where(l => PlatformValues.Units(l, "fulfillable_quantity") is > 0
                            && (shipment.PlatformLineIds.Count == 0 || shipment.PlatformLineIds.Contains(PlatformValues.Text(l, "line_item_id") ?? "")))
                .Select(l => new { id = l.GetProperty("id").GetInt64(), quantity = PlatformValues.Units(l, "fulfillable_quantity") })
                .ToList();
            if (lines.Count > 0) byFulfillmentOrder.Add(new { fulfillment_order_id = fo.GetProperty("id").GetInt64(), fulfillment_order_line_items = lines });
        }
        if (byFulfillmentOrder.Count == 0)
        {
            using var done = await GetAsync(context, $"orders/{orderId}/fulfillments.json", ct);
            if (done.Body.RootElement.TryGetProperty("fulfillments", out var fulfillments)
                && fulfillments.EnumerateArray().Any(f => PlatformValues.Text(f, "tracking_number") == shipment.TrackingNo && PlatformValues.Text(f, "status") != "cancelled"))
                return;
            throw new PlatformCallException(PlatformFailure.Request, "nothing_to_fulfill",
                $"Shopify order {shipment.PlatformOrderId} has nothing left to fulfill for these lines.");
        }
        var body = new
        {
            fulfillment = new
            {
                line_items_by_fulfillment_order = byFulfillmentOrder,
                tracking_info = new { number = shipment.TrackingNo, company = shipment.PlatformCarrierCode },
                notify_customer = true,
            },
        };
        using var created = await SendAsync(context, HttpMethod.Post, "fulfillments.json", body, ct);
        if (created.Status is not (HttpStatusCode.Created or HttpStatusCode.OK)) throw Error(created, "fulfillments.json");
    }

    /// <summary><c>products.json</c>, 250 a page through the <c>Link</c> header: one listing per variant.</summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        string? next = $"products.json?limit={ShopifyRules.PageSize}";
        while (next is not null)
        {
            using var response = await GetAsync(context, next, ct);
            var listings = new List<PlatformListing>();
            foreach (var product in response.Body.RootElement.TryGetProperty("products", out var products) ? products.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                var productId = PlatformValues.Text(product, "id");
                if (productId is null || !product.TryGetProperty("variants", out var variants)) continue;
                var title = PlatformValues.Cut(PlatformValues.Text(product, "title"), 200);
                foreach (var variant in variants.EnumerateArray())
                    if (PlatformValues.Text(variant, "id") is { } variantId)
                        listings.Add(new PlatformListing(productId, variantId, PlatformValues.Cut(PlatformValues.Text(variant, "sku"), 64), title,
                            PlatformValues.Text(variant, "title") is { } v and not "Default Title" ? PlatformValues.Cut(v, 200) : null,
                            PlatformValues.MajorOrNull(variant, "price"), PlatformValues.Units(variant, "inventory_quantity"), PlatformValues.Cut(PlatformValues.Text(variant, "barcode"), 64)));
            }
            next = NextPage(response.Link);
            if (listings.Count > 0) yield return listings;
        }
    }

    /// <summary>
    /// <c>inventory_levels/set.json</c> at the shop's location, one variant a call; the variants' inventory item ids are
    /// read first, 250 products a call.
    /// </summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var location = context.Credentials.Require("location_id");
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in listings.Select(l => l.PlatformItemId).Distinct().Chunk(ShopifyRules.PageSize))
        {
            using var products = await GetAsync(context, $"products.json?ids={string.Join(",", chunk)}&fields=id,variants&limit={ShopifyRules.PageSize}", ct);
            foreach (var product in products.Body.RootElement.GetProperty("products").EnumerateArray())
                foreach (var variant in product.GetProperty("variants").EnumerateArray())
                    if (PlatformValues.Text(variant, "id") is { } id && PlatformValues.Text(variant, "inventory_item_id") is { } item)
                        items[id] = item;
        }
        var results = new List<StockPushResult>();
        foreach (var listing in listings)
        {
            try
            {
                if (!items.TryGetValue(listing.PlatformSkuId, out var item))
                    throw new PlatformCallException(PlatformFailure.Request, "404", $"Shopify has no variant {listing.PlatformSkuId} of product {listing.PlatformItemId}.");
                using var set = await SendAsync(context, HttpMethod.Post, "inventory_levels/set.json",
                    new { location_id = long.Parse(location, CultureInfo.InvariantCulture), inventory_item_id = long.Parse(item, CultureInfo.InvariantCulture), available = listing.Quantity }, ct);
                if (set.Status != HttpStatusCode.OK) throw Error(set, "inventory_levels/set.json");
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

    internal static PulledRecord Read(JsonElement order) =>
        PulledRecord.From(order.GetRawText(), PlatformValues.Text(order, "id"), "id", id => Parse(order, id));

    private static PlatformOrderData Parse(JsonElement order, string id)
    {
        var currency = PlatformValues.RequiredText(order, "currency");
        if (Currencies.Exponent(currency) is null) throw new UnreadableRecordException($"Unknown currency '{currency}'.");
        var financial = PlatformValues.RequiredText(order, "financial_status");
        var fulfillment = PlatformValues.Text(order, "fulfillment_status");
        var cancelled = PlatformValues.Text(order, "cancelled_at") is not null;
        var status = (cancelled, financial, fulfillment) switch
        {
            (true, _, _) => PlatformOrderStatus.Cancelled,
            (_, "pending" or "authorized" or "partially_paid", _) => PlatformOrderStatus.AwaitingPayment,
            (_, "voided", _) => PlatformOrderStatus.Cancelled,
            // Refunded in full before anything shipped: nothing is left to send.
            (_, "refunded", null or "unfulfilled") => PlatformOrderStatus.Cancelled,
            (_, "paid" or "partially_refunded" or "refunded", null or "unfulfilled") => PlatformOrderStatus.AwaitingShipment,
            (_, "paid" or "partially_refunded" or "refunded", "partial") => PlatformOrderStatus.PartiallyShipped,
            (_, "paid" or "partially_refunded" or "refunded", "fulfilled") => PlatformOrderStatus.Shipped,
            (_, "paid" or "partially_refunded" or "refunded", _) => throw new UnreadableRecordException($"Unknown fulfillment_status '{fulfillment}'."),
            _ => throw new UnreadableRecordException($"Unknown financial_status '{financial}'."),
        };
        var refund = financial switch { "refunded" => RefundState.Refunded, "partially_refunded" => RefundState.PartiallyRefunded, _ => RefundState.None };
        var lines = new List<PlatformLineData>();
        if (order.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array)
            foreach (var line in items.EnumerateArray())
            {
                var quantity = PlatformValues.Count(line, "quantity");
                var price = PlatformValues.Amount(line, "price", currency);
                lines.Add(new PlatformLineData(
                    PlatformValues.RequiredText(line, "id"), PlatformValues.Text(line, "product_id"), PlatformValues.Text(line, "variant_id"), PlatformValues.Text(line, "sku"),
                    PlatformValues.Cut(PlatformValues.Text(line, "title"), 200), PlatformValues.Cut(PlatformValues.Text(line, "variant_title"), 200), quantity, price,
                    price * quantity - PlatformValues.Amount(line, "total_discount", currency, required: false), RefundState.None));
            }
        if (lines.Count == 0) throw new UnreadableRecordException("The order has no lines (line_items).");
        var address = order.TryGetProperty("shipping_address", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        string? At(string field) => address.ValueKind == JsonValueKind.Object ? PlatformValues.Text(address, field) : null;
        var street = string.Join(" ", new[] { At("address1"), At("address2") }.Where(p => !string.IsNullOrWhiteSpace(p)));
        var shipping = order.TryGetProperty("total_shipping_price_set", out var set) && set.TryGetProperty("shop_money", out var money)
            ? PlatformValues.Amount(money, "amount", currency, required: false) : 0;
        var customer = order.TryGetProperty("customer", out var c) && c.ValueKind == JsonValueKind.Object
            ? string.Join(" ", new[] { PlatformValues.Text(c, "first_name"), PlatformValues.Text(c, "last_name") }.Where(n => n is not null)) : null;
        return new PlatformOrderData(
            id, status, $"{financial}/{fulfillment ?? "unfulfilled"}{(cancelled ? "/cancelled" : "")}", refund,
            PlatformValues.IsoTime(order, "created_at", true)!.Value, financial is "paid" or "partially_refunded" or "refunded" ? PlatformValues.IsoTime(order, "processed_at", false) : null,
            PlatformValues.IsoTime(order, "updated_at", true)!.Value,
            PlatformValues.Cut(customer, 100), PlatformValues.Cut(PlatformValues.Text(order, "note"), 500), null,
            At("name"), At("phone"), At("country_code"), At("province"), At("city"), null, street.Length == 0 ? null : street, At("zip"),
            currency, lines.Sum(l => l.Price * l.Quantity), PlatformValues.Amount(order, "total_discounts", currency, required: false), shipping,
            PlatformValues.Amount(order, "total_price", currency), lines);
    }

    private static string Iso(DateTime utc) => Uri.EscapeDataString(DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture));

    /// <summary>
    /// The next page's path (after <c>/admin/api/{version}/</c>, whatever version Shopify answered with) from
    /// <c>Link: &lt;…page_info=X…&gt;; rel="next"</c>; null on the last page. A next link that cannot be read is an error,
    /// never an early end (the cursor would move past the pages not read).
    /// </summary>
    internal static string? NextPage(string? link)
    {
        if (link is null) return null;
        var match = NextLink().Match(link);
        if (!match.Success) return null;
        var url = new Uri(match.Groups[1].Value);
        var api = ApiPath().Match(url.AbsolutePath);
        return api.Success
            ? url.AbsolutePath[(api.Index + api.Length)..] + url.Query
            : throw new PlatformCallException(PlatformFailure.Server, "bad_link", $"Shopify's next-page link cannot be read: {match.Groups[1].Value}");
    }

    [GeneratedRegex("/admin/api/[^/]+/")]
    private static partial Regex ApiPath();

    [GeneratedRegex("<([^>]+)>;\\s*rel=\"next\"")]
    private static partial Regex NextLink();

    private static Task<PlatformResponse> GetAsync(ConnectorContext context, string path, CancellationToken ct) => CallAsync(context, HttpMethod.Get, path, null, false, ct);

    private static Task<PlatformResponse> GetAsync(ConnectorContext context, string path, bool allowNotFound, CancellationToken ct) =>
        CallAsync(context, HttpMethod.Get, path, null, allowNotFound, ct);

    private static Task<PlatformResponse> SendAsync(ConnectorContext context, HttpMethod method, string path, object body, CancellationToken ct) =>
        CallAsync(context, method, path, JsonSerializer.Serialize(body), true, ct);

    private static async Task<PlatformResponse> CallAsync(ConnectorContext context, HttpMethod method, string path, string? body, bool allowNotFound, CancellationToken ct)
    {
        if (context.BaseUrl.Host == new Uri("https://your-shop.myshopify.com/").Host)
            throw new PlatformCallException(PlatformFailure.Request, "no_address", "Set the shop's API address to its own https://<shop>.myshopify.com.");
        using var request = new HttpRequestMessage(method, new Uri($"{context.BaseUrl.ToString().TrimEnd('/')}{ShopifyRules.ApiPrefix}{path}"));
        request.Headers.Add("X-Shopify-Access-Token", context.Credentials.Require("access_token"));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await PlatformHttp.SendForResponseAsync(context, request, ct);
        if ((int)response.Status < 400 || (allowNotFound && response.Status is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)) return response;
        // (422 too: a fulfillment Shopify refuses is answered with its reason by the caller.)
        var error = Error(response, path);
        response.Dispose();
        throw error;
    }

    /// <summary>Shopify's <c>{"errors": …}</c> (a string, a list or fields) as a classified failure.</summary>
    private static PlatformCallException Error(PlatformResponse response, string path)
    {
        var errors = response.Body.RootElement.TryGetProperty("errors", out var e) ? e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText() : null;
        var message = $"Shopify answered HTTP {(int)response.Status} to {path.Split('?')[0]}: {errors ?? "no detail"}";
        var failure = response.Status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => PlatformFailure.Authorization,
            HttpStatusCode.PaymentRequired or HttpStatusCode.Locked => PlatformFailure.Authorization,
            _ => PlatformFailure.Request,
        };
        return new PlatformCallException(failure, ((int)response.Status).ToString(CultureInfo.InvariantCulture), message);
    }
}

/// <summary>
/// Shopify facts as the connector reads them: the API version and page size (platform-apis.md §7), and [unconfirmed]
/// the line, fulfillment-order and variant fields named there as "from memory".
/// </summary>
public static class ShopifyRules
{
    public const string ApiVersion = "2024-10";
    public const string ApiPrefix = "/admin/api/" + ApiVersion + "/";
    public const int PageSize = 250;
}
