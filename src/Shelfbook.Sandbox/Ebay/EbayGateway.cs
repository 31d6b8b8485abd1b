using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Ebay;

/// <summary>
/// eBay's OAuth token endpoint and Sell APIs (platform-apis.md §6) under <c>/ebay</c>: user access tokens for a refresh
/// token (Basic client credentials; two hours by the sandbox clock), Bearer tokens checked on every call (401 when
/// unknown or expired), <c>getOrders</c> with <c>lastmodifieddate</c>/<c>creationdate</c> filters and offset paging
/// (creation date, newest first), <c>createShippingFulfillment</c>, inventory items and <c>bulk_update_price_quantity</c>;
/// <c>{"errors":[…]}</c> bodies.
/// </summary>
public static partial class EbayGateway
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/ebay/identity/v1/oauth2/token", Token);
        ConsentPages.Map(app, "/ebay/oauth2/authorize", new ConsentSpec("ebay", "eBay 授权 Grant application access", "client_id",
            (state, id) => { lock (state.Ebay.Gate) return state.Ebay.Apps.ContainsKey(id); },
            (state, id, name) =>
            {
                var ebay = state.Ebay;
                lock (ebay.Gate)
                    if (!ebay.Sellers.Values.Any(s => s.Name == name && s.ClientId == id))
                    {
                        var seller = new EbaySeller(name, id, ConsentPages.Token("v^1.1#r^1#"), "USD");
                        ebay.Sellers[seller.RefreshToken] = seller;
                    }
                return new Dictionary<string, string>();
            }));
        var sell = app.MapGroup("/ebay/sell");
        sell.MapGet("/fulfillment/v1/order", (HttpContext http, SandboxState state) => Handle(http, state, s => Orders(http, s, state)));
        sell.MapGet("/fulfillment/v1/order/{orderId}", (HttpContext http, string orderId, SandboxState state) => Handle(http, state, s => Order(s, orderId, state)));
        sell.MapPost("/fulfillment/v1/order/{orderId}/shipping_fulfillment", (HttpContext http, string orderId, SandboxState state) =>
            Handle(http, state, s => Fulfill(http, s, orderId, state)));
        sell.MapGet("/fulfillment/v1/order/{orderId}/shipping_fulfillment", (HttpContext http, string orderId, SandboxState state) =>
            Handle(http, state, s => Fulfillments(s, orderId)));
        sell.MapGet("/inventory/v1/inventory_item", (HttpContext http, SandboxState state) => Handle(http, state, s => InventoryItems(http, s)));
        sell.MapPost("/inventory/v1/bulk_update_price_quantity", (HttpContext http, SandboxState state) => Handle(http, state, s => BulkQuantity(http, s, state)));
    }

    /// <summary><c>grant_type=refresh_token</c>: a new user access token, or OAuth's <c>{"error", "error_description"}</c>.</summary>
    private static async Task<IResult> Token(HttpContext http, SandboxState state)
    {
        state.Count("ebay:token");
        var form = await http.Request.ReadFormAsync();
        var basic = http.Request.Headers.Authorization.ToString();
        string[] client;
        try
        {
            client = basic.StartsWith("Basic ", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2) : [];
        }
        catch (FormatException)
        {
            client = [];
        }
        var ebay = state.Ebay;
        lock (ebay.Gate)
        {
            if (client.Length != 2 || !ebay.Apps.TryGetValue(client[0], out var app) || app.Secret != client[1])
                return OAuthError(401, "invalid_client", "client authentication failed");
            EbaySeller? seller;
            if (form["grant_type"] == "authorization_code")
            {
                // A code is good once, for the app and return address it was given to.
                var name = state.Consents.Redeem("ebay", form["code"].ToString(), app.ClientId, form["redirect_uri"].ToString(), state.Clock.GetUtcNow().UtcDateTime);
                seller = ebay.Sellers.Values.FirstOrDefault(s => s.Name == name && s.ClientId == app.ClientId);
                if (seller is null) return OAuthError(400, "invalid_grant", "the provided authorization grant code is invalid or was issued to another client");
            }
            else if (form["grant_type"] != "refresh_token") return OAuthError(400, "unsupported_grant_type", "grant type in request is not supported by the authorization server");
            else if (!ebay.Sellers.TryGetValue(form["refresh_token"].ToString(), out seller) || seller.Revoked || seller.ClientId != app.ClientId)
                return OAuthError(400, "invalid_grant", "the provided authorization refresh token is invalid or was issued to another client");
            var token = "v^1.1#i^1#" + Guid.NewGuid().ToString("N");
            ebay.AccessTokens[token] = (seller, state.Clock.GetUtcNow().UtcDateTime + EbayPlatform.TokenLife);
            state.Count($"ebay:{seller.Name}:token");
            var answer = new JsonObject { ["access_token"] = token, ["expires_in"] = (int)EbayPlatform.TokenLife.TotalSeconds, ["token_type"] = "User Access Token" };
            if (form["grant_type"] == "authorization_code")
                (answer["refresh_token"], answer["refresh_token_expires_in"]) = (seller.RefreshToken, 47_304_000);
            return Results.Text(answer.ToJsonString(), "application/json");
        }
    }

    private static async Task<IResult> Handle(HttpContext http, SandboxState state, Func<EbaySeller, Task<IResult>> work)
    {
        var header = http.Request.Headers.Authorization.ToString();
        EbaySeller? seller = null;
        lock (state.Ebay.Gate)
            if (header.StartsWith("Bearer ", StringComparison.Ordinal) && state.Ebay.AccessTokens.TryGetValue(header[7..], out var held)
                && held.Until > state.Clock.GetUtcNow().UtcDateTime && !held.Seller.Revoked)
                seller = held.Seller;
        var call = $"{http.Request.Method} {http.Request.Path}";
        state.Count($"ebay:{http.Request.Method} {Regex.Replace(http.Request.Path.Value ?? "", @"/\d{2}-\d{5}-\d{5}", "/{orderId}")}");
        if (seller is null) return Errors(401, 1001, "OAuth", "Invalid access token", "Invalid access token. Check the value of the Authorization HTTP request header.");
        state.Count($"ebay:{seller.Name}:{http.Request.Method}");
        var faults = state.FaultsFor("ebay", seller.Name);
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeHtml()) return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        var wait = TimeSpan.Zero;
        if (faults.TakeThrottle() || !state.TryCall("ebay", seller.Name, out wait))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Errors(429, 2001, "API_FULFILLMENT", "Too many requests", "The request limit has been reached for the resource.");
        }
        if (faults.TakeServerError()) return Errors(500, 2003, "API_FULFILLMENT", "Internal error", "There was a problem with an eBay internal system or process.");
        var result = await work(seller);
        if (faults.TakeSlowAnswer(call)) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    [GeneratedRegex(@"^(lastmodifieddate|creationdate):\[([^\]]*)\.\.([^\]]*)\]$")]
    private static partial Regex DateFilter();

    private static Task<IResult> Orders(HttpContext http, EbaySeller seller, SandboxState state)
    {
        var query = http.Request.Query;
        var (field, from, to) = ("creationdate", DateTime.MinValue, DateTime.MaxValue);
        foreach (var part in (query["filter"].FirstOrDefault() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = DateFilter().Match(part.Trim());
            if (!match.Success) continue;
            if (!Time(match.Groups[2].Value, out from) || !Time(match.Groups[3].Value, out to))
                return Task.FromResult(Errors(400, 30800, "API_FULFILLMENT", "Invalid filter", "The filter date is not a valid ISO 8601 UTC time."));
            field = match.Groups[1].Value;
        }
        if (!int.TryParse(query["limit"].FirstOrDefault() ?? "50", CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > 1000)
            return Task.FromResult(Errors(400, 30700, "API_FULFILLMENT", "Invalid limit", "The 'limit' value must be between 1 and 1000."));
        if (!int.TryParse(query["offset"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture, out var offset) || offset < 0)
            return Task.FromResult(Errors(400, 30710, "API_FULFILLMENT", "Invalid offset", "The 'offset' value must be 0 or more."));
        var faults = state.FaultsFor("ebay", seller.Name);
        JsonArray orders;
        int total;
        lock (seller.Gate)
        {
            var matching = seller.Orders.Values.Where(o => (field == "creationdate" ? o.Created : o.Modified) is var at && at >= from && at <= to)
                .OrderByDescending(o => o.Created).ThenByDescending(o => o.Tid).ToList();
            total = matching.Count;
            var slice = matching.Skip(offset).Take(limit + (faults.DuplicateAcrossPages ? 1 : 0)).ToList();
            orders = new JsonArray(slice.Select(o => (JsonNode)EbayPlatform.ToJson(o, seller.Currency, faults.IsMalformed(EbayPlatform.OrderId(o)),
                seller.Fulfillments.GetValueOrDefault(EbayPlatform.OrderId(o)) ?? [])).ToArray());
            if (faults.UpdateDuringPaging > 0 && limit > 1)
                foreach (var moved in matching.Where(o => !slice.Contains(o)).Take(faults.UpdateDuringPaging))
                    moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        return Task.FromResult(Ok(new JsonObject { ["limit"] = limit, ["offset"] = offset, ["total"] = total, ["orders"] = orders }));
    }

    private static Task<IResult> Order(EbaySeller seller, string orderId, SandboxState state)
    {
        lock (seller.Gate)
            return Task.FromResult(seller.Orders.TryGetValue(orderId, out var order)
                ? Ok(EbayPlatform.ToJson(order, seller.Currency, state.FaultsFor("ebay", seller.Name).IsMalformed(orderId), seller.Fulfillments.GetValueOrDefault(orderId) ?? []))
                : Errors(404, 32100, "API_FULFILLMENT", "Order not found", $"No order with id {orderId}."));
    }

    /// <summary>A fulfillment for the given line items; a line already fulfilled, an unpaid or cancelled order is refused (400).</summary>
    private static async Task<IResult> Fulfill(HttpContext http, EbaySeller seller, string orderId, SandboxState state)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var tracking = body?["trackingNumber"]?.GetValue<string>() ?? "";
        var carrier = body?["shippingCarrierCode"]?.GetValue<string>() ?? "";
        var wanted = ((body?["lineItems"] as JsonArray) ?? []).Select(l => l?["lineItemId"]?.GetValue<string>() ?? "").ToList();
        string? refusal = null;
        EbayFulfillment? made = null;
        lock (seller.Gate)
        {
            if (!seller.Orders.TryGetValue(orderId, out var order)) refusal = "32100:Order not found.";
            else
            {
                var lineIds = order.Lines.Select((_, i) => EbayPlatform.LineId(order, i)).ToList();
                var fulfilled = (seller.Fulfillments.GetValueOrDefault(orderId) ?? []).SelectMany(f => f.LineItemIds).ToHashSet(StringComparer.Ordinal);
                if (tracking.Length == 0) refusal = "34500:The trackingNumber is required.";
                else if (!EbayCarriers.Contains(carrier)) refusal = "34501:The shippingCarrierCode is not valid.";
                else if (order.Status is "WAIT_BUYER_PAY" or "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO") refusal = "34502:The order is not paid or is cancelled.";
                else if (wanted.Count == 0 || wanted.Any(l => !lineIds.Contains(l) || fulfilled.Contains(l))) refusal = "34503:A line item is unknown or already fulfilled.";
                else
                {
                    made = new EbayFulfillment(tracking + "-" + state.Ebay.NextId().ToString(CultureInfo.InvariantCulture), tracking, carrier, wanted);
                    if (!seller.Fulfillments.TryGetValue(orderId, out var list)) seller.Fulfillments[orderId] = list = [];
                    list.Add(made);
                    foreach (var i in Enumerable.Range(0, order.Lines.Count).Where(i => wanted.Contains(lineIds[i])))
                        (order.Lines[i].InvoiceNo, order.Lines[i].LogisticsCompany) = (tracking, carrier);
                    order.Status = order.Lines.All(l => l.InvoiceNo is not null) ? "WAIT_BUYER_CONFIRM_GOODS" : "SELLER_CONSIGNED_PART";
                    var now = state.Clock.GetUtcNow().UtcDateTime;
                    order.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
                }
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("ebay", seller.Name, orderId, tracking, carrier, refusal is null, refusal, state.Clock.GetUtcNow().UtcDateTime));
        if (refusal is not null)
        {
            var code = int.Parse(refusal[..refusal.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            return Errors(code == 32100 ? 404 : 400, code, "API_FULFILLMENT", "Invalid request", refusal[(refusal.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        }
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}/{made!.Id}";
        return Results.Text("", "application/json", statusCode: 201);
    }

    private static Task<IResult> Fulfillments(EbaySeller seller, string orderId)
    {
        lock (seller.Gate)
        {
            if (!seller.Orders.ContainsKey(orderId)) return Task.FromResult(Errors(404, 32100, "API_FULFILLMENT", "Order not found", $"No order with id {orderId}."));
            var list = (seller.Fulfillments.GetValueOrDefault(orderId) ?? []).Select(f => (JsonNode)new JsonObject
            {
                ["fulfillmentId"] = f.Id, ["shipmentTrackingNumber"] = f.TrackingNumber, ["shippingCarrierCode"] = f.Carrier,
                ["lineItems"] = new JsonArray(f.LineItemIds.Select(l => (JsonNode)new JsonObject { ["lineItemId"] = l }).ToArray()),
            }).ToArray();
            return Task.FromResult(Ok(new JsonObject { ["total"] = list.Length, ["fulfillments"] = new JsonArray(list) }));
        }
    }

    /// <summary>Inventory items by SKU, offset paging (<c>limit</c> ≤ 200).</summary>
    private static Task<IResult> InventoryItems(HttpContext http, EbaySeller seller)
    {
        var query = http.Request.Query;
        if (!int.TryParse(query["limit"].FirstOrDefault() ?? "25", CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > 200
            || !int.TryParse(query["offset"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture, out var offset) || offset < 0)
            return Task.FromResult(Errors(400, 25709, "API_INVENTORY", "Invalid value", "limit must be 1–200 and offset 0 or more."));
        lock (seller.Listings.Gate)
        {
            var items = seller.Listings.All.Where(l => l.OuterId is not null).OrderBy(l => l.OuterId, StringComparer.Ordinal).ToList();
            var page = items.Skip(offset).Take(limit).Select(l => (JsonNode)new JsonObject
            {
                ["sku"] = l.OuterId, ["product"] = new JsonObject { ["title"] = l.ItemTitle },
                ["availability"] = new JsonObject { ["shipToLocationAvailability"] = new JsonObject { ["quantity"] = l.Quantity } },
            }).ToArray();
            return Task.FromResult(Ok(new JsonObject { ["total"] = items.Count, ["limit"] = limit, ["offset"] = offset, ["inventoryItems"] = new JsonArray(page) }));
        }
    }

    /// <summary>Up to 25 SKUs' ship-to-location quantities; each answers with its own status.</summary>
    private static async Task<IResult> BulkQuantity(HttpContext http, EbaySeller seller, SandboxState state)
    {
        var requests = ((await JsonNode.ParseAsync(http.Request.Body))?["requests"] as JsonArray) ?? [];
        if (requests.Count is 0 or > 25) return Errors(400, 25006, "API_INVENTORY", "Invalid request", "requests must hold 1–25 entries.");
        var responses = new JsonArray();
        lock (seller.Listings.Gate)
            foreach (var request in requests)
            {
                var sku = request?["sku"]?.GetValue<string>();
                var quantity = request?["shipToLocationAvailability"]?["quantity"]?.GetValue<long>();
                var item = seller.Listings.All.FirstOrDefault(l => l.OuterId == sku && sku is not null);
                if (item is null || quantity is null or < 0)
                {
                    responses.Add(new JsonObject
                    {
                        ["sku"] = sku, ["statusCode"] = 404,
                        ["errors"] = new JsonArray(new JsonObject { ["errorId"] = 25702, ["message"] = item is null ? "SKU could not be found" : "quantity must be 0 or more" }),
                    });
                    continue;
                }
                item.Quantity = quantity.Value;
                state.StockUpdates.Enqueue(new ReceivedStockUpdate("ebay", seller.Name, sku!, "", quantity.Value, state.Clock.GetUtcNow().UtcDateTime));
                responses.Add(new JsonObject { ["sku"] = sku, ["statusCode"] = 200 });
            }
        return Ok(new JsonObject { ["responses"] = responses });
    }

    /// <summary>Carrier codes the sandbox's eBay accepts (the connector's reading of eBay's list).</summary>
    public static readonly HashSet<string> EbayCarriers = new(StringComparer.Ordinal)
    {
        "SFExpress", "ZTOExpress", "YTOExpress", "STOExpress", "Yunda", "ChinaPostEMS", "ChinaPost", "JDLogistics", "JTExpress",
    };

    private static bool Time(string text, out DateTime utc)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at);
        utc = ok ? at.UtcDateTime : default;
        return ok && text.EndsWith('Z');
    }

    private static IResult Ok(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Text(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), "application/json", statusCode: status);

    private static IResult Errors(int status, int errorId, string domain, string message, string longMessage) =>
        Results.Text(new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject
            {
                ["errorId"] = errorId, ["domain"] = domain, ["category"] = status >= 500 ? "APPLICATION" : "REQUEST", ["message"] = message, ["longMessage"] = longMessage,
            }),
        }.ToJsonString(), "application/json", statusCode: status);
}
