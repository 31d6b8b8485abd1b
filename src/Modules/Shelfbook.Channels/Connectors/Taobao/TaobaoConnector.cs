using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Taobao;

/// <summary>
/// Taobao and Tmall through TOP (platform-apis.md §1): signed form posts to the router, <c>taobao.trades.sold.increment.get</c>
/// by modified time (windows of at most a day), read from the last page back to the first so that orders changing
/// during the pull are not skipped, after a <c>fields=tid</c> call for the count.
/// </summary>
public sealed class TaobaoConnector : IPlatformConnector, IConsentFlow
{
    internal const int PageSize = 100;

    /// <summary>TOP's times are Beijing time (GMT+8).</summary>
    internal static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    internal const string TradeFields =
        "tid,status,modified,created,pay_time,est_con_time,buyer_nick,buyer_message,seller_memo,payment,total_fee,post_fee,discount_fee," +
        "receiver_name,receiver_mobile,receiver_phone,receiver_country,receiver_state,receiver_city,receiver_district,receiver_address,receiver_zip," +
        "orders.oid,orders.num_iid,orders.sku_id,orders.outer_iid,orders.outer_sku_id,orders.title,orders.sku_properties_name,orders.num,orders.price," +
        "orders.payment,orders.divide_order_fee,orders.refund_status,orders.status";

    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Taobao, ShopPlatform.Tmall];

    public Uri DefaultBaseUrl { get; } = new("https://eco.taobao.com/router/rest");

    public IReadOnlyList<string> CredentialNames => ["app_key", "app_secret", "session"];

    /// <summary>With a refresh token (from the consent flow), an expired session key is renewed (taobao.top.auth.token.refresh) and both new tokens are kept.</summary>
    public IReadOnlyList<string> OptionalCredentialNames => ["refresh_token"];

    public TimeSpan MaxWindow => TimeSpan.FromMinutes(30);

    public TimeSpan Overlap => TimeSpan.FromMinutes(5);

    public TimeSpan Lag => TimeSpan.FromMinutes(1);

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        var window = new Dictionary<string, string?>
        {
            ["start_modified"] = Local(windowStart), ["end_modified"] = Local(windowEnd), ["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture),
        };
        using var count = await CallAsync(context, "taobao.trades.sold.increment.get", new(window) { ["fields"] = "tid", ["page_no"] = "1" }, ct);
        var total = count.RootElement.TryGetProperty("total_results", out var t) && t.TryGetInt32(out var n) ? n : 0;
        for (var page = (total + PageSize - 1) / PageSize; page >= 1; page--)
        {
            using var response = await CallAsync(context, "taobao.trades.sold.increment.get",
                new(window) { ["fields"] = TradeFields, ["page_no"] = page.ToString(CultureInfo.InvariantCulture) }, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = Trades(response.RootElement);
            context.Timings.AddParse(clock.Elapsed);
            yield return records;
        }
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        var fields = TradeFields;
        try
        {
            using var response = await CallAsync(context, "taobao.trade.fullinfo.get", new() { ["fields"] = fields, ["tid"] = platformOrderId }, ct);
            return response.RootElement.TryGetProperty("trade", out var trade) ? Read(trade) : null;
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request && e.Code.Contains("trade-not-exist", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>
    /// <c>taobao.logistics.offline.send</c> (sub_tid and is_split for a partial parcel). When TOP refuses because the
    /// trade is shipped already, the trade is read back: carrying this tracking number means an earlier attempt whose
    /// answer was lost got through, and that counts as accepted.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["tid"] = shipment.PlatformOrderId, ["out_sid"] = shipment.TrackingNo, ["company_code"] = shipment.PlatformCarrierCode,
        };
        if (shipment.PlatformLineIds.Count > 0) (parameters["sub_tid"], parameters["is_split"]) = (string.Join(",", shipment.PlatformLineIds), "1");
        try
        {
            using var response = await CallAsync(context, "taobao.logistics.offline.send", parameters, ct);
            if (response.RootElement.TryGetProperty("shipping", out var shipping) && shipping.TryGetProperty("is_success", out var ok) && ok.ValueKind == JsonValueKind.True)
                return;
            throw new PlatformCallException(PlatformFailure.Server, "not_success", "TOP answered logistics.offline.send without success.");
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request)
        {
            if (!await ShowsTrackingAsync(context, shipment, ct)) throw;
        }
    }

    private static async Task<bool> ShowsTrackingAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        using var response = await CallAsync(context, "taobao.trade.fullinfo.get", new() { ["fields"] = "tid,status,orders.oid,orders.invoice_no", ["tid"] = shipment.PlatformOrderId }, ct);
        if (!response.RootElement.TryGetProperty("trade", out var trade) || !trade.TryGetProperty("orders", out var orders) || !orders.TryGetProperty("order", out var list))
            return false;
        return list.EnumerateArray().Any(l => PlatformValues.Text(l, "invoice_no") == shipment.TrackingNo
                                              && (shipment.PlatformLineIds.Count == 0 || shipment.PlatformLineIds.Contains(PlatformValues.Text(l, "oid") ?? "")));
    }

    /// <summary>
    /// <c>taobao.items.onsale.get</c> a page of 200 items at a time, then <c>taobao.items.seller.list.get</c> for their SKUs,
    /// 20 items a call [unconfirmed: page and batch limits as TopListings states them].
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            using var onsale = await CallAsync(context, "taobao.items.onsale.get", new()
            {
                ["fields"] = "num_iid", ["page_no"] = page.ToString(CultureInfo.InvariantCulture), ["page_size"] = TopListings.PageSize.ToString(CultureInfo.InvariantCulture),
            }, ct);
            var ids = Items(onsale.RootElement).Select(i => PlatformValues.Text(i, "num_iid")).OfType<string>().ToList();
            var listings = new List<PlatformListing>();
            foreach (var chunk in ids.Chunk(TopListings.DetailBatch))
            {
                using var details = await CallAsync(context, "taobao.items.seller.list.get",
                    new() { ["num_iids"] = string.Join(",", chunk), ["fields"] = "num_iid,title,num,outer_id,price,barcode,sku" }, ct);
                foreach (var item in Items(details.RootElement)) listings.AddRange(TopListings.Read(item));
            }
            if (listings.Count > 0) yield return listings;
            var total = onsale.RootElement.TryGetProperty("total_results", out var t) && t.TryGetInt32(out var n) ? n : 0;
            if (ids.Count == 0 || page * TopListings.PageSize >= total) yield break;
        }
    }

    /// <summary>
    /// Items with SKUs: <c>taobao.skus.quantity.update</c> with up to 20 <c>skuid_quantities</c> of one item a call; items
    /// without: <c>taobao.item.quantity.update</c>. Full quantities (type 1), never deltas.
    /// </summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var results = new List<StockPushResult>();
        var groups = listings.GroupBy(l => l.PlatformItemId)
            .SelectMany(item => item.Key.Length == 0 || item.All(l => l.PlatformSkuId.Length == 0)
                ? item.Select(l => (Item: item.Key, Calls: new[] { l }))
                : item.Where(l => l.PlatformSkuId.Length > 0).Chunk(TopListings.SkuBatch).Select(c => (Item: item.Key, Calls: c))
                    .Concat(item.Where(l => l.PlatformSkuId.Length == 0).Select(l => (Item: item.Key, Calls: new[] { l }))));
        foreach (var (item, batch) in groups)
        {
            try
            {
                if (batch.Length == 1 && batch[0].PlatformSkuId.Length == 0)
                    (await CallAsync(context, "taobao.item.quantity.update", new()
                    {
                        ["num_iid"] = item, ["quantity"] = batch[0].Quantity.ToString(CultureInfo.InvariantCulture), ["type"] = "1",
                    }, ct)).Dispose();
                else
                    (await CallAsync(context, "taobao.skus.quantity.update", new()
                    {
                        ["num_iid"] = item, ["type"] = "1",
                        ["skuid_quantities"] = string.Join(";", batch.Select(l => $"{l.PlatformSkuId}:{l.Quantity.ToString(CultureInfo.InvariantCulture)}")),
                    }, ct)).Dispose();
                results.AddRange(batch.Select(l => new StockPushResult(l.ListingId, null)));
            }
            catch (PlatformCallException e)
            {
                results.AddRange(batch.Select(l => new StockPushResult(l.ListingId, e)));
                if (e.Failure != PlatformFailure.Request) break;
            }
        }
        return results;
    }

    private static List<JsonElement> Items(JsonElement response) =>
        response.TryGetProperty("items", out var items) && items.TryGetProperty("item", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [];

    private static List<PulledRecord> Trades(JsonElement response)
    {
        var records = new List<PulledRecord>();
        if (response.TryGetProperty("trades", out var trades) && trades.TryGetProperty("trade", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var trade in list.EnumerateArray()) records.Add(Read(trade));
        return records;
    }

    internal static PulledRecord Read(JsonElement trade) =>
        PulledRecord.From(trade.GetRawText(), PlatformValues.Text(trade, "tid_str") ?? PlatformValues.Text(trade, "tid"), "tid", id => Parse(trade, id));

    private static PlatformOrderData Parse(JsonElement trade, string tid)
    {
        var status = PlatformValues.RequiredText(trade, "status");
        var lines = new List<PlatformLineData>();
        if (trade.TryGetProperty("orders", out var orders) && orders.TryGetProperty("order", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var line in list.EnumerateArray())
            {
                var quantity = PlatformValues.Count(line, "num");
                var price = PlatformValues.Major(line, "price");
                lines.Add(new PlatformLineData(
                    PlatformValues.RequiredText(line, "oid"), PlatformValues.Text(line, "num_iid"), PlatformValues.Text(line, "sku_id"),
                    PlatformValues.Text(line, "outer_sku_id") ?? PlatformValues.Text(line, "outer_iid"),
                    PlatformValues.Cut(PlatformValues.Text(line, "title"), 200), PlatformValues.Cut(PlatformValues.Text(line, "sku_properties_name"), 200),
                    quantity, price,
                    line.TryGetProperty("divide_order_fee", out _) ? PlatformValues.Major(line, "divide_order_fee") : PlatformValues.Major(line, "payment", required: false),
                    LineRefund(PlatformValues.Text(line, "refund_status"))));
            }
        if (lines.Count == 0) throw new UnreadableRecordException("The trade has no lines (orders.order).");
        var refunds = lines.Select(l => l.Refund).ToList();
        var refund = refunds.Contains(RefundState.Requested) ? RefundState.Requested
            : refunds.All(r => r == RefundState.Refunded) ? RefundState.Refunded
            : refunds.Contains(RefundState.Refunded) ? RefundState.PartiallyRefunded
            : refunds.Contains(RefundState.Closed) ? RefundState.Closed : RefundState.None;
        return new PlatformOrderData(
            tid, MapStatus(status), status, refund,
            PlatformValues.LocalTime(trade, "created", Beijing, true)!.Value, PlatformValues.LocalTime(trade, "pay_time", Beijing, false),
            PlatformValues.LocalTime(trade, "modified", Beijing, true)!.Value,
            PlatformValues.Text(trade, "buyer_nick"), PlatformValues.Cut(PlatformValues.Text(trade, "buyer_message"), 500), PlatformValues.Cut(PlatformValues.Text(trade, "seller_memo"), 500),
            PlatformValues.Text(trade, "receiver_name"), PlatformValues.Text(trade, "receiver_mobile") ?? PlatformValues.Text(trade, "receiver_phone"),
            PlatformValues.Text(trade, "receiver_country") ?? "CN", PlatformValues.Text(trade, "receiver_state"), PlatformValues.Text(trade, "receiver_city"),
            PlatformValues.Text(trade, "receiver_district"), PlatformValues.Text(trade, "receiver_address"), PlatformValues.Text(trade, "receiver_zip"),
            "CNY", PlatformValues.Major(trade, "total_fee"), PlatformValues.Major(trade, "discount_fee", required: false), PlatformValues.Major(trade, "post_fee", required: false),
            PlatformValues.Major(trade, "payment"), lines)
        {
            // [unconfirmed] A presale trade carries its promised ship time as est_con_time; TOP gives ordinary trades none.
            Presale = PlatformValues.Text(trade, "est_con_time") is not null, ShipBy = PlatformValues.LocalTime(trade, "est_con_time", Beijing, false),
        };
    }

    /// <summary>TOP's trade statuses (platform-apis.md §1); one the connector does not know makes the record unreadable.</summary>
    internal static PlatformOrderStatus MapStatus(string status) => status switch
    {
        "TRADE_NO_CREATE_PAY" or "WAIT_BUYER_PAY" or "PAY_PENDING" or "WAIT_PRE_AUTH_CONFIRM" => PlatformOrderStatus.AwaitingPayment,
        "WAIT_SELLER_SEND_GOODS" => PlatformOrderStatus.AwaitingShipment,
        "PAID_FORBID_CONSIGN" => PlatformOrderStatus.Held,
        "SELLER_CONSIGNED_PART" => PlatformOrderStatus.PartiallyShipped,
        "WAIT_BUYER_CONFIRM_GOODS" => PlatformOrderStatus.Shipped,
        "TRADE_BUYER_SIGNED" or "TRADE_FINISHED" => PlatformOrderStatus.Completed,
        "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO" => PlatformOrderStatus.Cancelled,
        _ => throw new UnreadableRecordException($"Unknown trade status '{status}'."),
    };

    private static RefundState LineRefund(string? status) => status switch
    {
        null or "NO_REFUND" => RefundState.None,
        "WAIT_SELLER_AGREE" or "WAIT_BUYER_RETURN_GOODS" or "WAIT_SELLER_CONFIRM_GOODS" => RefundState.Requested,
        "SELLER_REFUSE_BUYER" or "CLOSED" => RefundState.Closed,
        "SUCCESS" => RefundState.Refunded,
        _ => throw new UnreadableRecordException($"Unknown refund_status '{status}'."),
    };

    private static string Local(DateTime utc) => (utc + Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A call with the seller's session key; an expired one is renewed once with the shop's refresh token (when it has one) and the call made again.</summary>
    private static Task<JsonDocument> CallAsync(ConnectorContext context, string method, Dictionary<string, string?> business, CancellationToken ct) =>
        TokenRenewal.CallAsync(context, () => SendAsync(context, method, business, withSession: true, ct),
            e => e.Failure == PlatformFailure.Authorization && e.Code is "session-expired" or "invalid-sessionkey" or "27",
            () => TokensAsync(context, "taobao.top.auth.token.refresh", new() { ["refresh_token"] = context.Credentials.Require("refresh_token") }, ct), ct);

    /// <summary>
    /// <c>taobao.top.auth.token.create</c> (a code) or <c>.refresh</c> (the refresh token): the new session key and
    /// refresh token, which TOP answers as the JSON text <c>token_result</c> [unconfirmed: the names inside it].
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> TokensAsync(ConnectorContext context, string method, Dictionary<string, string?> business, CancellationToken ct)
    {
        using var answer = await SendAsync(context, method, business, withSession: false, ct);
        JsonDocument? result = null;
        try
        {
            result = PlatformValues.Text(answer.RootElement, "token_result") is { } text ? JsonDocument.Parse(text) : null;
        }
        catch (JsonException)
        {
        }
        using (result)
        {
            if (result is null || PlatformValues.Text(result.RootElement, "access_token") is not { } session)
                throw new PlatformCallException(PlatformFailure.Authorization, "no_token", $"TOP answered {method} without a token_result holding an access_token.");
            var values = new Dictionary<string, string> { ["session"] = session };
            if (PlatformValues.Text(result.RootElement, "refresh_token") is { } refresh) values["refresh_token"] = refresh;
            return values;
        }
    }

    /// <summary>The seller's consent page: oauth.taobao.com for the production gateway, <c>oauth/authorize</c> beside <c>router/rest</c> on another.</summary>
    public Uri ConsentUrl(ConnectorContext context, string redirectUri, string state) =>
        ConsentPage.Url(context.BaseUrl.Host is "eco.taobao.com" or "gw.api.taobao.com" ? "https://oauth.taobao.com/authorize"
                : context.BaseUrl.Host == "gw.api.tbsandbox.com" ? "https://oauth.tbsandbox.com/authorize"
                : ConsentPage.Beside(context.BaseUrl, "router/rest", "oauth/authorize"),
            new() { ["response_type"] = "code", ["client_id"] = context.Credentials.Require("app_key"), ["redirect_uri"] = redirectUri, ["state"] = state, ["view"] = "web" });

    public IReadOnlyList<string> AppCredentialNames => ["app_key", "app_secret"];

    /// <summary><c>taobao.top.auth.token.create</c> with the code: the seller's session key and refresh token.</summary>
    public Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct) =>
        TokensAsync(context, "taobao.top.auth.token.create", new() { ["code"] = code }, ct);

    /// <summary>One signed call; answers the body inside <c>&lt;method&gt;_response</c>, or throws the platform's error.</summary>
    private static async Task<JsonDocument> SendAsync(ConnectorContext context, string method, Dictionary<string, string?> business, bool withSession, CancellationToken ct)
    {
        var parameters = new Dictionary<string, string?>(business)
        {
            ["method"] = method, ["app_key"] = context.Credentials.Require("app_key"),
            ["timestamp"] = Local(context.Time.GetUtcNow().UtcDateTime), ["format"] = "json", ["v"] = "2.0", ["sign_method"] = "hmac-sha256",
        };
        if (withSession) parameters["session"] = context.Credentials.Require("session");
        parameters["sign"] = TopSigner.Sign(parameters, context.Credentials.Require("app_secret"), "hmac-sha256");
        var body = await PlatformHttp.PostFormAsync(context, parameters, ct);
        var root = body.RootElement;
        if (root.TryGetProperty("error_response", out var error))
        {
            var failure = Error(error);
            body.Dispose();
            throw failure;
        }
        // The response is named after the API without its "taobao." prefix: trades_sold_increment_get_response.
        var key = (method.StartsWith("taobao.", StringComparison.Ordinal) ? method["taobao.".Length..] : method).Replace('.', '_') + "_response";
        if (!root.TryGetProperty(key, out var result))
        {
            body.Dispose();
            throw new PlatformCallException(PlatformFailure.Server, "unexpected_response", $"TOP answered {method} without {key}.");
        }
        var inner = JsonDocument.Parse(result.GetRawText());
        body.Dispose();
        return inner;
    }

    internal static PlatformCallException Error(JsonElement error)
    {
        var code = PlatformValues.Text(error, "code") ?? "";
        var subCode = PlatformValues.Text(error, "sub_code") ?? "";
        var message = $"TOP error {code} {PlatformValues.Text(error, "msg")}" + (subCode == "" ? "" : $" ({subCode}: {PlatformValues.Text(error, "sub_msg")})");
        // TOP accepts a timestamp within ten minutes of its own clock: say which clock to look at.
        if (code == "31") message += " — this server's clock differs from Taobao's by more than 10 minutes; correct the server's time (NTP).";
        var failure = code switch
        {
            "7" => PlatformFailure.Throttled,
            "11" or "25" or "26" or "27" or "28" or "29" or "53" => PlatformFailure.Authorization,
            _ when subCode.StartsWith("isp.", StringComparison.Ordinal) => PlatformFailure.Server,
            // isv.* sub-codes are the caller's fault (a closed trade, an unknown carrier), even under code 15.
            _ when subCode.StartsWith("isv.", StringComparison.Ordinal) => PlatformFailure.Request,
            "15" => PlatformFailure.Server,
            _ => PlatformFailure.Request,
        };
        // "This ban will last for N more seconds": wait what TOP says, at least a second.
        var ban = System.Text.RegularExpressions.Regex.Match(PlatformValues.Text(error, "sub_msg") ?? "", @"(\d+)\s+more\s+seconds");
        var wait = ban.Success && int.TryParse(ban.Groups[1].Value, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 300)) : TimeSpan.FromSeconds(1);
        return new PlatformCallException(failure, subCode == "" ? code : subCode, message, failure == PlatformFailure.Throttled ? wait : null);
    }
}

/// <summary>
/// TOP's item calls as the connector reads them. [unconfirmed] platform-apis.md names only the stock calls; the listing
/// calls (items.onsale.get pages of up to 200, items.seller.list.get for up to 20 items, skus under "skus.sku") follow
/// the public SDK's reading and are kept here in one place so they are easy to correct.
/// </summary>
internal static class TopListings
{
    public const int PageSize = 200;
    public const int DetailBatch = 20;

    /// <summary>taobao.skus.quantity.update takes at most 20 SKUs a call (platform-apis.md §1).</summary>
    public const int SkuBatch = 20;

    public static IEnumerable<PlatformListing> Read(JsonElement item)
    {
        var itemId = PlatformValues.Text(item, "num_iid");
        if (itemId is null) yield break;
        var title = PlatformValues.Cut(PlatformValues.Text(item, "title"), 200);
        var skus = item.TryGetProperty("skus", out var s) && s.TryGetProperty("sku", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
        if (skus.Count == 0)
        {
            yield return new PlatformListing(itemId, "", PlatformValues.Cut(PlatformValues.Text(item, "outer_id"), 64), title, null,
                PlatformValues.MajorOrNull(item, "price"), PlatformValues.Units(item, "num"), PlatformValues.Cut(PlatformValues.Text(item, "barcode"), 64));
            yield break;
        }
        foreach (var sku in skus)
            if (PlatformValues.Text(sku, "sku_id") is { } skuId)
                yield return new PlatformListing(itemId, skuId, PlatformValues.Cut(PlatformValues.Text(sku, "outer_id"), 64), title,
                    PlatformValues.Cut(PlatformValues.Text(sku, "properties_name"), 200), PlatformValues.MajorOrNull(sku, "price"), PlatformValues.Units(sku, "quantity"),
                    PlatformValues.Cut(PlatformValues.Text(sku, "barcode"), 64));
    }
}
