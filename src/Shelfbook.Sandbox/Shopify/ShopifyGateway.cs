using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Shopify;

/// <summary>
/// Shopify's Admin REST API (platform-apis.md §7) for stores under <c>/shopify/{store}</c>: the access token in
/// <c>X-Shopify-Access-Token</c>, supported API versions only, a leaky bucket of 40 calls draining 2 a second (429 with
/// <c>Retry-After</c> when full, the level in <c>X-Shopify-Shop-Api-Call-Limit</c>), cursor paging through the
/// <c>Link</c> header (<c>page_info</c> combines only with <c>limit</c> and <c>fields</c>), <c>{"errors": …}</c> bodies.
/// </summary>
public static class ShopifyGateway
{
    public static readonly string[] Versions = ["2024-07", "2024-10", "2025-01"];

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/shopify/{store}/admin/api/{version}");
        api.MapGet("/orders.json", (HttpContext http, string store, string version, SandboxState state) => Handle(http, store, version, state, s => Orders(http, s, state)));
        api.MapGet("/orders/{id:long}.json", (HttpContext http, string store, string version, long id, SandboxState state) =>
            Handle(http, store, version, state, s => Order(s, id, state)));
        api.MapGet("/orders/{id:long}/fulfillment_orders.json", (HttpContext http, string store, string version, long id, SandboxState state) =>
            Handle(http, store, version, state, s => FulfillmentOrders(s, id)));
        api.MapGet("/orders/{id:long}/fulfillments.json", (HttpContext http, string store, string version, long id, SandboxState state) =>
            Handle(http, store, version, state, s => Fulfillments(s, id)));
        api.MapPost("/fulfillments.json", (HttpContext http, string store, string version, SandboxState state) =>
            Handle(http, store, version, state, s => Fulfill(http, s, state)));
        api.MapGet("/products.json", (HttpContext http, string store, string version, SandboxState state) => Handle(http, store, version, state, s => Products(http, s)));
        api.MapPost("/inventory_levels/set.json", (HttpContext http, string store, string version, SandboxState state) =>
            Handle(http, store, version, state, s => SetLevel(http, s, state)));
    }

    private static async Task<IResult> Handle(HttpContext http, string name, string version, SandboxState state, Func<ShopifyStore, Task<IResult>> work)
    {
        var faults = state.FaultsFor("shopify", name);
        state.Count($"shopify:{http.Request.Method} {http.Request.Path.Value?.Split("/api/")[^1].Split('/', 2)[^1]}");
        state.Count($"shopify:{name}:{http.Request.Method}");
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeHtml()) return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        ShopifyStore? store;
        lock (state.Shopify.Gate) store = state.Shopify.Stores.GetValueOrDefault(name);
        if (store is null || !Versions.Contains(version)) return Errors(404, "Not Found");
        if (store.Revoked || http.Request.Headers["X-Shopify-Access-Token"] != store.AccessToken)
            return Errors(401, "[API] Invalid API key or access token (unrecognized login or wrong password)");
        var full = !store.TryCall(state.Clock.GetUtcNow().UtcDateTime, out var level) || faults.TakeThrottle();
        http.Response.Headers["X-Shopify-Shop-Api-Call-Limit"] = $"{level}/{ShopifyStore.BucketSize}";
        if (full)
        {
            http.Response.Headers.RetryAfter = "1";
            return Errors(429, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.");
        }
        if (faults.TakeServerError()) return Errors(500, "Internal Server Error");
        var result = await work(store);
        if (faults.TakeSlowAnswer($"{http.Request.Method} {http.Request.Path}")) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    private static Task<IResult> Orders(HttpContext http, ShopifyStore store, SandboxState state)
    {
        var query = http.Request.Query;
        if (!int.TryParse(query["limit"].FirstOrDefault() ?? "50", CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > 250)
            return Task.FromResult(Errors(400, new JsonObject { ["limit"] = "must be between 1 and 250" }));
        DateTime min, max;
        long after = 0;
        if (query["page_info"].FirstOrDefault() is { } cursor)
        {
            if (query.Keys.Any(k => k is not ("page_info" or "limit" or "fields")))
                return Task.FromResult(Errors(400, new JsonObject { ["page_info"] = "page_info cannot be combined with other parameters than limit and fields" }));
            if (!TryCursor(cursor, out min, out max, out after)) return Task.FromResult(Errors(400, new JsonObject { ["page_info"] = "Invalid value." }));
        }
        else
        {
            min = Time(query["updated_at_min"].FirstOrDefault()) ?? DateTime.MinValue;
            max = Time(query["updated_at_max"].FirstOrDefault()) ?? DateTime.MaxValue;
        }
        var faults = state.FaultsFor("shopify", store.Name);
        JsonArray orders;
        string? next;
        lock (store.Gate)
        {
            var matching = store.Orders.Values.Where(o => o.Modified >= min && o.Modified <= max && o.Tid > after).OrderBy(o => o.Tid).ToList();
            var slice = matching.Take(limit).ToList();
            var served = faults.DuplicateAcrossPages ? matching.Take(limit + 1).ToList() : slice;
            orders = new JsonArray(served.Select(o => (JsonNode)ShopifyPlatform.ToJson(o, store.Currency, faults.IsMalformed(o.Tid.ToString(CultureInfo.InvariantCulture)),
                store.Fulfillments.GetValueOrDefault(o.Tid) ?? [])).ToArray());
            next = matching.Count > limit ? Cursor(min, max, slice[^1].Tid) : null;
            if (faults.UpdateDuringPaging > 0)
                foreach (var moved in matching.Skip(limit).Take(faults.UpdateDuringPaging))
                    moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        if (next is not null) http.Response.Headers["Link"] = $"<{PageUrl(http, "orders.json", limit, next)}>; rel=\"next\"";
        return Task.FromResult(Ok(new JsonObject { ["orders"] = orders }));
    }

    private static Task<IResult> Order(ShopifyStore store, long id, SandboxState state)
    {
        lock (store.Gate)
            return Task.FromResult(store.Orders.TryGetValue(id, out var order)
                ? Ok(new JsonObject
                {
                    ["order"] = ShopifyPlatform.ToJson(order, store.Currency, state.FaultsFor("shopify", store.Name).IsMalformed(id.ToString(CultureInfo.InvariantCulture)),
                        store.Fulfillments.GetValueOrDefault(id) ?? []),
                })
                : Errors(404, "Not Found"));
    }

    private static Task<IResult> FulfillmentOrders(ShopifyStore store, long id)
    {
        lock (store.Gate)
        {
            if (!store.Orders.TryGetValue(id, out var order)) return Task.FromResult(Errors(404, "Not Found"));
            var fulfilled = (store.Fulfillments.GetValueOrDefault(id) ?? []).SelectMany(f => f.LineIds).ToHashSet();
            var lines = new JsonArray(order.Lines.Select((l, i) => (JsonNode)new JsonObject
            {
                ["id"] = ShopifyPlatform.LineId(order, i) * 3, ["line_item_id"] = ShopifyPlatform.LineId(order, i), ["quantity"] = l.Num,
                ["fulfillable_quantity"] = fulfilled.Contains(ShopifyPlatform.LineId(order, i)) ? 0 : l.Num,
            }).ToArray());
            var status = order.Status == "TRADE_CLOSED" ? "cancelled" : fulfilled.Count == order.Lines.Count ? "closed" : "open";
            return Task.FromResult(Ok(new JsonObject
            {
                ["fulfillment_orders"] = new JsonArray(new JsonObject
                {
                    ["id"] = order.Tid * 7, ["order_id"] = order.Tid, ["status"] = status, ["assigned_location_id"] = store.LocationId, ["line_items"] = lines,
                }),
            }));
        }
    }

    private static Task<IResult> Fulfillments(ShopifyStore store, long id)
    {
        lock (store.Gate)
            return Task.FromResult(!store.Orders.ContainsKey(id)
                ? Errors(404, "Not Found")
                : Ok(new JsonObject { ["fulfillments"] = new JsonArray((store.Fulfillments.GetValueOrDefault(id) ?? []).Select(f => (JsonNode)FulfillmentJson(f, id)).ToArray()) }));
    }

    private static JsonObject FulfillmentJson(ShopifyFulfillment f, long orderId) => new()
    {
        ["id"] = f.Id, ["order_id"] = orderId, ["status"] = "success", ["tracking_number"] = f.TrackingNumber, ["tracking_company"] = f.Company,
        ["line_items"] = new JsonArray(f.LineIds.Select(l => (JsonNode)new JsonObject { ["id"] = l }).ToArray()),
    };

    /// <summary>One fulfillment for the given fulfillment order lines; lines already fulfilled or a cancelled order are refused (422).</summary>
    private static async Task<IResult> Fulfill(HttpContext http, ShopifyStore store, SandboxState state)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var fulfillment = body?["fulfillment"] as JsonObject;
        var tracking = fulfillment?["tracking_info"]?["number"]?.GetValue<string>() ?? "";
        var company = fulfillment?["tracking_info"]?["company"]?.GetValue<string>() ?? "";
        var groups = fulfillment?["line_items_by_fulfillment_order"] as JsonArray;
        if (groups is null || groups.Count == 0) return Errors(400, new JsonObject { ["fulfillment"] = "line_items_by_fulfillment_order is required" });
        string? refusal = null;
        TopTrade? order = null;
        ShopifyFulfillment? made = null;
        lock (store.Gate)
        {
            var wanted = new List<long>();
            foreach (var group in groups)
            {
                var foId = group?["fulfillment_order_id"]?.GetValue<long>() ?? 0;
                order = store.Orders.Values.FirstOrDefault(o => o.Tid * 7 == foId);
                if (order is null) { refusal = "Fulfillment order not found."; break; }
                foreach (var line in (group?["fulfillment_order_line_items"] as JsonArray) ?? [])
                    wanted.Add((line?["id"]?.GetValue<long>() ?? 0) / 3);
            }
            if (refusal is null && order is not null)
            {
                var fulfilled = (store.Fulfillments.GetValueOrDefault(order.Tid) ?? []).SelectMany(f => f.LineIds).ToHashSet();
                var lineIds = order.Lines.Select((_, i) => ShopifyPlatform.LineId(order, i)).ToList();
                if (tracking.Length == 0) refusal = "tracking_info.number is required.";
                else if (order.Status == "TRADE_CLOSED") refusal = "The order is cancelled and cannot be fulfilled.";
                else if (wanted.Count == 0) wanted = lineIds.Where(l => !fulfilled.Contains(l)).ToList();
                if (refusal is null && (wanted.Count == 0 || wanted.Any(l => !lineIds.Contains(l) || fulfilled.Contains(l))))
                    refusal = "Invalid fulfillment order line item quantity requested.";
                if (refusal is null)
                {
                    made = new ShopifyFulfillment(state.Shopify.NextId(), tracking, company, wanted);
                    if (!store.Fulfillments.TryGetValue(order.Tid, out var list)) store.Fulfillments[order.Tid] = list = [];
                    list.Add(made);
                    foreach (var (line, i) in order.Lines.Select((l, i) => (l, i)).Where(x => wanted.Contains(ShopifyPlatform.LineId(order, x.i))))
                        (line.InvoiceNo, line.LogisticsCompany) = (tracking, company);
                    order.Status = order.Lines.All(l => l.InvoiceNo is not null) ? "WAIT_BUYER_CONFIRM_GOODS" : "SELLER_CONSIGNED_PART";
                    var now = state.Clock.GetUtcNow().UtcDateTime;
                    order.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
                }
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("shopify", store.Name, order?.Tid.ToString(CultureInfo.InvariantCulture) ?? "", tracking, company, refusal is null, refusal,
            state.Clock.GetUtcNow().UtcDateTime));
        if (refusal is not null) return Errors(order is null ? 404 : 422, new JsonArray(refusal));
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path.Value![..^"fulfillments.json".Length]}fulfillments/{made!.Id}.json";
        return Results.Text(new JsonObject { ["fulfillment"] = FulfillmentJson(made, order!.Tid) }.ToJsonString(), "application/json; charset=utf-8", statusCode: 201);
    }

    /// <summary>Products with their variants, by id, 250 at most a page; <c>ids</c> picks products.</summary>
    private static Task<IResult> Products(HttpContext http, ShopifyStore store)
    {
        var query = http.Request.Query;
        if (!int.TryParse(query["limit"].FirstOrDefault() ?? "50", CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > 250)
            return Task.FromResult(Errors(400, new JsonObject { ["limit"] = "must be between 1 and 250" }));
        long after = 0;
        if (query["page_info"].FirstOrDefault() is { } cursor && !TryCursor(cursor, out _, out _, out after))
            return Task.FromResult(Errors(400, new JsonObject { ["page_info"] = "Invalid value." }));
        var ids = query["ids"].FirstOrDefault()?.Split(',').Select(i => long.TryParse(i, CultureInfo.InvariantCulture, out var n) ? n : -1).ToHashSet();
        JsonArray products;
        string? next;
        lock (store.Listings.Gate)
        {
            var all = store.Listings.All.GroupBy(l => l.ItemId).Where(g => g.Key > after && (ids is null || ids.Contains(g.Key))).OrderBy(g => g.Key).ToList();
            var slice = all.Take(limit).ToList();
            products = new JsonArray(slice.Select(g => (JsonNode)new JsonObject
            {
                ["id"] = g.Key, ["title"] = g.First().ItemTitle,
                ["variants"] = new JsonArray(g.Select(v => (JsonNode)new JsonObject
                {
                    ["id"] = v.SkuId, ["product_id"] = g.Key, ["sku"] = v.OuterId, ["title"] = v.Spec ?? "Default Title", ["price"] = ShopifyPlatform.Money(v.Price, store.Currency),
                    ["inventory_quantity"] = v.Quantity, ["inventory_item_id"] = v.SkuId * 3, ["barcode"] = v.Barcode,
                }).ToArray()),
            }).ToArray());
            next = all.Count > limit ? Cursor(DateTime.MinValue, DateTime.MaxValue, slice[^1].Key) : null;
        }
        if (next is not null) http.Response.Headers["Link"] = $"<{PageUrl(http, "products.json", limit, next)}>; rel=\"next\"";
        return Task.FromResult(Ok(new JsonObject { ["products"] = products }));
    }

    private static async Task<IResult> SetLevel(HttpContext http, ShopifyStore store, SandboxState state)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var (location, item, available) = (body?["location_id"]?.GetValue<long>(), body?["inventory_item_id"]?.GetValue<long>(), body?["available"]?.GetValue<long>());
        if (location is null || item is null || available is null)
            return Errors(400, new JsonObject { ["inventory_level"] = "location_id, inventory_item_id and available are required" });
        if (location != store.LocationId) return Errors(404, "Not Found");
        lock (store.Listings.Gate)
        {
            var variant = store.Listings.All.FirstOrDefault(v => v.SkuId * 3 == item);
            if (variant is null) return Errors(404, "Not Found");
            variant.Quantity = available.Value;
            state.StockUpdates.Enqueue(new ReceivedStockUpdate("shopify", store.Name, SellerListings.Id(variant.ItemId), SellerListings.Id(variant.SkuId), available.Value,
                state.Clock.GetUtcNow().UtcDateTime));
        }
        return Ok(new JsonObject
        {
            ["inventory_level"] = new JsonObject
            {
                ["inventory_item_id"] = item, ["location_id"] = location, ["available"] = available, ["updated_at"] = ShopifyPlatform.Iso(state.Clock.GetUtcNow().UtcDateTime),
            },
        });
    }

    private static string PageUrl(HttpContext http, string resource, int limit, string cursor)
    {
        var path = http.Request.Path.Value!;
        return $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{path[..(path.LastIndexOf('/') + 1)]}{resource}?limit={limit}&page_info={cursor}";
    }

    private static string Cursor(DateTime min, DateTime max, long after) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{min.Ticks}|{max.Ticks}|{after}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryCursor(string cursor, out DateTime min, out DateTime max, out long after)
    {
        (min, max, after) = (DateTime.MinValue, DateTime.MaxValue, 0);
        try
        {
            var text = cursor.Replace('-', '+').Replace('_', '/');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='))).Split('|');
            (min, max, after) = (new DateTime(long.Parse(parts[0], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                new DateTime(long.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeKind.Utc), long.Parse(parts[2], CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static DateTime? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.UtcDateTime : null;

    private static IResult Ok(JsonNode body) => Results.Text(body.ToJsonString(), "application/json; charset=utf-8");

    private static IResult Errors(int status, JsonNode errors) =>
        Results.Text(new JsonObject { ["errors"] = errors }.ToJsonString(), "application/json; charset=utf-8", statusCode: status);

    private static IResult Errors(int status, string message) => Errors(status, JsonValue.Create(message)!);
}
