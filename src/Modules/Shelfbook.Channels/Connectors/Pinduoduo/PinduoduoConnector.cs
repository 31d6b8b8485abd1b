using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors.Pinduoduo;

/// <summary>
/// Pinduoduo POP (platform-apis.md §2): signed form posts to the router, <c>pdd.order.number.list.increment.get</c> by
/// update time (windows of at most 30 minutes, kept 3 minutes behind the platform, overlapping by 10), a one-record call
/// for the count and then the pages from the last back to the first.
/// </summary>
public sealed class PinduoduoConnector : IPlatformConnector, IConsentFlow
{
    internal const int PageSize = 100;
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public IReadOnlyList<ShopPlatform> Platforms => [ShopPlatform.Pinduoduo];

    public Uri DefaultBaseUrl { get; } = new("https://gw-api.pinduoduo.com/api/router");

    public IReadOnlyList<string> CredentialNames => ["client_id", "client_secret", "access_token"];

    /// <summary>With a refresh token, an expired access token is renewed (pdd.pop.auth.token.refresh) and both new tokens are kept.</summary>
    public IReadOnlyList<string> OptionalCredentialNames => ["refresh_token"];

    public TimeSpan MaxWindow => TimeSpan.FromMinutes(30);

    public TimeSpan Overlap => TimeSpan.FromMinutes(10);

    public TimeSpan Lag => TimeSpan.FromMinutes(3);

