// MD5 is one of the signing methods Douyin's SDK offers; the sandbox checks it as Douyin does.
#pragma warning disable CA5351
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Douyin;

/// <summary>
/// Douyin's open platform (platform-apis.md §4): <c>POST /douyin/{method as path}</c> with the system parameters in the
/// query and <c>param_json</c> as the body; the app, the signature (over the body exactly as sent), the timestamp (Unix
/// seconds, ±10 minutes) and the access token checked in that order; the <c>{code, msg, sub_code, sub_msg, log_id,
/// data}</c> envelope. Error numbers follow the connector's reading (DouyinErrors, marked unconfirmed there).
/// </summary>
public static class DouyinGateway
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/douyin/{group}/{name}", HandleAsync);
        // The shop's authorization page [unconfirmed: Douyin's service market authorizes by service; the sandbox names the app by app_key].
        ConsentPages.Map(app, "/douyin/authorize", new ConsentSpec("douyin", "抖店 店铺授权 Authorize", "app_key",
            (state, id) => { lock (state.Douyin.Gate) return state.Douyin.Apps.ContainsKey(id); },
            (state, id, name) =>
            {
                var douyin = state.Douyin;
                lock (douyin.Gate)
                    if (!douyin.Shops.Values.Any(s => s.Name == name && s.AppKey == id))
                    {
                        var token = ConsentPages.Token("dy-access-");
                        douyin.Shops[token] = new DouyinShop(name, id, token);
                    }
                return new Dictionary<string, string>();
            }));
    }

    /// <summary>Douyin's signature, written apart from the connector's.</summary>
    public static string Signature(string appKey, string secret, string method, string paramJson, string timestamp, string signMethod)
    {
        var text = Encoding.UTF8.GetBytes(secret + "app_key" + appKey + "method" + method + "param_json" + paramJson + "timestamp" + timestamp + "v" + "2" + secret);
        return Convert.ToHexStringLower(signMethod == "md5" ? MD5.HashData(text) : HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), text));
    }

    private static async Task<IResult> HandleAsync(string group, string name, HttpRequest request, SandboxState state)
    {
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var method = $"{group}.{name}";
        var token = query.GetValueOrDefault("access_token");
        state.Count("douyin:" + method);
        state.Count($"douyin:{token}:{method}");
        var faults = state.FaultsFor("douyin", token);
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeHtml()) return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var douyin = state.Douyin;
        DouyinApp? app;
        DouyinShop? shop;
        lock (douyin.Gate)
        {
            app = douyin.Apps.GetValueOrDefault(query.GetValueOrDefault("app_key") ?? "");
            shop = douyin.Shops.GetValueOrDefault(token ?? "");
        }
        if (app is null) return Error(30002, "app_key 不存在", "isv.app-key-not-exist");
        if (query.GetValueOrDefault("method") != method) return Error(40001, "参数错误", "isv.method-mismatch", "method 与路径不一致");
        var timestamp = query.GetValueOrDefault("timestamp") ?? "";
        if (!string.Equals(query.GetValueOrDefault("sign"), Signature(app.AppKey, app.Secret, method, body, timestamp, query.GetValueOrDefault("sign_method") ?? "md5"),
                StringComparison.Ordinal))
            return Error(40004, "签名校验失败", "isv.sign-check-failure");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            || Math.Abs(unix - state.Clock.GetUtcNow().ToUnixTimeSeconds() - faults.ClockSkewSeconds) > 600)
            return Error(40003, "时间戳已过期", "isv.timestamp-expired", "timestamp 与服务器时间相差超过 10 分钟");
        if (method is "token.create" or "token.refresh") return Token(method, body, app, state);
        bool expired;
        lock (douyin.Gate) expired = douyin.Expired.Contains(token ?? "");
        if (shop is null || shop.Revoked || shop.AppKey != app.AppKey || expired) return Error(30001, "access_token 已过期", "isv.access-token-expired");
        if (faults.TakeThrottle() || !state.TryCall("douyin", shop.AccessToken, out _)) return Error(50002, "调用频率超限", "isv.frequency-limited");
        if (faults.TakeServerError()) return Error(20000, "服务内部错误", "isp.service-error");
        JsonElement param;
        try
        {
            param = JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement;
        }
        catch (JsonException)
        {
            return Error(40001, "参数错误", "isv.param-json-invalid", "param_json 不是合法的 JSON");
        }
        var result = method switch
        {
            "order.searchList" => SearchList(param, shop, state, faults),
            "order.orderDetail" => Detail(param, shop, faults),
            "order.logisticsAdd" => LogisticsAdd(param, shop, state),
            "product.listV2" => ProductList(param, shop),
            "sku.list" => SkuList(param, shop),
            "sku.syncStock" => SyncStock(param, shop, state),
            _ => Error(40001, "参数错误", "isv.method-not-exist", $"未知接口 {method}"),
        };
        if (faults.TakeSlowAnswer(method)) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    /// <summary>
    /// <c>token.create</c> (<c>{"code", "grant_type":"authorization_code"}</c>) and <c>token.refresh</c>
    /// (<c>{"refresh_token", "grant_type":"refresh_token"}</c>), signed without an access token: a new access token and
    /// refresh token for the shop [unconfirmed: field names]. A refresh retires the shop's earlier access tokens.
    /// </summary>
    private static IResult Token(string method, string body, DouyinApp app, SandboxState state)
    {
        JsonElement param;
        try
        {
            param = JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement;
        }
        catch (JsonException)
        {
            return Error(40001, "参数错误", "isv.param-json-invalid", "param_json 不是合法的 JSON");
        }
        var create = method == "token.create";
        if (Text(param, "grant_type") != (create ? "authorization_code" : "refresh_token"))
            return Error(40001, "参数错误", "isv.invalid-grant-type", create ? "grant_type 须为 authorization_code" : "grant_type 须为 refresh_token");
        var douyin = state.Douyin;
        var name = create ? state.Consents.Redeem("douyin", Text(param, "code"), app.AppKey, null, state.Clock.GetUtcNow().UtcDateTime) : null;
        lock (douyin.Gate)
        {
            var given = Text(param, "refresh_token") ?? "";
            var shop = create
                ? douyin.Shops.Values.FirstOrDefault(s => s.Name == name && s.AppKey == app.AppKey && !s.Revoked)
                : douyin.Shops.Values.FirstOrDefault(s => given.Length > 0 && s.RefreshToken == given && s.AppKey == app.AppKey && !s.Revoked);
            if (shop is null)
                return create ? Error(30001, "code 无效或已过期", "isv.auth-code-invalid") : Error(30001, "refresh_token 无效或已过期", "isv.refresh-token-invalid");
            if (!create)
            {
                state.Count($"douyin:{shop.AccessToken}:token.refresh");
                foreach (var old in douyin.Shops.Where(s => s.Value == shop).Select(s => s.Key)) douyin.Expired.Add(old);
            }
            var (access, refresh) = (ConsentPages.Token("dy-access-"), ConsentPages.Token("dy-refresh-"));
            douyin.Shops[access] = shop;
            shop.RefreshToken = refresh;
            return Ok(new JsonObject
            {
                ["access_token"] = access, ["expires_in"] = 604_800, ["refresh_token"] = refresh, ["scope"] = "SCOPE", ["shop_name"] = shop.Name,
                ["shop_id"] = shop.Name,
            });
        }
    }

    private static long? Number(JsonElement param, string name) =>
        param.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.Number ? v.TryGetInt64(out var n) : long.TryParse(v.GetString(), CultureInfo.InvariantCulture, out n)) ? n : null;

    private static string? Text(JsonElement param, string name) =>
        param.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    private static IResult SearchList(JsonElement param, DouyinShop shop, SandboxState state, Faults faults)
    {
        if (Number(param, "update_time_start") is not { } start || Number(param, "update_time_end") is not { } end)
            return Error(40001, "参数错误", "isv.missing-parameter", "update_time_start 和 update_time_end 必填");
        if (end < start || end - start > 1800) return Error(40001, "参数错误", "isv.invalid-parameter", "时间跨度不能超过 30 分钟");
        var (page, size) = (Number(param, "page") ?? 0, Number(param, "size") ?? 10);
        if (page < 0 || size is < 1 or > 100) return Error(40001, "参数错误", "isv.invalid-parameter", "page 从 0 开始，size 取值 1~100");
        var (from, to) = (DateTimeOffset.FromUnixTimeSeconds(start).UtcDateTime, DateTimeOffset.FromUnixTimeSeconds(end).UtcDateTime);
        JsonArray list;
        int total;
        lock (shop.Gate)
        {
            var matching = shop.Orders.Values.Where(o => o.Modified >= from && o.Modified <= to).OrderByDescending(o => o.Modified).ThenByDescending(o => o.Tid).ToList();
            total = matching.Count;
            var slice = matching.Skip((int)(page * size)).Take((int)size + (faults.DuplicateAcrossPages ? 1 : 0)).ToList();
            list = new JsonArray(slice.Select(o => (JsonNode)DouyinPlatform.ToJson(o, faults.IsMalformed(DouyinPlatform.OrderId(o)), shop.AmountsInYuan)).ToArray());
            if (faults.UpdateDuringPaging > 0 && size > 1)
                foreach (var moved in matching.Where(o => !slice.Contains(o)).Take(faults.UpdateDuringPaging))
                    moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        return Ok(new JsonObject { ["total"] = total, ["page"] = page, ["size"] = size, ["shop_order_list"] = list });
    }

    private static IResult Detail(JsonElement param, DouyinShop shop, Faults faults)
    {
        var id = Text(param, "shop_order_id") ?? "";
        JsonObject? json;
        lock (shop.Gate) json = shop.Orders.GetValueOrDefault(id) is { } order ? DouyinPlatform.ToJson(order, faults.IsMalformed(id), shop.AmountsInYuan) : null;
        return json is null ? Error(40002, "订单不存在", "isv.order-not-exist") : Ok(new JsonObject { ["shop_order_detail"] = json });
    }

    private static IResult LogisticsAdd(JsonElement param, DouyinShop shop, SandboxState state)
    {
        var (id, company, tracking) = (Text(param, "order_id") ?? "", Text(param, "company_code") ?? "", Text(param, "logistics_code") ?? "");
        string? refusal = null;
        lock (shop.Gate)
        {
            var order = shop.Orders.GetValueOrDefault(id);
            if (order is null) refusal = "40002:订单不存在";
            else if (!SandboxCarriers.Douyin.Contains(company)) refusal = "40001:物流公司编码不存在";
            else if (tracking.Length == 0) refusal = "40001:logistics_code 必填";
            else if (DouyinPlatform.Status(order) == 1) refusal = "40001:订单未支付，不能发货";
            else if (DouyinPlatform.Status(order) == 4) refusal = "40001:订单已取消，不能发货";
            else if (order.Lines.Any(l => l.InvoiceNo is not null)) refusal = "40001:订单已发货，不能重复发货";
            else
            {
                var now = state.Clock.GetUtcNow().UtcDateTime;
                foreach (var line in order.Lines) (line.InvoiceNo, line.LogisticsCompany) = (tracking, company);
                order.Status = "WAIT_BUYER_CONFIRM_GOODS";
                order.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("douyin", shop.AccessToken, id, tracking, company, refusal is null, refusal, state.Clock.GetUtcNow().UtcDateTime));
        if (refusal is not null)
            return Error(int.Parse(refusal[..refusal.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture), refusal[(refusal.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        return Ok(new JsonObject());
    }

    /// <summary>The shop's products, pages from 1, <c>size</c> up to 100.</summary>
    private static IResult ProductList(JsonElement param, DouyinShop shop)
    {
        var (page, size) = (Number(param, "page") ?? 1, Number(param, "size") ?? 10);
        if (page < 1 || size is < 1 or > 100) return Error(40001, "参数错误", "isv.invalid-parameter", "page 从 1 开始，size 取值 1~100");
        lock (shop.Listings.Gate)
        {
            var products = shop.Listings.All.GroupBy(l => l.ItemId).OrderBy(g => g.Key).ToList();
            var data = new JsonArray(products.Skip((int)((page - 1) * size)).Take((int)size)
                .Select(g => (JsonNode)new JsonObject { ["product_id"] = g.Key.ToString(CultureInfo.InvariantCulture), ["name"] = g.First().ItemTitle, ["status"] = 0 }).ToArray());
            return Ok(new JsonObject { ["total"] = products.Count, ["page"] = page, ["size"] = size, ["data"] = data });
        }
    }

    private static IResult SkuList(JsonElement param, DouyinShop shop)
    {
        var productId = Text(param, "product_id") ?? "";
        lock (shop.Listings.Gate)
        {
            var skus = shop.Listings.All.Where(l => SellerListings.Id(l.ItemId) == productId).ToList();
            if (skus.Count == 0) return Error(40002, "商品不存在", "isv.product-not-exist");
            return Ok(new JsonArray(skus.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.SkuId, ["product_id"] = productId, ["code"] = s.OuterId, ["stock_num"] = s.Quantity, ["price"] = s.Price, ["spec_detail_name1"] = s.Spec,
            }).ToArray()));
        }
    }

    /// <summary>A SKU's stock (by <c>sku_id</c> or <c>code</c>): set it, or add to it when <c>incremental</c>; never below zero.</summary>
    private static IResult SyncStock(JsonElement param, DouyinShop shop, SandboxState state)
    {
        var (productId, skuId, code) = (Text(param, "product_id") ?? "", Text(param, "sku_id"), Text(param, "code"));
        if (Number(param, "stock_num") is not { } quantity) return Error(40001, "参数错误", "isv.missing-parameter", "stock_num 必填");
        var incremental = param.TryGetProperty("incremental", out var inc) && inc.ValueKind == JsonValueKind.True;
        var change = shop.Listings.SetQuantity(l => SellerListings.Id(l.ItemId) == productId
                                                    && (skuId is not null ? SellerListings.Id(l.SkuId) == skuId : code is not null && l.OuterId == code),
            quantity, incremental, state, "douyin", shop.AccessToken);
        if (change == SellerListings.QuantityChange.NotFound) return Error(40002, "SKU 不存在", "isv.sku-not-exist");
        if (change == SellerListings.QuantityChange.BelowZero) return Error(40001, "参数错误", "isv.invalid-parameter", "库存不能小于 0");
        return Ok(new JsonObject());
    }

    private static IResult Ok(JsonNode data) =>
        Results.Text(new JsonObject { ["code"] = 10000, ["msg"] = "success", ["log_id"] = Guid.NewGuid().ToString("N"), ["data"] = data }.ToJsonString(),
            "application/json; charset=utf-8");

    private static IResult Error(int code, string msg, string? subCode = null, string? subMsg = null) =>
        Results.Text(new JsonObject
        {
            ["code"] = code, ["msg"] = msg, ["sub_code"] = subCode ?? "", ["sub_msg"] = subMsg ?? msg, ["log_id"] = Guid.NewGuid().ToString("N"), ["data"] = new JsonObject(),
        }.ToJsonString(), "application/json; charset=utf-8");
}
