// MD5 is what Pinduoduo's signing prescribes; the sandbox checks it as Pinduoduo does.
#pragma warning disable CA5351
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Pinduoduo;

/// <summary>
/// Pinduoduo's router (platform-apis.md §2): form posts to <c>/pinduoduo/api/router</c>; the client, the signature, the
/// timestamp (Unix seconds, ±10 minutes) and the access token checked in that order; Pinduoduo's error envelope.
/// Error numbers follow the connector's reading (PddErrors, marked unconfirmed there).
/// </summary>
public static class PddGateway
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/pinduoduo/api/router", HandleAsync);
        // The merchant's consent page [unconfirmed: fuwu.pinduoduo.com/service-market/auth with response_type, client_id, redirect_uri, state].
        ConsentPages.Map(app, "/pinduoduo/oauth/authorize", new ConsentSpec("pinduoduo", "拼多多 店铺授权 Authorize", "client_id",
            (state, id) => { lock (state.Pinduoduo.Gate) return state.Pinduoduo.Clients.ContainsKey(id); },
            (state, id, name) =>
            {
                var pdd = state.Pinduoduo;
                lock (pdd.Gate)
                    if (!pdd.Malls.Values.Any(m => m.Name == name && m.ClientId == id))
                    {
                        var token = ConsentPages.Token("pdd-access-");
                        pdd.Malls[token] = new PddMall(name, id, token);
                    }
                return new Dictionary<string, string>();
            }));
    }

    /// <summary>Pinduoduo's signature, written apart from the connector's.</summary>
    public static string Signature(IReadOnlyDictionary<string, string> form, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var key in form.Keys.Where(k => k != "sign").Order(StringComparer.Ordinal)) text.Append(key).Append(form[key]);
        text.Append(secret);
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, SandboxState state)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var type = form.GetValueOrDefault("type");
        var token = form.GetValueOrDefault("access_token");
        state.Count("pinduoduo:" + type);
        state.Count($"pinduoduo:{token}:{type}");
        var faults = state.FaultsFor("pinduoduo", token);
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeHtml())
            return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        var pdd = state.Pinduoduo;
        PddClient? client;
        PddMall? mall;
        lock (pdd.Gate)
        {
            client = pdd.Clients.GetValueOrDefault(form.GetValueOrDefault("client_id") ?? "");
            mall = pdd.Malls.GetValueOrDefault(token ?? "");
        }
        if (client is null) return Error(10035, "client_id不存在");
        if (!string.Equals(form.GetValueOrDefault("sign"), Signature(form, client.Secret), StringComparison.Ordinal)) return Error(10016, "签名验证失败");
        if (!long.TryParse(form.GetValueOrDefault("timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            || Math.Abs(unix - state.Clock.GetUtcNow().ToUnixTimeSeconds() - faults.ClockSkewSeconds) > 600)
            return Error(10000, "参数错误", "timestamp", "时间戳与服务器时间相差超过 10 分钟");
        if (type == "pdd.pop.auth.token.refresh") return Refresh(form, client, state);
        if (type == "pdd.pop.auth.token.create") return Create(form, client, state);
        bool expired;
        lock (pdd.Gate) expired = pdd.Expired.Contains(token ?? "");
        if (mall is null || mall.Revoked || mall.ClientId != client.ClientId || expired) return Error(10019, "access_token已过期");
        if (faults.TakeThrottle() || !state.TryCall("pinduoduo", mall.AccessToken, out _)) return Error(70031, "调用过于频繁，请调整调用频率");
        if (faults.TakeServerError()) return Error(50000, "系统内部错误");
        var result = type switch
        {
            "pdd.order.number.list.increment.get" => Increment(form, mall, state, faults),
            "pdd.order.information.get" => Information(form, mall, faults),
            "pdd.logistics.online.send" => OnlineSend(form, mall, state),
            "pdd.goods.list.get" => GoodsList(form, mall),
            "pdd.goods.quantity.update" => GoodsQuantity(form, mall, state),
            _ => Error(10000, "参数错误", "type", $"未知接口 {type}"),
        };
        if (faults.TakeSlowAnswer(type ?? "")) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    /// <summary>
    /// <c>pdd.pop.auth.token.refresh</c>: a new access token and a new refresh token for the mall whose refresh token is
    /// given; the old access token stops working and the old refresh token cannot be used again.
    /// </summary>
    private static IResult Refresh(Dictionary<string, string> form, PddClient client, SandboxState state)
    {
        var pdd = state.Pinduoduo;
        var given = form.GetValueOrDefault("refresh_token") ?? "";
        lock (pdd.Gate)
        {
            var mall = pdd.Malls.Values.FirstOrDefault(m => m.RefreshToken == given && given.Length > 0 && m.ClientId == client.ClientId && !m.Revoked);
            if (mall is null) return Error(10019, "refresh_token已过期或无效");
            state.Count($"pinduoduo:{mall.AccessToken}:token.refresh");
            var (access, refresh) = ("pdd-access-" + Guid.NewGuid().ToString("N"), "pdd-refresh-" + Guid.NewGuid().ToString("N"));
            foreach (var old in pdd.Malls.Where(m => m.Value == mall).Select(m => m.Key).ToList()) pdd.Expired.Add(old);
            pdd.Malls[access] = mall;
            mall.RefreshToken = refresh;
            return Results.Text(new JsonObject
            {
                ["pop_auth_token_refresh_response"] = new JsonObject
                {
                    ["access_token"] = access, ["refresh_token"] = refresh, ["expires_in"] = 86_400, ["owner_name"] = mall.Name, ["request_id"] = Guid.NewGuid().ToString("N"),
                },
            }.ToJsonString(), "application/json; charset=utf-8");
        }
    }

    /// <summary><c>pdd.pop.auth.token.create</c>: the code from the consent page becomes a new access token and refresh token for the mall.</summary>
    private static IResult Create(Dictionary<string, string> form, PddClient client, SandboxState state)
    {
        var pdd = state.Pinduoduo;
        var name = state.Consents.Redeem("pinduoduo", form.GetValueOrDefault("code"), client.ClientId, null, state.Clock.GetUtcNow().UtcDateTime);
        lock (pdd.Gate)
        {
            var mall = name is null ? null : pdd.Malls.Values.FirstOrDefault(m => m.Name == name && m.ClientId == client.ClientId && !m.Revoked);
            if (mall is null) return Error(10019, "code无效或已过期");
            var (access, refresh) = (ConsentPages.Token("pdd-access-"), ConsentPages.Token("pdd-refresh-"));
            pdd.Malls[access] = mall;
            mall.RefreshToken = refresh;
            return Results.Text(new JsonObject
            {
                ["pop_auth_token_create_response"] = new JsonObject
                {
                    ["access_token"] = access, ["refresh_token"] = refresh, ["expires_in"] = 86_400, ["owner_name"] = mall.Name, ["scope"] = new JsonArray("pdd.order.number.list.increment.get", "pdd.logistics.online.send", "pdd.goods.quantity.update"),
                    ["request_id"] = Guid.NewGuid().ToString("N"),
                },
            }.ToJsonString(), "application/json; charset=utf-8");
        }
    }

    private static IResult Increment(Dictionary<string, string> form, PddMall mall, SandboxState state, Faults faults)
    {
        if (!long.TryParse(form.GetValueOrDefault("start_updated_at"), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(form.GetValueOrDefault("end_updated_at"), NumberStyles.None, CultureInfo.InvariantCulture, out var end))
            return Error(10000, "参数错误", "start_updated_at", "start_updated_at 和 end_updated_at 必填");
        if (end < start || end - start > 1800) return Error(10000, "参数错误", "end_updated_at", "时间跨度不能超过 30 分钟");
        var page = int.TryParse(form.GetValueOrDefault("page") ?? "1", CultureInfo.InvariantCulture, out var p) ? p : 0;
        var size = int.TryParse(form.GetValueOrDefault("page_size") ?? "100", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (page < 1 || size is < 1 or > 100) return Error(10000, "参数错误", "page_size", "page_size 取值 1~100");
        var (from, to) = (DateTimeOffset.FromUnixTimeSeconds(start).UtcDateTime, DateTimeOffset.FromUnixTimeSeconds(end).UtcDateTime);
        JsonArray list;
        int total;
        lock (mall.Gate)
        {
            var matching = mall.Orders.Values.Where(o => PddPlatform.Listed(o) && o.Modified >= from && o.Modified <= to)
                .OrderByDescending(o => o.Modified).ThenByDescending(o => o.Tid).ToList();
            total = matching.Count;
            var slice = matching.Skip((page - 1) * size).Take(size + (faults.DuplicateAcrossPages ? 1 : 0)).ToList();
            list = new JsonArray(slice.Select(o => (JsonNode)PddPlatform.ToJson(o, faults.IsMalformed(PddPlatform.OrderSn(o)))).ToArray());
            if (faults.UpdateDuringPaging > 0 && size > 1)
                foreach (var moved in matching.Where(o => !slice.Contains(o)).Take(faults.UpdateDuringPaging))
                    moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        var body = new JsonObject { ["total_count"] = total, ["has_next"] = page * size < total, ["order_sn_list"] = list, ["request_id"] = Guid.NewGuid().ToString("N") };
        return Results.Text(new JsonObject { ["order_sn_increment_get_response"] = body }.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult OnlineSend(Dictionary<string, string> form, PddMall mall, SandboxState state)
    {
        var (sn, carrier, tracking) = (form.GetValueOrDefault("order_sn") ?? "", form.GetValueOrDefault("logistics_id") ?? "", form.GetValueOrDefault("tracking_number") ?? "");
        string? refusal = null;
        lock (mall.Gate)
        {
            var order = mall.Orders.GetValueOrDefault(sn);
            if (order is null || !PddPlatform.Listed(order)) refusal = "10002:订单不存在";
            else if (!SandboxCarriers.Pdd.Contains(carrier)) refusal = "10000:logistics_id 不存在";
            else if (tracking.Length == 0) refusal = "10000:tracking_number 必填";
            else if (order.Status == "TRADE_CLOSED") refusal = "10000:订单已取消，不能发货";
            else if (order.Lines.Any(l => l.InvoiceNo is not null)) refusal = "10000:订单已发货";
            else
            {
                var now = state.Clock.GetUtcNow().UtcDateTime;
                foreach (var line in order.Lines) (line.InvoiceNo, line.LogisticsCompany) = (tracking, carrier);
                order.Status = "WAIT_BUYER_CONFIRM_GOODS";
                order.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("pinduoduo", mall.AccessToken, sn, tracking, carrier, refusal is null, refusal, state.Clock.GetUtcNow().UtcDateTime));
        if (refusal is not null) return Error(int.Parse(refusal[..refusal.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture), refusal[(refusal.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        return Results.Text(new JsonObject { ["logistics_online_send_response"] = new JsonObject { ["is_success"] = true, ["request_id"] = Guid.NewGuid().ToString("N") } }.ToJsonString(),
            "application/json; charset=utf-8");
    }

    /// <summary>The mall's goods with their SKUs, by goods id, <c>page_size</c> up to 100.</summary>
    private static IResult GoodsList(Dictionary<string, string> form, PddMall mall)
    {
        var page = int.TryParse(form.GetValueOrDefault("page") ?? "1", CultureInfo.InvariantCulture, out var p) ? p : 0;
        var size = int.TryParse(form.GetValueOrDefault("page_size") ?? "100", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (page < 1 || size is < 1 or > 100) return Error(10000, "参数错误", "page_size", "page_size 取值 1~100");
        JsonArray list;
        int total;
        lock (mall.Listings.Gate)
        {
            var goods = mall.Listings.All.GroupBy(l => l.ItemId).OrderBy(g => g.Key).ToList();
            total = goods.Count;
            list = new JsonArray(goods.Skip((page - 1) * size).Take(size).Select(g => (JsonNode)new JsonObject
            {
                ["goods_id"] = g.Key, ["goods_name"] = g.First().ItemTitle, ["goods_quantity"] = g.Sum(v => v.Quantity), ["is_onsale"] = 1,
                ["sku_list"] = new JsonArray(g.Select(v => (JsonNode)new JsonObject
                {
                    ["sku_id"] = v.SkuId, ["outer_id"] = v.OuterId, ["outer_goods_id"] = v.OuterId, ["sku_quantity"] = v.Quantity, ["spec"] = v.Spec, ["is_sku_onsale"] = 1,
                }).ToArray()),
            }).ToArray());
        }
        return Results.Text(new JsonObject
        {
            ["goods_list_get_response"] = new JsonObject { ["total_count"] = total, ["goods_list"] = list, ["request_id"] = Guid.NewGuid().ToString("N") },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>One SKU's quantity (by <c>sku_id</c> or <c>outer_id</c>): update_type 1 sets it, 2 adds to it; never below zero.</summary>
    private static IResult GoodsQuantity(Dictionary<string, string> form, PddMall mall, SandboxState state)
    {
        var (goodsId, skuId, outerId) = (form.GetValueOrDefault("goods_id") ?? "", form.GetValueOrDefault("sku_id"), form.GetValueOrDefault("outer_id"));
        if (!long.TryParse(form.GetValueOrDefault("quantity"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quantity))
            return Error(10000, "参数错误", "quantity", "quantity 必须是整数");
        var change = mall.Listings.SetQuantity(l => SellerListings.Id(l.ItemId) == goodsId
                                                    && (skuId is not null ? SellerListings.Id(l.SkuId) == skuId : outerId is not null && l.OuterId == outerId),
            quantity, form.GetValueOrDefault("update_type") == "2", state, "pinduoduo", mall.AccessToken);
        if (change == SellerListings.QuantityChange.NotFound) return Error(10002, "商品或 SKU 不存在");
        if (change == SellerListings.QuantityChange.BelowZero) return Error(10000, "参数错误", "quantity", "库存不能小于 0");
        return Results.Text(new JsonObject
        {
            ["goods_quantity_update_response"] = new JsonObject { ["is_success"] = true, ["request_id"] = Guid.NewGuid().ToString("N") },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult Information(Dictionary<string, string> form, PddMall mall, Faults faults)
    {
        var sn = form.GetValueOrDefault("order_sn") ?? "";
        TopTrade? order;
        lock (mall.Gate) order = mall.Orders.GetValueOrDefault(sn);
        if (order is null || !PddPlatform.Listed(order)) return Error(10002, "订单不存在");
        return Results.Text(new JsonObject
        {
            ["order_info_get_response"] = new JsonObject { ["order_info"] = PddPlatform.ToJson(order, faults.IsMalformed(sn)), ["request_id"] = Guid.NewGuid().ToString("N") },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult Error(int code, string message, string? subCode = null, string? subMessage = null)
    {
        var error = new JsonObject { ["error_code"] = code, ["error_msg"] = message, ["request_id"] = Guid.NewGuid().ToString("N") };
        if (subCode is not null) (error["sub_code"], error["sub_msg"]) = (subCode, subMessage);
        return Results.Text(new JsonObject { ["error_response"] = error }.ToJsonString(), "application/json; charset=utf-8");
    }
}
