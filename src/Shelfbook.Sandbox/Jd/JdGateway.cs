// MD5 is what JD's signing prescribes; the sandbox checks it as JD does.
#pragma warning disable CA5351
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Jd;

public sealed class JdApp(string appKey, string secret)
{
    public string AppKey { get; } = appKey;
    public string Secret { get; } = secret;
}

/// <summary>A JD POP vendor that authorized an app: its access token, orders (the common model) and SKUs.</summary>
public sealed class JdVendor(string name, string appKey, string accessToken)
{
    public string Name { get; } = name;
    public string AppKey { get; } = appKey;
    public string AccessToken { get; } = accessToken;
    public bool Revoked { get; set; }

    /// <summary>The refresh token that renews the vendor's access token (rotated on every refresh); null before consent.</summary>
    public string? RefreshToken { get; set; }
    public object Gate { get; } = new();
    public Dictionary<string, TopTrade> Orders { get; } = new(StringComparer.Ordinal);
    public SellerListings Listings { get; } = new();
}

public sealed class JdPlatform
{
    private long _next = 300_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 10_000_000 * 1_000;

    public Dictionary<string, JdApp> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, JdVendor> Vendors { get; } = new(StringComparer.Ordinal);

    /// <summary>Access tokens that have expired (or were replaced by a refresh): answered 19.</summary>
    public HashSet<string> Expired { get; } = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public long NextId() => Interlocked.Add(ref _next, 1 + Random.Shared.Next(1, 97));
}

