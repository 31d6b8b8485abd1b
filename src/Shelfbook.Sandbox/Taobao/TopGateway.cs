// MD5 and HMAC-MD5 are what TOP's signing prescribes; the sandbox checks them as TOP does.
#pragma warning disable CA5351
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Shelfbook.Sandbox.Taobao;

/// <summary>
/// TOP's router (platform-apis.md §1): form posts to <c>/taobao/router/rest</c>, the signature checked with the app's
/// secret, the timestamp within ±10 minutes of the sandbox clock, the session checked; TOP's error envelope and codes.
/// </summary>
public static class TopGateway
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/taobao/router/rest", HandleAsync);
        // oauth.taobao.com/authorize's stand-in [unconfirmed: response_type=code, client_id = app key, redirect_uri, state, view=web].
        ConsentPages.Map(app, "/taobao/oauth/authorize", new ConsentSpec("taobao", "淘宝/天猫 授权 Authorize", "client_id",
            (state, id) => { lock (state.Taobao.Gate) return state.Taobao.Apps.ContainsKey(id); },
            (state, id, nick) =>
            {
                var top = state.Taobao;
                lock (top.Gate)
                    if (!top.Sellers.Values.Any(s => s.Nick == nick && s.AppKey == id))
                    {
                        var session = ConsentPages.Token("top-session-");
                        top.Sellers[session] = new TopSeller(nick, id, session);
                    }
                return new Dictionary<string, string>();
            }));
    }

    /// <summary>TOP's signature, written apart from the connector's so that a mistake in one is caught by the other.</summary>
    public static string Signature(IReadOnlyDictionary<string, string> form, string secret, string method)
    {
        var keys = form.Keys.Where(k => k != "sign" && form[k].Length > 0).ToList();
        keys.Sort(StringComparer.Ordinal);
        var text = string.Concat(keys.Select(k => k + form[k]));
        byte[] hash = method switch
        {
            "md5" => MD5.HashData(Encoding.UTF8.GetBytes(secret + text + secret)),
            "hmac" => new HMACMD5(Encoding.UTF8.GetBytes(secret)).ComputeHash(Encoding.UTF8.GetBytes(text)),
            "hmac-sha256" => new HMACSHA256(Encoding.UTF8.GetBytes(secret)).ComputeHash(Encoding.UTF8.GetBytes(text)),
            _ => [],
        };
        return Convert.ToHexString(hash);
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, SandboxState state)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var faults = state.FaultsFor("taobao", form.GetValueOrDefault("session"));
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        var method = form.GetValueOrDefault("method");
        state.Count("taobao:" + (method ?? "?"));
        state.Count($"taobao:{form.GetValueOrDefault("session")}:{method}");
        if (faults.TakeHtml())
            return Results.Content("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>Tengine</body></html>", "text/html", statusCode: 502);
        if (string.IsNullOrEmpty(method)) return Error(21, "Missing Method");
        var top = state.Taobao;
        TopApp? app;
        TopSeller? seller;
        lock (top.Gate)
        {
            app = top.Apps.GetValueOrDefault(form.GetValueOrDefault("app_key") ?? "");
            seller = top.Sellers.GetValueOrDefault(form.GetValueOrDefault("session") ?? "");
        }
        if (app is null) return Error(29, "Invalid app Key");
        var signMethod = form.GetValueOrDefault("sign_method") ?? "md5";
        if (signMethod is not ("md5" or "hmac" or "hmac-sha256")) return Error(40, "Missing required arguments:sign_method");
        if (!string.Equals(form.GetValueOrDefault("sign"), Signature(form, app.Secret, signMethod), StringComparison.Ordinal))
            return Error(25, "Invalid signature");
        if (!DateTime.TryParseExact(form.GetValueOrDefault("timestamp"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || Math.Abs((local - TopTrade.Beijing - state.Clock.GetUtcNow().UtcDateTime.AddSeconds(faults.ClockSkewSeconds)).TotalMinutes) > 10)
            return Error(31, "Invalid timestamp", "isv.invalid-timestamp", "时间戳与服务器时间相差超过 10 分钟");
        if (method is "taobao.top.auth.token.create" or "taobao.top.auth.token.refresh") return Token(method, form, app, state);
        if (seller is null || seller.Revoked || seller.AppKey != app.AppKey)
            return Error(27, "Invalid session", "invalid-sessionkey", "SessionKey非法或已过期");
        bool expired;
        lock (top.Gate) expired = top.Expired.Contains(form.GetValueOrDefault("session") ?? "");
        if (expired) return Error(27, "Invalid session", "session-expired", "SessionKey已过期");
        if (faults.TakeThrottle())
            return Error(7, "App Call Limited", "accesscontrol.limited-by-app-access-count", "This ban will last for 1 more seconds");
        if (!state.TryCall("taobao", seller.Session, out var ban))
            return Error(7, "App Call Limited", "accesscontrol.limited-by-app-access-count",
                $"This ban will last for {Math.Max(1, (int)Math.Ceiling(ban.TotalSeconds))} more seconds");
        if (faults.TakeServerError())
            return Error(15, "Remote service error", "isp.top-remote-connection-timeout", "远程服务调用超时");
        var result = method switch
        {
            "taobao.trades.sold.increment.get" => Increment(form, seller, state, faults),
            "taobao.trade.fullinfo.get" => FullInfo(form, seller, faults),
            "taobao.logistics.offline.send" => OfflineSend(form, seller, state),
            "taobao.items.onsale.get" => OnSale(form, seller),
            "taobao.items.seller.list.get" => SellerList(form, seller),
            "taobao.item.quantity.update" => ItemQuantity(form, seller, state),
            "taobao.skus.quantity.update" => SkusQuantity(form, seller, state),
            _ => Error(22, "Invalid Method"),
        };
        if (faults.TakeSlowAnswer(method)) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    /// <summary>
    /// <c>taobao.top.auth.token.create</c> (the consent page's <c>code</c>) and <c>taobao.top.auth.token.refresh</c>
    /// (<c>refresh_token</c>): a new session key and refresh token, answered as the JSON text <c>token_result</c>
    /// [unconfirmed: the field names inside it]. A refresh retires the seller's earlier session keys.
    /// </summary>
    private static IResult Token(string method, Dictionary<string, string> form, TopApp app, SandboxState state)
    {
        var top = state.Taobao;
        var create = method == "taobao.top.auth.token.create";
        var nick = create ? state.Consents.Redeem("taobao", form.GetValueOrDefault("code"), app.AppKey, null, state.Clock.GetUtcNow().UtcDateTime) : null;
        lock (top.Gate)
        {
            var given = form.GetValueOrDefault("refresh_token") ?? "";
            var seller = create
                ? top.Sellers.Values.FirstOrDefault(s => s.Nick == nick && s.AppKey == app.AppKey && !s.Revoked)
                : top.Sellers.Values.FirstOrDefault(s => given.Length > 0 && s.RefreshToken == given && s.AppKey == app.AppKey && !s.Revoked);
            if (seller is null)
                return create ? Error(41, "Invalid arguments:code", "isv.code-invalid", "code 无效或已过期") : Error(41, "Invalid arguments:refresh_token", "isv.refresh-token-invalid", "refresh_token 无效或已过期");
            if (!create)
            {
                state.Count($"taobao:{seller.Session}:token.refresh");
                foreach (var old in top.Sellers.Where(s => s.Value == seller).Select(s => s.Key)) top.Expired.Add(old);
            }
            var (session, refresh) = (ConsentPages.Token("top-session-"), ConsentPages.Token("top-refresh-"));
            top.Sellers[session] = seller;
            seller.RefreshToken = refresh;
            var expires = state.Clock.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds();
            var result = new JsonObject
            {
                ["access_token"] = session, ["refresh_token"] = refresh, ["expire_time"] = expires, ["expires_in"] = 86_400, ["re_expires_in"] = 2_592_000,
                ["taobao_user_nick"] = Uri.EscapeDataString(seller.Nick), ["token_type"] = "Bearer",
            };
            return Results.Text(new JsonObject
            {
                [(create ? "top_auth_token_create" : "top_auth_token_refresh") + "_response"] = new JsonObject
                {
                    ["token_result"] = result.ToJsonString(), ["request_id"] = Guid.NewGuid().ToString("N"),
                },
            }.ToJsonString(), "application/json; charset=utf-8");
        }
    }

    private static IResult Increment(Dictionary<string, string> form, TopSeller seller, SandboxState state, Faults faults)
    {
        var fields = form.GetValueOrDefault("fields");
        if (string.IsNullOrEmpty(fields)) return Error(40, "Missing required arguments:fields");
        if (!TryLocal(form, "start_modified", out var start) || !TryLocal(form, "end_modified", out var end))
            return Error(41, "Invalid arguments:start_modified/end_modified", "isv.invalid-parameter", "start_modified 和 end_modified 必须是 yyyy-MM-dd HH:mm:ss");
        if (end < start || end - start > TimeSpan.FromDays(1))
            return Error(41, "Invalid arguments:end_modified", "isv.invalid-parameter:end_modified", "时间间隔不能超过一天");
        var pageNo = int.TryParse(form.GetValueOrDefault("page_no") ?? "1", CultureInfo.InvariantCulture, out var p) ? p : 0;
        var pageSize = int.TryParse(form.GetValueOrDefault("page_size") ?? "40", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (pageNo < 1 || pageSize is < 1 or > 100) return Error(41, "Invalid arguments:page_no/page_size", "isv.invalid-parameter", "page_size 取值 1~100");
        var onlyTid = fields.Split(',').All(f => f.Trim() == "tid");
        JsonArray page;
        int total;
        lock (seller.Gate)
        {
            var matching = seller.Trades.Values.Where(t => t.Modified >= start && t.Modified <= end)
                .OrderByDescending(t => t.Modified).ThenByDescending(t => t.Tid).ToList();
            total = matching.Count;
            var slice = matching.Skip((pageNo - 1) * pageSize).Take(pageSize + (faults.DuplicateAcrossPages ? 1 : 0)).ToList();
            page = new JsonArray(slice.Select(t => (JsonNode)t.ToJson(onlyTid, faults.IsMalformed(t.Tid.ToString(CultureInfo.InvariantCulture)))).ToArray());
            if (!onlyTid && faults.UpdateDuringPaging > 0)
                foreach (var moved in matching.Where(t => !slice.Contains(t)).Take(faults.UpdateDuringPaging))
                    moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        var body = new JsonObject { ["total_results"] = total, ["has_next"] = pageNo * pageSize < total, ["request_id"] = RequestId() };
        if (page.Count > 0) body["trades"] = new JsonObject { ["trade"] = page };
        return Results.Text(new JsonObject { ["trades_sold_increment_get_response"] = body }.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>Marks the trade (or the given lines) shipped with the tracking number; a shipped or closed trade is refused.</summary>
    private static IResult OfflineSend(Dictionary<string, string> form, TopSeller seller, SandboxState state)
    {
        var trackingNo = form.GetValueOrDefault("out_sid") ?? "";
        var company = form.GetValueOrDefault("company_code") ?? "";
        if (!long.TryParse(form.GetValueOrDefault("tid"), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
            return Error(41, "Invalid arguments:tid", "isv.invalid-parameter", "tid 必须是数字");
        if (trackingNo.Length == 0) return Error(40, "Missing required arguments:out_sid");
        string? refusal = null;
        lock (seller.Gate)
        {
            var trade = seller.Trades.GetValueOrDefault(tid);
            var lines = form.GetValueOrDefault("sub_tid") is { Length: > 0 } sub
                ? trade?.Lines.Where(l => sub.Split(',').Contains(l.Oid.ToString(CultureInfo.InvariantCulture))).ToList()
                : trade?.Lines;
            if (trade is null) refusal = "isv.trade-not-exist:交易不存在";
            else if (!SandboxCarriers.Top.Contains(company)) refusal = "isv.logistics-company-not-exist:物流公司不存在";
            else if (trade.Status is "WAIT_BUYER_PAY" or "TRADE_NO_CREATE_PAY") refusal = "isv.logistics-offline-service-error:B01:交易未付款，不能发货";
            else if (trade.Status is "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO") refusal = "isv.logistics-offline-service-error:B02:交易已关闭，不能发货";
            else if (lines is null || lines.Count == 0 || lines.All(l => l.InvoiceNo is not null))
                refusal = "isv.logistics-offline-service-error:B04:订单已发货，不能重复发货";
            else
            {
                var now = state.Clock.GetUtcNow().UtcDateTime;
                foreach (var line in lines.Where(l => l.InvoiceNo is null)) (line.InvoiceNo, line.LogisticsCompany) = (trackingNo, company);
                trade.Status = trade.Lines.All(l => l.InvoiceNo is not null) ? "WAIT_BUYER_CONFIRM_GOODS" : "SELLER_CONSIGNED_PART";
                trade.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("taobao", seller.Session, tid.ToString(CultureInfo.InvariantCulture), trackingNo, company, refusal is null, refusal,
            state.Clock.GetUtcNow().UtcDateTime));
        if (refusal is not null)
        {
            return Error(15, "Remote service error", refusal[..refusal.LastIndexOf(':')], refusal[(refusal.LastIndexOf(':') + 1)..]);
        }
        return Results.Text(new JsonObject
        {
            ["logistics_offline_send_response"] = new JsonObject { ["shipping"] = new JsonObject { ["is_success"] = true }, ["request_id"] = RequestId() },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult FullInfo(Dictionary<string, string> form, TopSeller seller, Faults faults)
    {
        if (!long.TryParse(form.GetValueOrDefault("tid"), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
            return Error(41, "Invalid arguments:tid", "isv.invalid-parameter", "tid 必须是数字");
        TopTrade? trade;
        lock (seller.Gate) trade = seller.Trades.GetValueOrDefault(tid);
        if (trade is null) return Error(15, "Remote service error", "isv.trade-not-exist", "交易不存在");
        var json = trade.ToJson(false, faults.IsMalformed(tid.ToString(CultureInfo.InvariantCulture)));
        return Results.Text(new JsonObject { ["trade_fullinfo_get_response"] = new JsonObject { ["trade"] = json, ["request_id"] = RequestId() } }.ToJsonString(),
            "application/json; charset=utf-8");
    }

    /// <summary>The seller's items on sale, by item id, <c>page_size</c> up to 200.</summary>
    private static IResult OnSale(Dictionary<string, string> form, TopSeller seller)
    {
        if (string.IsNullOrEmpty(form.GetValueOrDefault("fields"))) return Error(40, "Missing required arguments:fields");
        var pageNo = int.TryParse(form.GetValueOrDefault("page_no") ?? "1", CultureInfo.InvariantCulture, out var p) ? p : 0;
        var pageSize = int.TryParse(form.GetValueOrDefault("page_size") ?? "40", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (pageNo < 1 || pageSize is < 1 or > 200) return Error(41, "Invalid arguments:page_no/page_size", "isv.invalid-parameter", "page_size 取值 1~200");
        List<long> items;
        lock (seller.Listings.Gate) items = seller.Listings.All.Select(l => l.ItemId).Distinct().Order().ToList();
        var page = items.Skip((pageNo - 1) * pageSize).Take(pageSize).Select(id => (JsonNode)new JsonObject { ["num_iid"] = id }).ToArray();
        var body = new JsonObject { ["total_results"] = items.Count, ["request_id"] = RequestId() };
        if (page.Length > 0) body["items"] = new JsonObject { ["item"] = new JsonArray(page) };
        return Results.Text(new JsonObject { ["items_onsale_get_response"] = body }.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>Up to 20 items by <c>num_iids</c>, with their SKUs under <c>skus.sku</c>.</summary>
    private static IResult SellerList(Dictionary<string, string> form, TopSeller seller)
    {
        var ids = (form.GetValueOrDefault("num_iids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length is 0 or > 20) return Error(41, "Invalid arguments:num_iids", "isv.invalid-parameter", "num_iids 取值 1~20 个");
        var items = new JsonArray();
        lock (seller.Listings.Gate)
            foreach (var id in ids)
            {
                var variants = seller.Listings.All.Where(l => SellerListings.Id(l.ItemId) == id).ToList();
                if (variants.Count == 0) continue;
                var first = variants[0];
                var item = new JsonObject
                {
                    ["num_iid"] = first.ItemId, ["title"] = first.ItemTitle, ["num"] = variants.Sum(v => v.Quantity), ["price"] = TopTrade.Yuan(variants.Min(v => v.Price)),
                };
                if (first.SkuId == 0)
                {
                    if (first.OuterId is not null) item["outer_id"] = first.OuterId;
                    if (first.Barcode is not null) item["barcode"] = first.Barcode;
                }
                else
                    item["skus"] = new JsonObject
                    {
                        ["sku"] = new JsonArray(variants.Select(v => (JsonNode)new JsonObject
                        {
                            ["sku_id"] = v.SkuId, ["outer_id"] = v.OuterId, ["quantity"] = v.Quantity, ["properties_name"] = v.Spec, ["price"] = TopTrade.Yuan(v.Price),
                            ["barcode"] = v.Barcode,
                        }).ToArray()),
                    };
                items.Add(item);
            }
        return Results.Text(new JsonObject
        {
            ["items_seller_list_get_response"] = new JsonObject { ["items"] = new JsonObject { ["item"] = items }, ["request_id"] = RequestId() },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>An item's (or, with <c>sku_id</c>, one SKU's) quantity: type 1 sets it, type 2 adds to it; never below zero.</summary>
    private static IResult ItemQuantity(Dictionary<string, string> form, TopSeller seller, SandboxState state)
    {
        var itemId = form.GetValueOrDefault("num_iid") ?? "";
        var skuId = form.GetValueOrDefault("sku_id");
        if (!long.TryParse(form.GetValueOrDefault("quantity"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quantity))
            return Error(41, "Invalid arguments:quantity", "isv.invalid-parameter", "quantity 必须是整数");
        var type = form.GetValueOrDefault("type") ?? "1";
        if (type is not ("1" or "2")) return Error(41, "Invalid arguments:type", "isv.invalid-parameter", "type 取值 1 或 2");
        var change = seller.Listings.SetQuantity(l => SellerListings.Id(l.ItemId) == itemId && (skuId is null ? l.SkuId == 0 : SellerListings.Id(l.SkuId) == skuId),
            quantity, type == "2", state, "taobao", seller.Session);
        if (change == SellerListings.QuantityChange.NotFound) return Error(15, "Remote service error", "isv.item-not-exist", "商品不存在或不属于当前卖家");
        if (change == SellerListings.QuantityChange.BelowZero) return Error(41, "Invalid arguments:quantity", "isv.invalid-parameter", "库存不能小于 0");
        return Results.Text(new JsonObject
        {
            ["item_quantity_update_response"] = new JsonObject { ["item"] = new JsonObject { ["num_iid"] = long.Parse(itemId, CultureInfo.InvariantCulture) }, ["request_id"] = RequestId() },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>Up to 20 SKUs of one item as <c>skuid_quantities</c> "id:qty;id:qty"; all or none are taken.</summary>
    private static IResult SkusQuantity(Dictionary<string, string> form, TopSeller seller, SandboxState state)
    {
        var itemId = form.GetValueOrDefault("num_iid") ?? "";
        var pairs = (form.GetValueOrDefault("skuid_quantities") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')).ToList();
        if (pairs.Count is 0 or > 20 || pairs.Any(p => p.Length != 2 || !long.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            return Error(41, "Invalid arguments:skuid_quantities", "isv.invalid-parameter", "skuid_quantities 格式为 sku_id:数量;…，最多 20 个");
        lock (seller.Listings.Gate)
        {
            var variants = pairs.Select(p => seller.Listings.All.FirstOrDefault(l => SellerListings.Id(l.ItemId) == itemId && SellerListings.Id(l.SkuId) == p[0])).ToList();
            if (variants.Any(v => v is null)) return Error(15, "Remote service error", "isv.item-sku-not-exist", "SKU 不存在或不属于该商品");
            var at = state.Clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < pairs.Count; i++)
            {
                variants[i]!.Quantity = long.Parse(pairs[i][1], CultureInfo.InvariantCulture);
                state.StockUpdates.Enqueue(new ReceivedStockUpdate("taobao", seller.Session, itemId, pairs[i][0], variants[i]!.Quantity, at));
            }
        }
        return Results.Text(new JsonObject
        {
            ["skus_quantity_update_response"] = new JsonObject { ["item"] = new JsonObject { ["num_iid"] = long.Parse(itemId, CultureInfo.InvariantCulture) }, ["request_id"] = RequestId() },
        }.ToJsonString(), "application/json; charset=utf-8");
    }

    private static bool TryLocal(Dictionary<string, string> form, string name, out DateTime utc)
    {
        var ok = DateTime.TryParseExact(form.GetValueOrDefault(name), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local);
        utc = DateTime.SpecifyKind(local - TopTrade.Beijing, DateTimeKind.Utc);
        return ok;
    }

    private static string RequestId() => Guid.NewGuid().ToString("N")[..13];

    private static IResult Error(int code, string msg, string? subCode = null, string? subMsg = null)
    {
        var error = new JsonObject { ["code"] = code, ["msg"] = msg, ["request_id"] = RequestId() };
        if (subCode is not null) (error["sub_code"], error["sub_msg"]) = (subCode, subMsg);
        return Results.Text(new JsonObject { ["error_response"] = error }.ToJsonString(), "application/json; charset=utf-8");
    }
}
