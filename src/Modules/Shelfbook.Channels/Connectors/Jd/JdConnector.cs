using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Jd;

/// <summary>
/// JD POP through JOS (platform-apis.md §3, partial): signed form posts to <c>routerjson</c> with the business
/// parameters as one JSON string in <c>360buy_param_json</c>; <c>jingdong.pop.order.search</c> by modified time, read
/// from the last page back to the first after a one-record call for the total. Money in yuan strings, times Beijing time.
/// The response root keeps JD's own spelling (<c>…_responce</c>).
/// </summary>
public sealed class JdConnector : IPlatformConnector, IConsentFlow
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Jd];

    public Uri DefaultBaseUrl { get; } = new("https://api.jd.com/routerjson");

    public IReadOnlyList<string> CredentialNames => ["app_key", "app_secret", "access_token"];

    /// <summary>With a refresh token (from the consent flow), an expired access token is renewed (oauth2/refresh_token) and both new tokens are kept.</summary>
    public IReadOnlyList<string> OptionalCredentialNames => ["refresh_token"];

    public TimeSpan MaxWindow => JdRules.MaxWindow;

    public TimeSpan Overlap => TimeSpan.FromMinutes(5);

    public TimeSpan Lag => TimeSpan.FromMinutes(1);

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        var window = new Dictionary<string, object?>
        {
            ["start_date"] = Local(windowStart), ["end_date"] = Local(windowEnd), ["order_state"] = JdRules.AllStates, ["dateType"] = JdRules.ModifiedDateType,
            ["optional_fields"] = JdRules.OrderFields,
        };
        using var count = await CallAsync(context, "jingdong.pop.order.search", new(window) { ["page"] = "1", ["page_size"] = "1" }, ct);
        var total = Result(count.RootElement, "searchorderinfo_result") is { } r && r.TryGetProperty("orderTotal", out var t) && t.TryGetInt32(out var n) ? n : 0;
        for (var page = (total + JdRules.PageSize - 1) / JdRules.PageSize; page >= 1; page--)
        {
            using var response = await CallAsync(context, "jingdong.pop.order.search",
                new(window) { ["page"] = page.ToString(CultureInfo.InvariantCulture), ["page_size"] = JdRules.PageSize.ToString(CultureInfo.InvariantCulture) }, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = new List<PulledRecord>();
            if (Result(response.RootElement, "searchorderinfo_result") is { } result && result.TryGetProperty("orderInfoList", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var order in list.EnumerateArray()) records.Add(Read(order));
            context.Timings.AddParse(clock.Elapsed);
            yield return records;
        }
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        using var response = await CallAsync(context, "jingdong.pop.order.get", new() { ["order_id"] = platformOrderId, ["optional_fields"] = JdRules.OrderFields }, ct);
        try
        {
            return Result(response.RootElement, "orderDetailInfo") is { } detail && detail.TryGetProperty("orderInfo", out var order) && order.ValueKind == JsonValueKind.Object
                ? Read(order) : null;
        }
        catch (PlatformCallException e) when (e.Code == JdErrors.OrderNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>jingdong.pop.order.shipment</c> (whole orders). A refusal on an order already carrying this waybill is an
    /// earlier attempt whose answer was lost, and counts as accepted.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        if (shipment.PlatformLineIds.Count > 0)
            throw new PlatformCallException(PlatformFailure.Request, "no_partial", "JD confirms whole orders here; confirm the order without lines.");
        try
        {
            using var response = await CallAsync(context, "jingdong.pop.order.shipment",
                new() { ["orderId"] = shipment.PlatformOrderId, ["logiCoprId"] = shipment.PlatformCarrierCode, ["logiNo"] = shipment.TrackingNo }, ct);
            var result = Result(response.RootElement, "sopjosshipment_result");
            if (result is { } ok && ok.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True) return;
            throw new PlatformCallException(PlatformFailure.Request, "shipment_refused",
                $"JD refused the shipment: {(result is { } refused ? PlatformValues.Text(refused, "chineseErr") ?? PlatformValues.Text(refused, "englishErr") : "no result")}");
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request && e.Code != "no_partial")
        {
            if (await FetchAsync(context, shipment.PlatformOrderId, ct) is { Payload: var payload }
                && JsonDocument.Parse(payload).RootElement is var info && (PlatformValues.Text(info, "waybill") ?? "").Split(',').Contains(shipment.TrackingNo))
                return;
            throw;
        }
    }

    /// <summary><c>jingdong.sku.read.searchSkuList</c> pages of SKUs with their ware id, outer id and stock [unconfirmed: JdRules].</summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            using var response = await CallAsync(context, "jingdong.sku.read.searchSkuList",
                new() { ["page"] = page.ToString(CultureInfo.InvariantCulture), ["pageSize"] = JdRules.PageSize.ToString(CultureInfo.InvariantCulture) }, ct);
            var result = Result(response.RootElement, "page");
            var skus = result is { } p && p.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [];
            var listings = skus.Where(s => PlatformValues.Text(s, "wareId") is not null && PlatformValues.Text(s, "skuId") is not null)
                .Select(s => new PlatformListing(PlatformValues.Text(s, "wareId")!, PlatformValues.Text(s, "skuId")!, PlatformValues.Cut(PlatformValues.Text(s, "outerId"), 64),
                    PlatformValues.Cut(PlatformValues.Text(s, "wareTitle"), 200), PlatformValues.Cut(PlatformValues.Text(s, "skuName"), 200), PlatformValues.MajorOrNull(s, "jdPrice"),
                    PlatformValues.Units(s, "stockNum")))
                .ToList();
            if (listings.Count > 0) yield return listings;
            var total = result is { } q && q.TryGetProperty("totalItem", out var t) && t.TryGetInt32(out var n) ? n : 0;
            if (skus.Count == 0 || page * JdRules.PageSize >= total) yield break;
        }
    }

    /// <summary><c>jingdong.stock.write.updateSkuStock</c> one SKU a call (a full quantity).</summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var results = new List<StockPushResult>();
        foreach (var listing in listings)
        {
            try
            {
                using var response = await CallAsync(context, "jingdong.stock.write.updateSkuStock",
                    new() { ["skuId"] = listing.PlatformSkuId, ["stockNum"] = listing.Quantity.ToString(CultureInfo.InvariantCulture) }, ct);
                if (!(response.RootElement.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.True))
                    throw new PlatformCallException(PlatformFailure.Request, "stock_refused", $"JD did not take the stock of SKU {listing.PlatformSkuId}.");
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

    /// <summary>
    /// The named result object; one whose <c>apiResult.success</c> is false is JD refusing inside a normal answer, thrown
    /// as such (never read as "no orders", which would move the cursor past them).
    /// </summary>
    private static JsonElement? Result(JsonElement response, string name)
    {
        if (!response.TryGetProperty(name, out var result) || result.ValueKind != JsonValueKind.Object) return null;
        if (result.TryGetProperty("apiResult", out var api) && api.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False)
        {
            var code = PlatformValues.Text(api, "englishErrCode") ?? PlatformValues.Text(api, "chineseErrCode") ?? "api_result";
            throw new PlatformCallException(JdErrors.IsServer(code) ? PlatformFailure.Server : PlatformFailure.Request, code,
                $"JD answered without success: {PlatformValues.Text(api, "chineseErrCode")} {PlatformValues.Text(api, "englishErrCode")}".TrimEnd());
        }
        return result;
    }

    internal static PulledRecord Read(JsonElement order) =>
        PulledRecord.From(order.GetRawText(), PlatformValues.Text(order, "orderId"), "orderId", id => Parse(order, id));

    private static PlatformOrderData Parse(JsonElement order, string id)
    {
        var state = PlatformValues.RequiredText(order, "orderState");
        var status = state switch
        {
            "WAIT_SELLER_STOCK_OUT" or "WAIT_SELLER_DELIVERY" => PlatformOrderStatus.AwaitingShipment,
            "WAIT_GOODS_RECEIVE_CONFIRM" => PlatformOrderStatus.Shipped,
            "FINISHED_L" => PlatformOrderStatus.Completed,
            "TRADE_CANCELED" => PlatformOrderStatus.Cancelled,
            "LOCKED" or "PAUSE" or "POP_ORDER_PAUSE" => PlatformOrderStatus.Held,
            _ => throw new UnreadableRecordException($"Unknown orderState '{state}'."),
        };
        var items = order.TryGetProperty("itemInfoList", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
        if (items.Count == 0) throw new UnreadableRecordException("The order has no lines (itemInfoList).");
        var postage = PlatformValues.Major(order, "freightPrice", required: false);
        var paid = PlatformValues.Major(order, "orderPayment");
        // JD gives no paid amount per line: what the buyer paid for goods is shared over the lines by value.
        var priced = items.Select(i => (Item: i, Count: PlatformValues.Count(i, "itemTotal"), Price: PlatformValues.Major(i, "jdPrice"))).ToList();
        var goods = priced.Sum(i => i.Price * i.Count);
        var (forGoods, lines) = (Math.Max(0, paid - postage), new List<PlatformLineData>());
        var left = forGoods;
        for (var i = 0; i < priced.Count; i++)
        {
            var (item, count, price) = priced[i];
            var share = i == priced.Count - 1 ? left : goods == 0 ? 0 : (long)((Int128)forGoods * price * count / goods);
            left -= share;
            lines.Add(new PlatformLineData(PlatformValues.Text(item, "skuId") ?? (i + 1).ToString(CultureInfo.InvariantCulture), PlatformValues.Text(item, "wareId"),
                PlatformValues.Text(item, "skuId"), PlatformValues.Text(item, "outerSkuId"), PlatformValues.Cut(PlatformValues.Text(item, "skuName"), 200), null,
                count, price, share, RefundState.None));
        }
        var consignee = order.TryGetProperty("consigneeInfo", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        string? At(string field) => consignee.ValueKind == JsonValueKind.Object ? PlatformValues.Text(consignee, field) : null;
        return new PlatformOrderData(
            id, status, state, RefundState.None,
            PlatformValues.LocalTime(order, "orderStartTime", Beijing, true)!.Value, PlatformValues.LocalTime(order, "paymentConfirmTime", Beijing, false),
            PlatformValues.LocalTime(order, "modified", Beijing, true)!.Value,
            null, PlatformValues.Cut(PlatformValues.Text(order, "orderRemark"), 500), PlatformValues.Cut(PlatformValues.Text(order, "venderRemark"), 500),
            At("fullname"), At("mobile") ?? At("telephone"), "CN", At("province"), At("city"), At("county"), At("fullAddress"), null,
            "CNY", PlatformValues.Major(order, "orderTotalPrice"), PlatformValues.Major(order, "sellerDiscount", required: false), postage, paid, lines);
    }

    private static string Local(DateTime utc) => (utc + Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>One signed call; answers the result object inside <c>&lt;method&gt;_responce</c>, or throws the platform's error.</summary>
    /// <summary>A call with the vendor's access token; an expired one is renewed once with the shop's refresh token (when it has one) and the call made again.</summary>
    private static Task<JsonDocument> CallAsync(ConnectorContext context, string method, Dictionary<string, object?> business, CancellationToken ct) =>
        TokenRenewal.CallAsync(context, () => SendAsync(context, method, business, ct), e => e.Code == JdErrors.InvalidToken,
            () => TokensAsync(context, "refresh_token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = context.Credentials.Require("refresh_token") }, ct), ct);

    /// <summary>JD's OAuth service: open-oauth.jd.com for the production gateway, <c>oauth2/…</c> beside <c>routerjson</c> on another.</summary>
    private static string OAuth(ConnectorContext context, string path) =>
        context.BaseUrl.Host == "api.jd.com" ? $"https://open-oauth.jd.com/oauth2/{path}" : ConsentPage.Beside(context.BaseUrl, "routerjson", "oauth2/" + path);

    /// <summary>
    /// <c>oauth2/access_token</c> (a code) or <c>oauth2/refresh_token</c> with the app key and secret: the new access and
    /// refresh tokens; a non-zero <c>code</c> is a refusal [unconfirmed: JdRules' note].
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> TokensAsync(ConnectorContext context, string path, Dictionary<string, string> query, CancellationToken ct)
    {
        query["app_key"] = context.Credentials.Require("app_key");
        query["app_secret"] = context.Credentials.Require("app_secret");
        using var request = new HttpRequestMessage(HttpMethod.Get, ConsentPage.Url(OAuth(context, path), query));
        using var answer = await PlatformHttp.SendAsync(context, request, ct);
        var root = answer.RootElement;
        var code = PlatformValues.Text(root, "code") ?? "0";
        if (code != "0" || PlatformValues.Text(root, "access_token") is not { } access)
            throw new PlatformCallException(PlatformFailure.Authorization, code, $"JD refused oauth2/{path}: {code} {PlatformValues.Text(root, "msg")}".TrimEnd());
        var values = new Dictionary<string, string> { ["access_token"] = access };
        if (PlatformValues.Text(root, "refresh_token") is { } refresh) values["refresh_token"] = refresh;
        return values;
    }

    /// <summary>The vendor's consent page (<c>oauth2/to_login</c>).</summary>
    public Uri ConsentUrl(ConnectorContext context, string redirectUri, string state) =>
        ConsentPage.Url(OAuth(context, "to_login"), new()
        {
            ["app_key"] = context.Credentials.Require("app_key"), ["response_type"] = "code", ["redirect_uri"] = redirectUri, ["state"] = state, ["scope"] = "snsapi_base",
        });

    public IReadOnlyList<string> AppCredentialNames => ["app_key", "app_secret"];

    /// <summary><c>oauth2/access_token</c> with the code (grant_type authorization_code): the vendor's access token and refresh token.</summary>
    public Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct) =>
        TokensAsync(context, "access_token", new() { ["grant_type"] = "authorization_code", ["code"] = code }, ct);

    private static async Task<JsonDocument> SendAsync(ConnectorContext context, string method, Dictionary<string, object?> business, CancellationToken ct)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["method"] = method, ["app_key"] = context.Credentials.Require("app_key"), ["access_token"] = context.Credentials.Require("access_token"),
            ["timestamp"] = (context.Time.GetUtcNow().UtcDateTime + Beijing).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0800",
            ["v"] = "2.0", ["360buy_param_json"] = SortedJson.Serialize(business),
        };
        parameters["sign"] = JdSigner.Sign(parameters, context.Credentials.Require("app_secret"));
        var body = await PlatformHttp.PostFormAsync(context, parameters, ct);
        var root = body.RootElement;
        if (root.TryGetProperty("error_response", out var error))
        {
            var failure = JdErrors.Exception(error);
            body.Dispose();
            throw failure;
        }
        var key = method.Replace('.', '_') + "_responce";
        if (!root.TryGetProperty(key, out var wrapped))
        {
            body.Dispose();
            throw new PlatformCallException(PlatformFailure.Server, "unexpected_response", $"JD answered {method} without {key}.");
        }
        var inner = JsonDocument.Parse(wrapped.GetRawText());
        body.Dispose();
        return inner;
    }
}

/// <summary>
/// JD facts platform-apis.md marks partial, as the connector and the sandbox read them. [unconfirmed] The window span,
/// page size, date type, the order.get, SKU list and stock call shapes, the shipment result and the error numbers
/// (<see cref="JdErrors"/>) are kept here so they are easy to correct.
/// </summary>
public static class JdRules
{
    public const int PageSize = 100;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(30);
    public const string AllStates = "WAIT_SELLER_STOCK_OUT,WAIT_SELLER_DELIVERY,WAIT_GOODS_RECEIVE_CONFIRM,FINISHED_L,TRADE_CANCELED,LOCKED,PAUSE";

    /// <summary>dateType 0: start_date/end_date filter the modified time.</summary>
    public const string ModifiedDateType = "0";

    public const string OrderFields =
        "orderId,orderState,orderTotalPrice,orderSellerPrice,orderPayment,freightPrice,sellerDiscount,modified,orderStartTime,paymentConfirmTime,orderRemark,venderRemark,consigneeInfo,itemInfoList,waybill";
}

/// <summary>JD's <c>error_response</c> codes as the connector reads them. [unconfirmed]</summary>
public static class JdErrors
{
    public const string InvalidToken = "19";
    public const string BadSignature = "14";
    public const string UnknownApp = "15";
    public const string BadTimestamp = "11";
    public const string Throttled = "66";
    public const string ServerError = "1";

    /// <summary>apiResult's code for an order the vendor does not have.</summary>
    public const string OrderNotFound = "ORDER_NOT_FOUND";

    /// <summary>apiResult codes that are JD's own fault: try again later.</summary>
    public static bool IsServer(string code) => code.StartsWith("SYSTEM", StringComparison.Ordinal);

    public static PlatformCallException Exception(JsonElement error)
    {
        var code = PlatformValues.Text(error, "code") ?? "";
        var message = $"JD error {code} {PlatformValues.Text(error, "zh_desc")} ({PlatformValues.Text(error, "en_desc")})";
        if (code == BadTimestamp) message += " — this server's clock differs from JD's; correct the server's time (NTP).";
        var failure = code switch
        {
            Throttled => PlatformFailure.Throttled,
            InvalidToken or BadSignature or UnknownApp => PlatformFailure.Authorization,
            ServerError => PlatformFailure.Server,
            _ => PlatformFailure.Request,
        };
        return new PlatformCallException(failure, code, message, failure == PlatformFailure.Throttled ? TimeSpan.FromSeconds(1) : null);
    }
}