    public async IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, [EnumeratorCancellation] CancellationToken ct)
    {
        var window = new Dictionary<string, string?>
        {
            ["start_updated_at"] = Unix(windowStart), ["end_updated_at"] = Unix(windowEnd), ["order_status"] = "5", ["refund_status"] = "5", ["use_has_next"] = "false",
        };
        using var count = await CallAsync(context, "pdd.order.number.list.increment.get", new(window) { ["page"] = "1", ["page_size"] = "1" }, ct);
        var total = count.RootElement.TryGetProperty("total_count", out var t) && t.TryGetInt32(out var n) ? n : 0;
        for (var page = (total + PageSize - 1) / PageSize; page >= 1; page--)
        {
            using var response = await CallAsync(context, "pdd.order.number.list.increment.get",
                new(window) { ["page"] = page.ToString(CultureInfo.InvariantCulture), ["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture) }, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = new List<PulledRecord>();
            if (response.RootElement.TryGetProperty("order_sn_list", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var order in list.EnumerateArray()) records.Add(Read(order));
            context.Timings.AddParse(clock.Elapsed);
            yield return records;
        }
    }

    public async Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct)
    {
        try
        {
            using var response = await CallAsync(context, "pdd.order.information.get", new() { ["order_sn"] = platformOrderId }, ct);
            return response.RootElement.TryGetProperty("order_info", out var order) ? Read(order) : null;
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request && e.Code == PddErrors.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>pdd.logistics.online.send</c> (whole orders only). A refusal on an order that already carries this tracking
    /// number is an earlier attempt whose answer was lost, and counts as accepted.
    /// </summary>
    public async Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct)
    {
        if (shipment.PlatformLineIds.Count > 0)
            throw new PlatformCallException(PlatformFailure.Request, "no_partial", "Pinduoduo confirms whole orders only; confirm the order without lines.");
        try
        {
            using var response = await CallAsync(context, "pdd.logistics.online.send",
                new() { ["order_sn"] = shipment.PlatformOrderId, ["logistics_id"] = shipment.PlatformCarrierCode, ["tracking_number"] = shipment.TrackingNo }, ct);
            if (response.RootElement.TryGetProperty("is_success", out var ok) && (ok.ValueKind == JsonValueKind.True || ok.ToString() == "1")) return;
            throw new PlatformCallException(PlatformFailure.Server, "not_success", "Pinduoduo answered logistics.online.send without success.");
        }
        catch (PlatformCallException e) when (e.Failure == PlatformFailure.Request && e.Code != "no_partial")
        {
            using var order = await CallAsync(context, "pdd.order.information.get", new() { ["order_sn"] = shipment.PlatformOrderId }, ct);
            if (order.RootElement.TryGetProperty("order_info", out var info) && PlatformValues.Text(info, "tracking_number") == shipment.TrackingNo) return;
            throw;
        }
    }

    internal static PulledRecord Read(JsonElement order) =>
        PulledRecord.From(order.GetRawText(), PlatformValues.Text(order, "order_sn"), "order_sn", id => Parse(order, id));

    private static PlatformOrderData Parse(JsonElement order, string sn)
    {
        var (orderStatus, confirmStatus, refundStatus) =
            (PlatformValues.RequiredText(order, "order_status"), PlatformValues.Text(order, "confirm_status") ?? "1", PlatformValues.Text(order, "refund_status") ?? "1");
        var status = (confirmStatus, orderStatus) switch
        {
            ("2", _) => PlatformOrderStatus.Cancelled,
            ("0", _) => PlatformOrderStatus.AwaitingPayment,
            (_, "1") => PlatformOrderStatus.AwaitingShipment,
            (_, "2") => PlatformOrderStatus.Shipped,
            (_, "3") => PlatformOrderStatus.Completed,
            _ => throw new UnreadableRecordException($"Unknown order_status '{orderStatus}' (confirm_status '{confirmStatus}')."),
        };
        var refund = refundStatus switch
        {
            "1" => RefundState.None,
            "2" or "3" => RefundState.Requested,
            "4" => RefundState.Refunded,
            _ => throw new UnreadableRecordException($"Unknown refund_status '{refundStatus}'."),
        };
        var postage = PlatformValues.Major(order, "postage", required: false);
        var paid = PlatformValues.Major(order, "pay_amount");
        var items = new List<(JsonElement Item, int Count, long Price)>();
        if (order.TryGetProperty("item_list", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var item in list.EnumerateArray()) items.Add((item, PlatformValues.Count(item, "goods_count"), PlatformValues.Major(item, "goods_price")));
        if (items.Count == 0) throw new UnreadableRecordException("The order has no lines (item_list).");
        // Pinduoduo gives no paid amount per line: what the buyer paid for goods is shared over the lines by value.
        var goods = items.Sum(i => i.Price * i.Count);
        var forGoods = Math.Max(0, paid - postage);
        var left = forGoods;
        var lines = new List<PlatformLineData>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var (item, count, price) = items[i];
            var share = i == items.Count - 1 ? left : goods == 0 ? 0 : (long)((Int128)forGoods * price * count / goods);
            left -= share;
            lines.Add(new PlatformLineData((i + 1).ToString(CultureInfo.InvariantCulture), PlatformValues.Text(item, "goods_id"), PlatformValues.Text(item, "sku_id"),
                PlatformValues.Text(item, "outer_id") ?? PlatformValues.Text(item, "outer_goods_id"), PlatformValues.Cut(PlatformValues.Text(item, "goods_name"), 200),
                PlatformValues.Cut(PlatformValues.Text(item, "goods_spec"), 200), count, price, share, refund));
        }
        return new PlatformOrderData(
            sn, status, $"{orderStatus}/{confirmStatus}/{refundStatus}", refund,
            PlatformValues.LocalTime(order, "created_time", Beijing, true)!.Value, PlatformValues.LocalTime(order, "pay_time", Beijing, false),
            PlatformValues.LocalTime(order, "updated_at", Beijing, true)!.Value,
            null, PlatformValues.Cut(PlatformValues.Text(order, "buyer_memo"), 500), PlatformValues.Cut(PlatformValues.Text(order, "remark"), 500),
            PlatformValues.Text(order, "receiver_name"), PlatformValues.Text(order, "receiver_phone"), PlatformValues.Text(order, "country") is null or "中国" ? "CN" : PlatformValues.Text(order, "country"),
            PlatformValues.Text(order, "province"), PlatformValues.Text(order, "city"), PlatformValues.Text(order, "town"),
            PlatformValues.Text(order, "receiver_address"), null,
            "CNY", PlatformValues.Major(order, "goods_amount"), PlatformValues.Major(order, "discount_amount", required: false), postage, paid, lines)
        {
            // last_ship_time is the ship-within deadline; a presale (is_pre_sale 1, [unconfirmed]) ships from pre_sale_time.
            Presale = PlatformValues.Text(order, "is_pre_sale") == "1",
            ShipBy = PlatformValues.Text(order, "is_pre_sale") == "1" ? PlatformValues.LocalTime(order, "pre_sale_time", Beijing, false) ?? PlatformValues.LocalTime(order, "last_ship_time", Beijing, false)
                : PlatformValues.LocalTime(order, "last_ship_time", Beijing, false),
        };
    }

    private static string Unix(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The response object of each API (Pinduoduo names them apart from the API).</summary>
    private static readonly Dictionary<string, string> ResponseKeys = new(StringComparer.Ordinal)
    {
        ["pdd.order.number.list.increment.get"] = "order_sn_increment_get_response",
        ["pdd.order.information.get"] = "order_info_get_response",
        ["pdd.logistics.online.send"] = "logistics_online_send_response",
        ["pdd.goods.list.get"] = "goods_list_get_response",
        ["pdd.goods.quantity.update"] = "goods_quantity_update_response",
        ["pdd.pop.auth.token.refresh"] = "pop_auth_token_refresh_response",
        ["pdd.pop.auth.token.create"] = "pop_auth_token_create_response",
    };

    /// <summary><c>pdd.goods.list.get</c>, 100 goods a page with their SKUs [unconfirmed: the reading PddErrors' note describes].</summary>
    public async IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            using var response = await CallAsync(context, "pdd.goods.list.get",
                new() { ["page"] = page.ToString(CultureInfo.InvariantCulture), ["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture) }, ct);
            var root = response.RootElement;
            var goods = root.TryGetProperty("goods_list", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
            var listings = new List<PlatformListing>();
            foreach (var item in goods)
            {
                if (PlatformValues.Text(item, "goods_id") is not { } goodsId) continue;
                var title = PlatformValues.Cut(PlatformValues.Text(item, "goods_name"), 200);
                if (!item.TryGetProperty("sku_list", out var skus) || skus.ValueKind != JsonValueKind.Array) continue;
                foreach (var sku in skus.EnumerateArray())
                    if (PlatformValues.Text(sku, "sku_id") is { } skuId)
                        listings.Add(new PlatformListing(goodsId, skuId, PlatformValues.Cut(PlatformValues.Text(sku, "outer_id"), 64), title,
                            PlatformValues.Cut(PlatformValues.Text(sku, "spec"), 200), null, PlatformValues.Units(sku, "sku_quantity")));
            }
            if (listings.Count > 0) yield return listings;
            var total = root.TryGetProperty("total_count", out var t) && t.TryGetInt32(out var n) ? n : 0;
            if (goods.Count == 0 || page * PageSize >= total) yield break;
        }
    }

    /// <summary><c>pdd.goods.quantity.update</c> one SKU a call, full quantity (update_type 1).</summary>
    public async Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct)
    {
        var results = new List<StockPushResult>();
        foreach (var listing in listings)
        {
            try
            {
                var parameters = new Dictionary<string, string?>
                {
                    ["goods_id"] = listing.PlatformItemId, ["quantity"] = listing.Quantity.ToString(CultureInfo.InvariantCulture), ["update_type"] = "1",
                };
                if (listing.PlatformSkuId.Length > 0) parameters["sku_id"] = listing.PlatformSkuId;
                else parameters["outer_id"] = listing.SellerCode;
                using var response = await CallAsync(context, "pdd.goods.quantity.update", parameters, ct);
                if (!(response.RootElement.TryGetProperty("is_success", out var ok) && (ok.ValueKind == JsonValueKind.True || ok.ToString() == "1")))
                    throw new PlatformCallException(PlatformFailure.Server, "not_success", "Pinduoduo answered goods.quantity.update without success.");
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

    /// <summary>A call; an expired access token is renewed once with the shop's refresh token (when it has one) and the call made again.</summary>
    private static Task<JsonDocument> CallAsync(ConnectorContext context, string type, Dictionary<string, string?> business, CancellationToken ct) =>
        TokenRenewal.CallAsync(context, () => SendAsync(context, type, business, withToken: true, ct), e => e.Code == PddErrors.TokenExpired,
            () => TokensAsync(context, "pdd.pop.auth.token.refresh", new() { ["refresh_token"] = context.Credentials.Require("refresh_token") }, ct), ct);

    /// <summary><c>pdd.pop.auth.token.create</c> (a code) or <c>.refresh</c> (the refresh token): the new access and refresh tokens.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> TokensAsync(ConnectorContext context, string type, Dictionary<string, string?> business, CancellationToken ct)
    {
        using var answer = await SendAsync(context, type, business, withToken: false, ct);
        var root = answer.RootElement;
        if (PlatformValues.Text(root, "access_token") is not { } access)
            throw new PlatformCallException(PlatformFailure.Authorization, PddErrors.TokenExpired, $"Pinduoduo answered {type} without an access token.");
        var values = new Dictionary<string, string> { ["access_token"] = access };
        if (PlatformValues.Text(root, "refresh_token") is { } refresh) values["refresh_token"] = refresh;
        return values;
    }

    /// <summary>
    /// The merchant's consent page [unconfirmed: fuwu.pinduoduo.com/service-market/auth for the production gateway;
    /// another gateway serves it at <c>oauth/authorize</c> beside <c>api/router</c>].
    /// </summary>
    public Uri ConsentUrl(ConnectorContext context, string redirectUri, string state) =>
        ConsentPage.Url(context.BaseUrl.Host == "gw-api.pinduoduo.com" ? "https://fuwu.pinduoduo.com/service-market/auth" : ConsentPage.Beside(context.BaseUrl, "api/router", "oauth/authorize"),
            new() { ["response_type"] = "code", ["client_id"] = context.Credentials.Require("client_id"), ["redirect_uri"] = redirectUri, ["state"] = state });

    public IReadOnlyList<string> AppCredentialNames => ["client_id", "client_secret"];

    /// <summary><c>pdd.pop.auth.token.create</c> with the code: the mall's access token and refresh token.</summary>
    public Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct) =>
        TokensAsync(context, "pdd.pop.auth.token.create", new() { ["code"] = code }, ct);

    private static async Task<JsonDocument> SendAsync(ConnectorContext context, string type, Dictionary<string, string?> business, bool withToken, CancellationToken ct)
    {
        var parameters = new Dictionary<string, string?>(business)
        {
            ["type"] = type, ["client_id"] = context.Credentials.Require("client_id"),
            ["timestamp"] = Unix(context.Time.GetUtcNow().UtcDateTime), ["data_type"] = "JSON", ["version"] = "V1",
        };
        if (withToken) parameters["access_token"] = context.Credentials.Require("access_token");
        parameters["sign"] = PddSigner.Sign(parameters, context.Credentials.Require("client_secret"));
        var body = await PlatformHttp.PostFormAsync(context, parameters, ct);
        if (body.RootElement.TryGetProperty("error_response", out var error))
        {
            var failure = PddErrors.Exception(error);
            body.Dispose();
            throw failure;
        }
        if (!body.RootElement.TryGetProperty(ResponseKeys[type], out var result))
        {
            body.Dispose();
            throw new PlatformCallException(PlatformFailure.Server, "unexpected_response", $"Pinduoduo answered {type} without {ResponseKeys[type]}.");
        }
        var inner = JsonDocument.Parse(result.GetRawText());
        body.Dispose();
        return inner;
    }
}

/// <summary>
/// Pinduoduo's error codes as the connector reads them. [unconfirmed] No public list was found for these numbers: they
/// are the reading the sandbox follows, kept here in one place so they are easy to correct.
/// </summary>
public static class PddErrors
{
    public const string BadArgument = "10000";
    public const string BadSignature = "10016";
    public const string TokenExpired = "10019";
    public const string UnknownClient = "10035";
    public const string NotFound = "10002";
    public const string Throttled = "70031";
    public const string ServerError = "50000";

    public static PlatformCallException Exception(JsonElement error)
    {
        var code = PlatformValues.Text(error, "error_code") ?? "";
        var message = $"Pinduoduo error {code} {PlatformValues.Text(error, "error_msg")}"
                      + (PlatformValues.Text(error, "sub_msg") is { } sub ? $" ({PlatformValues.Text(error, "sub_code")}: {sub})" : "");
        if (PlatformValues.Text(error, "sub_code") == "timestamp")
            message += " — this server's clock differs from Pinduoduo's by more than 10 minutes; correct the server's time (NTP).";
        var failure = code switch
        {
            Throttled => PlatformFailure.Throttled,
            BadSignature or TokenExpired or UnknownClient => PlatformFailure.Authorization,
            _ when code.StartsWith('5') => PlatformFailure.Server,
            _ => PlatformFailure.Request,
        };
        return new PlatformCallException(failure, code, message, failure == PlatformFailure.Throttled ? TimeSpan.FromSeconds(1) : null);
    }
}
