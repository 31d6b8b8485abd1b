using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Douyin;

/// <summary>
/// Douyin (抖店) open platform (platform-apis.md §4): each API is a path (<c>order.searchList</c> →
/// <c>/order/searchList</c>) posted with the business parameters as <c>param_json</c> and the signed system parameters
/// in the query. Amounts are fen (whole numbers; a decimal is the wrong unit and quarantines the record), times Unix
/// seconds. Orders by update time, read from the last page back to the first (pages count from 0) after a one-record
/// call for the count.
/// </summary>
public sealed class DouyinConnector : IPlatformConnector, IConsentFlow
{
    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Douyin];

    public Uri DefaultBaseUrl { get; } = new("https://openapi-fxg.jinritemai.com/");

    public IReadOnlyList<string> CredentialNames => ["app_key", "app_secret", "access_token"];

    /// <summary>With a refresh token (from the consent flow), an expired access token is renewed (token.refresh) and both new tokens are kept.</summary>
    public IReadOnlyList<string> OptionalCredentialNames => ["refresh_token"];

    public TimeSpan MaxWindow => DouyinRules.MaxWindow;

    public TimeSpan Overlap => TimeSpan.FromMinutes(5);

    public TimeSpan Lag => TimeSpan.FromMinutes(1);

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        var window = new Dictionary<string, object?>
        {
            ["update_time_start"] = Unix(windowStart), ["update_time_end"] = Unix(windowEnd), ["order_by"] = "update_time", ["order_asc"] = false,
        };
        using var count = await CallAsync(context, "order.searchList", new(window) { ["page"] = 0, ["size"] = 1 }, ct);
        var total = count.RootElement.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) ? n : 0;
        for (var page = (total + DouyinRules.PageSize - 1) / DouyinRules.PageSize - 1; page >= 0; page--)
        {
            using var response = await CallAsync(context, "order.searchList", new(window) { ["page"] = page, ["size"] = DouyinRules.PageSize }, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = new List<PulledRecord>();
            if (response.RootElement.TryGetProperty("shop_order_list", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var order in list.EnumerateArray()) records.Add(Read(order));
            context.Timings.AddParse(clock.Elapsed);
            yield return records;
        }
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        try
        {
            using var response = await CallAsync(context, "order.orderDetail", new() { ["shop_order_id"] = platformOrderId }, ct);
            return response.RootElement.TryGetProperty("shop_order_detail", out var order) ? Read(order) : null;
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request && e.Code == DouyinErrors.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>order.logisticsAdd</c> (whole orders). A refusal on an order that already carries this tracking number is an
    /// earlier attempt whose answer was lost, and counts as accepted.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        if (shipment.PlatformLineIds.Count > 0)
            throw new PlatformCallException(PlatformFailure.Request, "no_partial", "Douyin confirms whole orders here; confirm the order without lines.");
        try
        {
            (await CallAsync(context, "order.logisticsAdd", new()
            {
                ["order_id"] = shipment.PlatformOrderId, ["company_code"] = shipment.PlatformCarrierCode, ["logistics_code"] = shipment.TrackingNo,
            }, ct)).Dispose();
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request && e.Code != "no_partial")
        {
            using var detail = await CallAsync(context, "order.orderDetail", new() { ["shop_order_id"] = shipment.PlatformOrderId }, ct);
            if (detail.RootElement.TryGetProperty("shop_order_detail", out var order) && order.TryGetProperty("logistics_info", out var logistics)
                && logistics.ValueKind == JsonValueKind.Array && logistics.EnumerateArray().Any(l => PlatformValues.Text(l, "tracking_no") == shipment.TrackingNo))
                return;
            throw;
        }
    }

    /// <summary><c>product.listV2</c> pages (from 1) of products, then <c>sku.list</c> for each product's SKUs [unconfirmed: DouyinRules].</summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            using var products = await CallAsync(context, "product.listV2", new() { ["page"] = page, ["size"] = DouyinRules.PageSize }, ct);
            var items = products.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [];
            var listings = new List<PlatformListing>();
            foreach (var product in items)
            {
                if (PlatformValues.Text(product, "product_id") is not { } productId) continue;
                var title = PlatformValues.Cut(PlatformValues.Text(product, "name"), 200);
                using var skus = await CallAsync(context, "sku.list", new() { ["product_id"] = productId }, ct);
                if (skus.RootElement.ValueKind != JsonValueKind.Array) continue;
                foreach (var sku in skus.RootElement.EnumerateArray())
                    if (PlatformValues.Text(sku, "id") is { } skuId)
                        listings.Add(new PlatformListing(productId, skuId, PlatformValues.Cut(PlatformValues.Text(sku, "code"), 64), title,
                            PlatformValues.Cut(PlatformValues.Text(sku, "spec_detail_name1"), 200), FenOrNull(sku, "price"), PlatformValues.Units(sku, "stock_num")));
            }
            if (listings.Count > 0) yield return listings;
            var total = products.RootElement.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) ? n : 0;
            if (items.Count == 0 || page * DouyinRules.PageSize >= total) yield break;
        }
    }

    /// <summary><c>sku.syncStock</c> one SKU a call, full quantity (<c>incremental</c> false).</summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var results = new List<StockPushResult>();
        foreach (var listing in listings)
        {
            try
            {
                (await CallAsync(context, "sku.syncStock", new()
                {
                    ["product_id"] = listing.PlatformItemId, ["sku_id"] = listing.PlatformSkuId, ["stock_num"] = listing.Quantity, ["incremental"] = false,
                }, ct)).Dispose();
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

    private static long? FenOrNull(JsonElement record, string field)
    {
        try
        {
            return record.TryGetProperty(field, out _) ? PlatformValues.Minor(record, field, required: false) : null;
        }
        catch (UnreadableRecordException)
        {
            return null;
        }
    }

    internal static PulledRecord Read(JsonElement order) =>
        PulledRecord.From(order.GetRawText(), PlatformValues.Text(order, "order_id"), "order_id", id => Parse(order, id));

    private static PlatformOrderData Parse(JsonElement order, string id)
    {
        var status = PlatformValues.RequiredText(order, "order_status");
        var lines = new List<PlatformLineData>();
        if (order.TryGetProperty("sku_order_list", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var line in list.EnumerateArray())
            {
                var quantity = PlatformValues.Count(line, "item_num");
                var origin = PlatformValues.Minor(line, "origin_amount");
                lines.Add(new PlatformLineData(
                    PlatformValues.RequiredText(line, "order_id"), PlatformValues.Text(line, "product_id"), PlatformValues.Text(line, "sku_id"),
                    PlatformValues.Text(line, "out_sku_id") ?? PlatformValues.Text(line, "code"), PlatformValues.Cut(PlatformValues.Text(line, "product_name"), 200),
                    PlatformValues.Cut(PlatformValues.Text(line, "spec_desc"), 200), quantity, origin / quantity, PlatformValues.Minor(line, "pay_amount"),
                    LineRefund(PlatformValues.Text(line, "after_sale_status"))));
            }
        if (lines.Count == 0) throw new UnreadableRecordException("The order has no lines (sku_order_list).");
        var refunds = lines.Select(l => l.Refund).ToList();
        var refund = refunds.Contains(RefundState.Requested) ? RefundState.Requested
            : refunds.All(r => r == RefundState.Refunded) ? RefundState.Refunded
            : refunds.Contains(RefundState.Refunded) ? RefundState.PartiallyRefunded : RefundState.None;
        var goods = list.EnumerateArray().Sum(l => PlatformValues.Minor(l, "origin_amount"));
        var postage = PlatformValues.Minor(order, "post_amount", required: false);
        var paid = PlatformValues.Minor(order, "pay_amount");
        var address = order.TryGetProperty("post_addr", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        string? Place(string part) => address.ValueKind == JsonValueKind.Object && address.TryGetProperty(part, out var p) && p.ValueKind == JsonValueKind.Object
            ? PlatformValues.Text(p, "name") : null;
        return new PlatformOrderData(
            id, MapStatus(status), status, refund,
            PlatformValues.UnixTime(order, "create_time", true)!.Value, PlatformValues.UnixTime(order, "pay_time", false),
            PlatformValues.UnixTime(order, "update_time", true)!.Value,
            null, PlatformValues.Cut(PlatformValues.Text(order, "buyer_words"), 500), PlatformValues.Cut(PlatformValues.Text(order, "seller_words"), 500),
            PlatformValues.Text(order, "encrypt_post_receiver"), PlatformValues.Text(order, "encrypt_post_tel"), "CN",
            Place("province"), Place("city"), Place("town"),
            address.ValueKind == JsonValueKind.Object ? PlatformValues.Text(address, "encrypt_detail") ?? PlatformValues.Text(address, "detail") : null, null,
            "CNY", goods, Math.Max(0, goods + postage - paid), postage, paid, lines)
        {
            // [unconfirmed] exp_ship_time is the promised ship time; pre_sale_type other than 0 marks a presale.
            Presale = PlatformValues.Text(order, "pre_sale_type") is { } presale && presale != "0", ShipBy = PlatformValues.UnixTime(order, "exp_ship_time", false),
        };
    }

    /// <summary>Douyin's order statuses (platform-apis.md §4); one the connector does not know makes the record unreadable.</summary>
    internal static PlatformOrderStatus MapStatus(string status) => status switch
    {
        "1" => PlatformOrderStatus.AwaitingPayment,
        "105" or "2" => PlatformOrderStatus.AwaitingShipment,
        "101" => PlatformOrderStatus.PartiallyShipped,
        "3" => PlatformOrderStatus.Shipped,
        "4" => PlatformOrderStatus.Cancelled,
        "5" => PlatformOrderStatus.Completed,
        _ => throw new UnreadableRecordException($"Unknown order_status '{status}'."),
    };

    private static RefundState LineRefund(string? status) => status switch
    {
        null or "0" => RefundState.None,
        "6" or "7" or "27" => RefundState.Requested,
        "12" => RefundState.Refunded,
        "28" or "29" => RefundState.Closed,
        _ => throw new UnreadableRecordException($"Unknown after_sale_status '{status}'."),
    };

    private static long Unix(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();

    /// <summary>A call with the shop's access token; an expired one is renewed once with the shop's refresh token (when it has one) and the call made again.</summary>
    private static Task<JsonDocument> CallAsync(ConnectorContext context, string method, Dictionary<string, object?> business, CancellationToken ct) =>
        TokenRenewal.CallAsync(context, () => SendAsync(context, method, business, withToken: true, ct), e => e.Code == DouyinErrors.AuthorizationFailed,
            () => TokensAsync(context, "token.refresh", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = context.Credentials.Require("refresh_token") }, ct), ct);

    /// <summary><c>token.create</c> (a code) or <c>token.refresh</c> (the refresh token), signed without an access token: the new access and refresh tokens.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> TokensAsync(ConnectorContext context, string method, Dictionary<string, object?> business, CancellationToken ct)
    {
        using var answer = await SendAsync(context, method, business, withToken: false, ct);
        if (PlatformValues.Text(answer.RootElement, "access_token") is not { } access)
            throw new PlatformCallException(PlatformFailure.Authorization, "no_token", $"Douyin answered {method} without an access_token.");
        var values = new Dictionary<string, string> { ["access_token"] = access };
        if (PlatformValues.Text(answer.RootElement, "refresh_token") is { } refresh) values["refresh_token"] = refresh;
        return values;
    }

    /// <summary>
    /// The shop's authorization page [unconfirmed: Douyin's service market (fuwu.jinritemai.com/authorize) authorizes
    /// by service; another address serves it at <c>authorize</c>, naming the app by app_key].
    /// </summary>
    public Uri ConsentUrl(ConnectorContext context, string redirectUri, string state) =>
        ConsentPage.Url(context.BaseUrl.Host == "openapi-fxg.jinritemai.com" ? "https://fuwu.jinritemai.com/authorize" : ConsentPage.Beside(context.BaseUrl, "", "authorize"),
            new() { ["response_type"] = "code", ["app_key"] = context.Credentials.Require("app_key"), ["redirect_uri"] = redirectUri, ["state"] = state });

    public IReadOnlyList<string> AppCredentialNames => ["app_key", "app_secret"];

    /// <summary><c>token.create</c> with the code (grant_type authorization_code): the shop's access token and refresh token.</summary>
    public Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct) =>
        TokensAsync(context, "token.create", new() { ["code"] = code, ["grant_type"] = "authorization_code" }, ct);

    /// <summary>One signed call; answers <c>data</c>, or throws the platform's error.</summary>
    private static async Task<JsonDocument> SendAsync(ConnectorContext context, string method, Dictionary<string, object?> business, bool withToken, CancellationToken ct)
    {
        var appKey = context.Credentials.Require("app_key");
        var paramJson = SortedJson.Serialize(business);
        var timestamp = context.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sign = DouyinSigner.Sign(appKey, context.Credentials.Require("app_secret"), method, paramJson, timestamp);
        var system = new Dictionary<string, string>
        {
            ["app_key"] = appKey, ["method"] = method, ["timestamp"] = timestamp, ["v"] = "2", ["sign"] = sign, ["sign_method"] = "hmac-sha256",
        };
        if (withToken) system["access_token"] = context.Credentials.Require("access_token");
        var query = string.Join("&", system.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var baseUrl = context.BaseUrl.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{baseUrl}/{method.Replace('.', '/')}?{query}"))
        {
            Content = new StringContent(paramJson, Encoding.UTF8, "application/json"),
        };
        var body = await PlatformHttp.SendAsync(context, request, ct);
        var root = body.RootElement;
        var code = PlatformValues.Text(root, "code");
        if (code != DouyinErrors.Success)
        {
            var failure = DouyinErrors.Exception(root);
            body.Dispose();
            throw failure;
        }
        var inner = JsonDocument.Parse(root.TryGetProperty("data", out var data) ? data.GetRawText() : "{}");
        body.Dispose();
        return inner;
    }
}

/// <summary>
/// Douyin facts platform-apis.md leaves open, as the connector and the sandbox read them. [unconfirmed] The maximum
/// window, the product and SKU list calls and their fields, the address shape, after-sale status numbers and the carrier
/// codes had no solid public source; they are kept here and in <see cref="DouyinErrors"/> so they are easy to correct.
/// </summary>
public static class DouyinRules
{
    public const int PageSize = 100;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(30);
}

/// <summary>Douyin's envelope codes as the connector reads them. [unconfirmed] Only 10000 (success) is documented here.</summary>
public static class DouyinErrors
{
    public const string Success = "10000";
    public const string ServerError = "20000";
    public const string AuthorizationFailed = "30001";
    public const string UnknownApp = "30002";
    public const string BadSignature = "40004";
    public const string BadTimestamp = "40003";
    public const string BadArgument = "40001";
    public const string NotFound = "40002";
    public const string Throttled = "50002";

    public static PlatformCallException Exception(JsonElement root)
    {
        var code = PlatformValues.Text(root, "code") ?? "";
        var subCode = PlatformValues.Text(root, "sub_code");
        var message = $"Douyin error {code} {PlatformValues.Text(root, "msg")}" + (PlatformValues.Text(root, "sub_msg") is { } sub ? $" ({subCode}: {sub})" : "");
        if (code == BadTimestamp) message += " — this server's clock differs from Douyin's; correct the server's time (NTP).";
        var failure = code switch
        {
            Throttled => PlatformFailure.Throttled,
            AuthorizationFailed or UnknownApp or BadSignature => PlatformFailure.Authorization,
            ServerError => PlatformFailure.Server,
            _ => PlatformFailure.Request,
        };
        return new PlatformCallException(failure, code, message, failure == PlatformFailure.Throttled ? TimeSpan.FromSeconds(1) : null);
    }
}