/// <summary>
/// JD's JOS router (platform-apis.md §3): form posts to <c>/jd/routerjson</c>, the app, the signature (system parameters
/// with <c>360buy_param_json</c>), the timestamp (Beijing time with milliseconds and offset, ±10 minutes) and the access
/// token checked in that order; answers under <c>&lt;method&gt;_responce</c> (JD's spelling) or <c>error_response</c>
/// with the connector's reading of the codes (JdErrors, unconfirmed).
/// </summary>
public static class JdGateway
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static void Map(WebApplication app)
    {
        app.MapPost("/jd/routerjson", HandleAsync);
        // open-oauth.jd.com's stand-ins [unconfirmed: /oauth2/to_login with app_key, response_type=code, redirect_uri, state;
        // /oauth2/access_token and /oauth2/refresh_token taking app_key, app_secret, grant_type and the code or refresh token].
        ConsentPages.Map(app, "/jd/oauth2/to_login", new ConsentSpec("jd", "京东 商家授权 Authorize", "app_key",
            (state, id) => { lock (state.Jd.Gate) return state.Jd.Apps.ContainsKey(id); },
            (state, id, name) =>
            {
                var jd = state.Jd;
                lock (jd.Gate)
                    if (!jd.Vendors.Values.Any(v => v.Name == name && v.AppKey == id))
                    {
                        var token = ConsentPages.Token("jd-access-");
                        jd.Vendors[token] = new JdVendor(name, id, token);
                    }
                return new Dictionary<string, string>();
            }));
        app.MapMethods("/jd/oauth2/access_token", ["GET", "POST"], (HttpRequest request, SandboxState state) => OAuthToken(request, state, create: true));
        app.MapMethods("/jd/oauth2/refresh_token", ["GET", "POST"], (HttpRequest request, SandboxState state) => OAuthToken(request, state, create: false));
    }

    /// <summary>
    /// The code (grant_type <c>authorization_code</c>) or the refresh token (<c>refresh_token</c>) for a new access token
    /// and refresh token, as JSON with <c>code</c> 0; a refusal keeps a non-zero <c>code</c> and <c>msg</c>. A refresh
    /// retires the vendor's earlier access tokens.
    /// </summary>
    private static IResult OAuthToken(HttpRequest request, SandboxState state, bool create)
    {
        state.Count(create ? "jd:oauth2.access_token" : "jd:oauth2.refresh_token");
        var q = request.Query;
        var jd = state.Jd;
        static IResult Refused(int code, string msg) => Results.Text(new JsonObject { ["code"] = code, ["msg"] = msg }.ToJsonString(), "application/json; charset=utf-8");
        JdApp? app;
        lock (jd.Gate) app = jd.Apps.GetValueOrDefault(q["app_key"].ToString());
        if (app is null || app.Secret != q["app_secret"].ToString()) return Refused(401, "app_key 或 app_secret 无效");
        if (q["grant_type"] != (create ? "authorization_code" : "refresh_token")) return Refused(400, "grant_type 无效");
        var name = create ? state.Consents.Redeem("jd", q["code"].ToString(), app.AppKey, null, state.Clock.GetUtcNow().UtcDateTime) : null;
        lock (jd.Gate)
        {
            var given = q["refresh_token"].ToString();
            var vendor = create
                ? jd.Vendors.Values.FirstOrDefault(v => v.Name == name && v.AppKey == app.AppKey && !v.Revoked)
                : jd.Vendors.Values.FirstOrDefault(v => given.Length > 0 && v.RefreshToken == given && v.AppKey == app.AppKey && !v.Revoked);
            if (vendor is null) return create ? Refused(402, "code 无效或已过期") : Refused(403, "refresh_token 无效或已过期");
            if (!create)
            {
                state.Count($"jd:{vendor.AccessToken}:token.refresh");
                foreach (var old in jd.Vendors.Where(v => v.Value == vendor).Select(v => v.Key)) jd.Expired.Add(old);
            }
            var (access, refresh) = (ConsentPages.Token("jd-access-"), ConsentPages.Token("jd-refresh-"));
            jd.Vendors[access] = vendor;
            vendor.RefreshToken = refresh;
            return Results.Text(new JsonObject
            {
                ["code"] = 0, ["access_token"] = access, ["expires_in"] = 31_536_000, ["refresh_token"] = refresh, ["scope"] = "snsapi_base", ["uid"] = vendor.Name,
                ["time"] = state.Clock.GetUtcNow().ToUnixTimeMilliseconds(), ["token_type"] = "bearer",
            }.ToJsonString(), "application/json; charset=utf-8");
        }
    }

    /// <summary>JD's signature, written apart from the connector's.</summary>
    public static string Signature(IReadOnlyDictionary<string, string> form, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var key in form.Keys.Where(k => k != "sign" && form[k].Length > 0).Order(StringComparer.Ordinal)) text.Append(key).Append(form[key]);
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.Append(secret).ToString())));
    }

    public static string OrderId(TopTrade o) => o.Tid.ToString(CultureInfo.InvariantCulture);

    private static string Local(DateTime utc) => (utc + Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static async Task<IResult> HandleAsync(HttpRequest request, SandboxState state)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var method = form.GetValueOrDefault("method") ?? "";
        var token = form.GetValueOrDefault("access_token");
        state.Count("jd:" + method);
        state.Count($"jd:{token}:{method}");
        var faults = state.FaultsFor("jd", token);
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeHtml()) return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        var jd = state.Jd;
        JdApp? app;
        JdVendor? vendor;
        lock (jd.Gate)
        {
            app = jd.Apps.GetValueOrDefault(form.GetValueOrDefault("app_key") ?? "");
            vendor = jd.Vendors.GetValueOrDefault(token ?? "");
        }
        if (app is null) return Error(15, "app_key不存在", "Invalid app_key");
        if (!string.Equals(form.GetValueOrDefault("sign"), Signature(form, app.Secret), StringComparison.Ordinal)) return Error(14, "签名无效", "Invalid signature");
        var stamp = form.GetValueOrDefault("timestamp") ?? "";
        if (!DateTimeOffset.TryParseExact(stamp, "yyyy-MM-dd HH:mm:ss.fffzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            && !DateTimeOffset.TryParseExact(stamp.Length > 5 ? stamp[..^2] + ":" + stamp[^2..] : stamp, "yyyy-MM-dd HH:mm:ss.fffzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
            return Error(11, "时间戳格式错误", "Invalid timestamp");
        if (Math.Abs((at.UtcDateTime - state.Clock.GetUtcNow().UtcDateTime.AddSeconds(faults.ClockSkewSeconds)).TotalMinutes) > 10)
            return Error(11, "时间戳与服务器时间相差超过 10 分钟", "Timestamp out of range");
        bool expired;
        lock (jd.Gate) expired = jd.Expired.Contains(token ?? "");
        if (vendor is null || vendor.Revoked || vendor.AppKey != app.AppKey || expired) return Error(19, "access_token无效或已过期", "Invalid access_token");
        if (faults.TakeThrottle() || !state.TryCall("jd", vendor.AccessToken, out _)) return Error(66, "调用频率超限", "Call limited");
        if (faults.TakeServerError()) return Error(1, "服务内部错误", "Internal error");
        JsonElement param;
        try
        {
            param = JsonDocument.Parse(form.GetValueOrDefault("360buy_param_json") is { Length: > 0 } json ? json : "{}").RootElement;
        }
        catch (JsonException)
        {
            return Error(40, "360buy_param_json 不是合法的 JSON", "Invalid 360buy_param_json");
        }
        var result = method switch
        {
            "jingdong.pop.order.search" => Search(param, vendor, state, faults),
            "jingdong.pop.order.get" => Get(param, vendor, faults),
            "jingdong.pop.order.shipment" => Shipment(param, vendor, state),
            "jingdong.sku.read.searchSkuList" => SkuList(param, vendor),
            "jingdong.stock.write.updateSkuStock" => UpdateStock(param, vendor, state),
            _ => Error(22, "无效的方法", "Invalid method"),
        };
        if (faults.TakeSlowAnswer(method)) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    private static string? Text(JsonElement param, string name) =>
        param.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    private static JsonObject ToJson(TopTrade o, bool malformed)
    {
        var state = o.Status switch
        {
            "WAIT_BUYER_CONFIRM_GOODS" => "WAIT_GOODS_RECEIVE_CONFIRM",
            "TRADE_FINISHED" or "TRADE_BUYER_SIGNED" => "FINISHED_L",
            "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO" => "TRADE_CANCELED",
            _ => "WAIT_SELLER_STOCK_OUT",
        };
        return new JsonObject
        {
            ["orderId"] = OrderId(o), ["orderState"] = state, ["orderTotalPrice"] = Yuan(o.TotalFee), ["orderSellerPrice"] = Yuan(o.TotalFee - o.DiscountFee),
            ["orderPayment"] = malformed ? "十二元" : Yuan(o.Payment), ["freightPrice"] = Yuan(o.PostFee), ["sellerDiscount"] = Yuan(o.DiscountFee),
            ["modified"] = Local(o.Modified), ["orderStartTime"] = Local(o.Created), ["paymentConfirmTime"] = o.PayTime is { } p ? Local(p) : null,
            ["orderRemark"] = o.BuyerMessage, ["venderRemark"] = o.SellerMemo,
            ["consigneeInfo"] = new JsonObject
            {
                ["fullname"] = o.ReceiverName, ["mobile"] = o.ReceiverMobile, ["province"] = o.ReceiverState, ["city"] = o.ReceiverCity, ["county"] = o.ReceiverDistrict,
                ["fullAddress"] = $"{o.ReceiverState}{o.ReceiverCity}{o.ReceiverDistrict}{o.ReceiverAddress}",
            },
            ["itemInfoList"] = new JsonArray(o.Lines.Select(l => (JsonNode)new JsonObject
            {
                ["skuId"] = l.SkuId.ToString(CultureInfo.InvariantCulture), ["wareId"] = l.NumIid.ToString(CultureInfo.InvariantCulture), ["outerSkuId"] = l.OuterSkuId,
                ["skuName"] = l.Title, ["jdPrice"] = Yuan(l.Price), ["itemTotal"] = l.Num.ToString(CultureInfo.InvariantCulture),
            }).ToArray()),
            ["waybill"] = o.Lines[0].InvoiceNo,
        };
    }

    private static IResult Search(JsonElement param, JdVendor vendor, SandboxState state, Faults faults)
    {
        if (!DateTime.TryParseExact(Text(param, "start_date"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !DateTime.TryParseExact(Text(param, "end_date"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            return Error(40, "start_date 和 end_date 必须是 yyyy-MM-dd HH:mm:ss", "Invalid start_date/end_date");
        if (end < start || end - start > TimeSpan.FromMinutes(30)) return Error(41, "时间跨度不能超过 30 分钟", "Date range too long");
        var page = int.TryParse(Text(param, "page") ?? "1", CultureInfo.InvariantCulture, out var p) ? p : 0;
        var size = int.TryParse(Text(param, "page_size") ?? "20", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (page < 1 || size is < 1 or > 100) return Error(41, "page 从 1 开始，page_size 取值 1~100", "Invalid page or page_size");
        var (from, to) = (DateTime.SpecifyKind(start - Beijing, DateTimeKind.Utc), DateTime.SpecifyKind(end - Beijing, DateTimeKind.Utc));
        JsonArray list;
        int total;
        lock (vendor.Gate)
        {
            var matching = vendor.Orders.Values.Where(o => o.Modified >= from && o.Modified <= to).OrderByDescending(o => o.Modified).ThenByDescending(o => o.Tid).ToList();
            total = matching.Count;
            var slice = matching.Skip((page - 1) * size).Take(size + (faults.DuplicateAcrossPages ? 1 : 0)).ToList();
            list = new JsonArray(slice.Select(o => (JsonNode)ToJson(o, faults.IsMalformed(OrderId(o)))).ToArray());
            if (faults.UpdateDuringPaging > 0 && size > 1)
                foreach (var moved in matching.Where(o => !slice.Contains(o)).Take(faults.UpdateDuringPaging)) moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        return Ok("jingdong.pop.order.search", new JsonObject
        {
            ["searchorderinfo_result"] = new JsonObject { ["apiResult"] = new JsonObject { ["success"] = true }, ["orderTotal"] = total, ["orderInfoList"] = list },
        });
    }

    private static IResult Get(JsonElement param, JdVendor vendor, Faults faults)
    {
        var id = Text(param, "order_id") ?? "";
        JsonObject? json;
        lock (vendor.Gate) json = vendor.Orders.GetValueOrDefault(id) is { } order ? ToJson(order, faults.IsMalformed(id)) : null;
        return Ok("jingdong.pop.order.get", new JsonObject
        {
            ["orderDetailInfo"] = new JsonObject
            {
                ["apiResult"] = json is null
                    ? new JsonObject { ["success"] = false, ["englishErrCode"] = "ORDER_NOT_FOUND", ["chineseErrCode"] = "订单不存在" }
                    : new JsonObject { ["success"] = true },
                ["orderInfo"] = json,
            },
        });
    }

    private static IResult Shipment(JsonElement param, JdVendor vendor, SandboxState state)
    {
        var (id, carrier, waybill) = (Text(param, "orderId") ?? "", Text(param, "logiCoprId") ?? "", Text(param, "logiNo") ?? "");
        string? refusal = null;
        lock (vendor.Gate)
        {
            var order = vendor.Orders.GetValueOrDefault(id);
            if (order is null) refusal = "订单不存在";
            else if (!JdCarriers.Contains(carrier)) refusal = "物流公司不存在";
            else if (waybill.Length == 0) refusal = "运单号不能为空";
            else if (order.Status is "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO") refusal = "订单已取消，不能出库";
            else if (order.Lines.Any(l => l.InvoiceNo is not null)) refusal = "订单已出库，不能重复出库";
            else
            {
                var now = state.Clock.GetUtcNow().UtcDateTime;
                foreach (var line in order.Lines) (line.InvoiceNo, line.LogisticsCompany) = (waybill, carrier);
                order.Status = "WAIT_BUYER_CONFIRM_GOODS";
                order.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("jd", vendor.AccessToken, id, waybill, carrier, refusal is null, refusal, state.Clock.GetUtcNow().UtcDateTime));
        return Ok("jingdong.pop.order.shipment", new JsonObject
        {
            ["sopjosshipment_result"] = new JsonObject { ["success"] = refusal is null, ["chineseErr"] = refusal, ["englishErr"] = refusal is null ? null : "shipment refused" },
        });
    }

    /// <summary>The vendor's SKUs with their ware, outer id and stock, pages from 1 (<c>pageSize</c> ≤ 100).</summary>
    private static IResult SkuList(JsonElement param, JdVendor vendor)
    {
        var page = int.TryParse(Text(param, "page") ?? "1", CultureInfo.InvariantCulture, out var p) ? p : 0;
        var size = int.TryParse(Text(param, "pageSize") ?? "20", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (page < 1 || size is < 1 or > 100) return Error(41, "page 从 1 开始，pageSize 取值 1~100", "Invalid page or pageSize");
        lock (vendor.Listings.Gate)
        {
            var skus = vendor.Listings.All.OrderBy(l => l.SkuId).ToList();
            var data = new JsonArray(skus.Skip((page - 1) * size).Take(size).Select(l => (JsonNode)new JsonObject
            {
                ["wareId"] = l.ItemId, ["skuId"] = l.SkuId, ["outerId"] = l.OuterId, ["wareTitle"] = l.ItemTitle, ["skuName"] = l.Spec, ["jdPrice"] = Yuan(l.Price),
                ["stockNum"] = l.Quantity,
            }).ToArray());
            return Ok("jingdong.sku.read.searchSkuList", new JsonObject { ["page"] = new JsonObject { ["totalItem"] = skus.Count, ["data"] = data } });
        }
    }

    private static IResult UpdateStock(JsonElement param, JdVendor vendor, SandboxState state)
    {
        var skuId = Text(param, "skuId") ?? "";
        if (!long.TryParse(Text(param, "stockNum"), NumberStyles.None, CultureInfo.InvariantCulture, out var stock)) return Error(40, "stockNum 必须是非负整数", "Invalid stockNum");
        if (vendor.Listings.SetQuantity(l => SellerListings.Id(l.SkuId) == skuId, stock, false, state, "jd", vendor.AccessToken) == SellerListings.QuantityChange.NotFound)
            return Error(42, "SKU 不存在", "SKU not found");
        return Ok("jingdong.stock.write.updateSkuStock", new JsonObject { ["success"] = true });
    }

    /// <summary>JD's logiCoprId values the sandbox accepts (the connector's reading).</summary>
    public static readonly HashSet<string> JdCarriers = new(StringComparer.Ordinal) { "467", "1499", "463", "470", "1327", "465", "2170", "2087", "3046" };

    private static IResult Ok(string method, JsonObject result)
    {
        result["code"] = "0";
        return Results.Text(new JsonObject { [method.Replace('.', '_') + "_responce"] = result }.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult Error(int code, string zh, string en) =>
        Results.Text(new JsonObject { ["error_response"] = new JsonObject { ["code"] = code.ToString(CultureInfo.InvariantCulture), ["zh_desc"] = zh, ["en_desc"] = en } }.ToJsonString(),
            "application/json; charset=utf-8");
}
