using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox.Amazon;

/// <summary>
/// Amazon's LWA token endpoint and Selling Partner API (platform-apis.md §5) under <c>/amazon</c>: access tokens for a
/// refresh token (an hour by the sandbox clock), <c>x-amz-access-token</c> checked on every call (403 when unknown or
/// expired), a token bucket per operation at SP-API's rates (scaled per seller), 429 <c>QuotaExceeded</c> with
/// <c>x-amzn-RateLimit-Limit</c>; getOrders (LastUpdatedBefore at least two minutes back, <c>NextToken</c> as a key),
/// getOrder, getOrderItems, confirmShipment (204), searchListingsItems and patchListingsItem.
/// </summary>
public static class AmazonGateway
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/amazon/auth/o2/token", Token);
        // Seller Central's consent page (sellercentral.amazon.com/apps/authorize/consent, application_id, state,
        // version=beta, redirect_uri): back with spapi_oauth_code, state and selling_partner_id. The seller account typed
        // on the page is the seller id; a new one sells on amazon.com (ATVPDKIKX0DER) in USD.
        ConsentPages.Map(app, "/amazon/apps/authorize/consent", new ConsentSpec("amazon", "Amazon Seller Central 授权 Authorize", "application_id",
            (state, id) => { lock (state.Amazon.Gate) return state.Amazon.Apps.Values.Any(a => a.ApplicationId == id); },
            (state, id, sellerId) =>
            {
                var amazon = state.Amazon;
                lock (amazon.Gate)
                {
                    var app = amazon.Apps.Values.First(a => a.ApplicationId == id);
                    if (!amazon.Sellers.Values.Any(s => s.SellerId == sellerId && s.ClientId == app.ClientId))
                    {
                        var refresh = ConsentPages.Token("Atzr|");
                        amazon.Sellers[refresh] = new AmazonSeller(sellerId, app.ClientId, refresh, "ATVPDKIKX0DER", "USD", 1);
                    }
                }
                return new Dictionary<string, string> { ["selling_partner_id"] = sellerId };
            }, CodeParameter: "spapi_oauth_code"));
        app.MapGet("/amazon/orders/v0/orders", (HttpContext http, SandboxState state) => Handle(http, state, "getOrders", s => Orders(http, s, state)));
        app.MapGet("/amazon/orders/v0/orders/{orderId}", (HttpContext http, string orderId, SandboxState state) => Handle(http, state, "getOrder", s => Order(s, orderId, state)));
        app.MapGet("/amazon/orders/v0/orders/{orderId}/orderItems", (HttpContext http, string orderId, SandboxState state) =>
            Handle(http, state, "getOrderItems", s => Items(s, orderId)));
        app.MapPost("/amazon/orders/v0/orders/{orderId}/shipmentConfirmation", (HttpContext http, string orderId, SandboxState state) =>
            Handle(http, state, "confirmShipment", s => Confirm(http, s, orderId, state)));
        app.MapGet("/amazon/listings/2021-08-01/items/{sellerId}", (HttpContext http, string sellerId, SandboxState state) =>
            Handle(http, state, "searchListingsItems", s => SearchListings(http, s, sellerId)));
        app.MapPatch("/amazon/listings/2021-08-01/items/{sellerId}/{sku}", (HttpContext http, string sellerId, string sku, SandboxState state) =>
            Handle(http, state, "patchListingsItem", s => PatchListing(http, s, sellerId, sku, state)));
    }

    /// <summary>LWA <c>grant_type=refresh_token</c> (JSON or form): a new access token, or <c>{"error", "error_description"}</c>.</summary>
    private static async Task<IResult> Token(HttpContext http, SandboxState state)
    {
        state.Count("amazon:token");
        Dictionary<string, string?> body;
        if (http.Request.HasFormContentType) body = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => (string?)f.Value.ToString());
        else
        {
            var json = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
            body = json?.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>()) ?? [];
        }
        var amazon = state.Amazon;
        lock (amazon.Gate)
        {
            if (!amazon.Apps.TryGetValue(body.GetValueOrDefault("client_id") ?? "", out var app) || app.Secret != body.GetValueOrDefault("client_secret"))
                return OAuth(401, "invalid_client", "Client authentication failed");
            AmazonSeller? seller;
            if (body.GetValueOrDefault("grant_type") == "authorization_code")
            {
                // The consent page's code, good once for this app: the seller's refresh token comes with the access token.
                var sellerId = state.Consents.Redeem("amazon", body.GetValueOrDefault("code"), app.ApplicationId, null, state.Clock.GetUtcNow().UtcDateTime);
                seller = amazon.Sellers.Values.FirstOrDefault(s => s.SellerId == sellerId && s.ClientId == app.ClientId && !s.Revoked);
                if (seller is null) return OAuth(400, "invalid_grant", "The request has an invalid grant parameter : code");
            }
            else if (body.GetValueOrDefault("grant_type") != "refresh_token") return OAuth(400, "unsupported_grant_type", "The grant type is not supported");
            else if (!amazon.Sellers.TryGetValue(body.GetValueOrDefault("refresh_token") ?? "", out seller) || seller.Revoked || seller.ClientId != app.ClientId)
                return OAuth(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
            var token = "Atza|" + Guid.NewGuid().ToString("N");
            amazon.AccessTokens[token] = (seller, state.Clock.GetUtcNow().UtcDateTime + AmazonPlatform.TokenLife);
            state.Count($"amazon:{seller.SellerId}:token");
            var answer = new JsonObject { ["access_token"] = token, ["token_type"] = "bearer", ["expires_in"] = (int)AmazonPlatform.TokenLife.TotalSeconds };
            if (body.GetValueOrDefault("grant_type") == "authorization_code") answer["refresh_token"] = seller.RefreshToken;
            return Results.Text(answer.ToJsonString(), "application/json");
        }
    }

    private static async Task<IResult> Handle(HttpContext http, SandboxState state, string operation, Func<AmazonSeller, Task<IResult>> work)
    {
        AmazonSeller? seller = null;
        var token = http.Request.Headers["x-amz-access-token"].ToString();
        var now = state.Clock.GetUtcNow().UtcDateTime;
        lock (state.Amazon.Gate)
            if (state.Amazon.AccessTokens.TryGetValue(token, out var held) && held.Until > now && !held.Seller.Revoked) seller = held.Seller;
        state.Count("amazon:" + operation);
        if (seller is null) return Errors(403, "Unauthorized", "Access to requested resource is denied.", "The access token you provided is revoked, malformed or invalid.");
        state.Count($"amazon:{seller.SellerId}:{operation}");
        var faults = state.FaultsFor("amazon", seller.SellerId);
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeHtml()) return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        var bucket = seller.Buckets[operation];
        http.Response.Headers["x-amzn-RateLimit-Limit"] = bucket.Rate.ToString("0.####", CultureInfo.InvariantCulture);
        if (faults.TakeThrottle(operation) || !bucket.TryTake(now)) return Errors(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "");
        if (faults.TakeServerError()) return Errors(500, "InternalFailure", "We encountered an internal error. Please try again.", "");
        var result = await work(seller);
        if (faults.TakeSlowAnswer(operation)) await Task.Delay(faults.SlowAnswerMs);
        return result;
    }

    private static Task<IResult> Orders(HttpContext http, AmazonSeller seller, SandboxState state)
    {
        var query = http.Request.Query;
        if (!(query["MarketplaceIds"].FirstOrDefault() ?? "").Split(',').Contains(seller.MarketplaceId))
            return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "MarketplaceIds must name the seller's marketplace."));
        DateTime from, to;
        string after;
        if (query["NextToken"].FirstOrDefault() is { } next)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(next)).Split('|');
                (from, to, after) = (new DateTime(long.Parse(parts[0], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                    new DateTime(long.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeKind.Utc), parts[2]);
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "NextToken is invalid."));
            }
        }
        else
        {
            if (query.ContainsKey("CreatedAfter") == query.ContainsKey("LastUpdatedAfter"))
                return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "Exactly one of CreatedAfter and LastUpdatedAfter must be given."));
            if (!Time(query["LastUpdatedAfter"].FirstOrDefault(), out from))
                return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "LastUpdatedAfter must be an ISO 8601 time."));
            to = Time(query["LastUpdatedBefore"].FirstOrDefault(), out var before) ? before : state.Clock.GetUtcNow().UtcDateTime.AddMinutes(-2);
            if (to > state.Clock.GetUtcNow().UtcDateTime.AddMinutes(-2))
                return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "LastUpdatedBefore must be at least 2 minutes before the time of the request."));
            after = "";
        }
        var size = int.TryParse(query["MaxResultsPerPage"].FirstOrDefault() ?? "100", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (size is < 1 or > 100) return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "MaxResultsPerPage must be 1–100."));
        var faults = state.FaultsFor("amazon", seller.SellerId);
        JsonArray orders;
        string? token;
        lock (seller.Gate)
        {
            var matching = seller.Orders.Values.Where(o => o.Modified >= from && o.Modified <= to && string.CompareOrdinal(AmazonPlatform.OrderId(o), after) > 0)
                .OrderBy(AmazonPlatform.OrderId, StringComparer.Ordinal).ToList();
            var slice = matching.Take(size).ToList();
            var served = faults.DuplicateAcrossPages ? matching.Take(size + 1).ToList() : slice;
            orders = new JsonArray(served.Select(o => (JsonNode)AmazonPlatform.OrderJson(o, seller.MarketplaceId, seller.Currency, faults.IsMalformed(AmazonPlatform.OrderId(o)),
                seller.Packages.GetValueOrDefault(AmazonPlatform.OrderId(o))?.Values.Sum(p => p.Items.Count) ?? 0)).ToArray());
            token = matching.Count > size
                ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"{from.Ticks}|{to.Ticks}|{AmazonPlatform.OrderId(slice[^1])}"))
                : null;
            if (faults.UpdateDuringPaging > 0)
                foreach (var moved in matching.Skip(size).Take(faults.UpdateDuringPaging)) moved.Modified = state.Clock.GetUtcNow().UtcDateTime;
        }
        var payload = new JsonObject { ["Orders"] = orders, ["LastUpdatedBefore"] = AmazonPlatform.Iso(to) };
        if (token is not null) payload["NextToken"] = token;
        return Task.FromResult(Ok(new JsonObject { ["payload"] = payload }));
    }

    private static Task<IResult> Order(AmazonSeller seller, string orderId, SandboxState state)
    {
        lock (seller.Gate)
            return Task.FromResult(seller.Orders.TryGetValue(orderId, out var order)
                ? Ok(new JsonObject
                {
                    ["payload"] = AmazonPlatform.OrderJson(order, seller.MarketplaceId, seller.Currency, state.FaultsFor("amazon", seller.SellerId).IsMalformed(orderId),
                        seller.Packages.GetValueOrDefault(orderId)?.Values.Sum(p => p.Items.Count) ?? 0),
                })
                : Errors(404, "NotFound", "Order not found.", orderId));
    }

    private static Task<IResult> Items(AmazonSeller seller, string orderId)
    {
        lock (seller.Gate)
            return Task.FromResult(seller.Orders.TryGetValue(orderId, out var order)
                ? Ok(new JsonObject { ["payload"] = new JsonObject { ["AmazonOrderId"] = orderId, ["OrderItems"] = AmazonPlatform.ItemsJson(order, seller.Currency) } })
                : Errors(404, "NotFound", "Order not found.", orderId));
    }

    /// <summary>A package with its items; a reference confirmed before, items already shipped, an unknown carrier or an unpaid or cancelled order is refused (400).</summary>
    private static async Task<IResult> Confirm(HttpContext http, AmazonSeller seller, string orderId, SandboxState state)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var package = body?["packageDetail"] as JsonObject;
        var reference = package?["packageReferenceId"]?.GetValue<string>() ?? "";
        var tracking = package?["trackingNumber"]?.GetValue<string>() ?? "";
        var carrier = package?["carrierCode"]?.GetValue<string>() ?? "";
        var items = ((package?["orderItems"] as JsonArray) ?? []).Select(i => i?["orderItemId"]?.GetValue<string>() ?? "").ToList();
        string? refusal = null;
        lock (seller.Gate)
        {
            if (!seller.Orders.TryGetValue(orderId, out var order)) refusal = "Order not found.";
            else
            {
                var packages = seller.Packages.TryGetValue(orderId, out var p) ? p : seller.Packages[orderId] = new(StringComparer.Ordinal);
                var shipped = packages.Values.SelectMany(x => x.Items).ToHashSet(StringComparer.Ordinal);
                var known = order.Lines.Select((_, i) => AmazonPlatform.ItemId(order, i)).ToList();
                if (body?["marketplaceId"]?.GetValue<string>() != seller.MarketplaceId) refusal = "marketplaceId does not match the order.";
                else if (reference.Length == 0 || tracking.Length == 0) refusal = "packageReferenceId and trackingNumber are required.";
                else if (!long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                    refusal = "packageReferenceId must be a positive number.";
                else if (packages.ContainsKey(reference)) refusal = "PackageReferenceId already confirmed for this order.";
                else if (!AmazonCarriers.Contains(carrier)) refusal = $"carrierCode '{carrier}' is not valid.";
                else if (order.Status is "WAIT_BUYER_PAY" or "TRADE_CLOSED" or "TRADE_CLOSED_BY_TAOBAO") refusal = "The order is pending or canceled.";
                else if (items.Count == 0 || items.Any(i => !known.Contains(i) || shipped.Contains(i))) refusal = "An order item is unknown or already shipped.";
                else
                {
                    packages[reference] = (tracking, carrier, items);
                    foreach (var i in Enumerable.Range(0, order.Lines.Count).Where(i => items.Contains(known[i])))
                        (order.Lines[i].InvoiceNo, order.Lines[i].LogisticsCompany) = (tracking, carrier);
                    order.Status = order.Lines.All(l => l.InvoiceNo is not null) ? "WAIT_BUYER_CONFIRM_GOODS" : "SELLER_CONSIGNED_PART";
                    var now = state.Clock.GetUtcNow().UtcDateTime;
                    order.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
                }
            }
        }
        state.Received.Enqueue(new ReceivedConfirmation("amazon", seller.SellerId, orderId, tracking, carrier, refusal is null, refusal, state.Clock.GetUtcNow().UtcDateTime));
        return refusal is null ? Results.StatusCode(204)
            : refusal == "Order not found." ? Errors(404, "NotFound", refusal, orderId) : Errors(400, "InvalidInput", "Invalid Input", refusal);
    }

    private static Task<IResult> SearchListings(HttpContext http, AmazonSeller seller, string sellerId)
    {
        if (sellerId != seller.SellerId) return Task.FromResult(Errors(403, "Unauthorized", "Access to requested resource is denied.", "sellerId does not match the token."));
        var query = http.Request.Query;
        var size = int.TryParse(query["pageSize"].FirstOrDefault() ?? "10", CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (size is < 1 or > 20) return Task.FromResult(Errors(400, "InvalidInput", "Invalid Input", "pageSize must be 1–20."));
        var after = query["pageToken"].FirstOrDefault() is { } token ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : "";
        lock (seller.Listings.Gate)
        {
            var all = seller.Listings.All.Where(l => l.OuterId is not null && string.CompareOrdinal(l.OuterId, after) > 0).OrderBy(l => l.OuterId, StringComparer.Ordinal).ToList();
            var slice = all.Take(size).ToList();
            var body = new JsonObject
            {
                ["numberOfResults"] = seller.Listings.All.Count,
                ["items"] = new JsonArray(slice.Select(l => (JsonNode)new JsonObject
                {
                    ["sku"] = l.OuterId,
                    ["summaries"] = new JsonArray(new JsonObject { ["marketplaceId"] = seller.MarketplaceId, ["asin"] = $"B0{l.ItemId % 100_000_000:D8}", ["itemName"] = l.ItemTitle }),
                    ["fulfillmentAvailability"] = new JsonArray(new JsonObject { ["fulfillmentChannelCode"] = "DEFAULT", ["quantity"] = l.Quantity }),
                }).ToArray()),
            };
            if (all.Count > size) body["pagination"] = new JsonObject { ["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(slice[^1].OuterId!)) };
            return Task.FromResult(Ok(body));
        }
    }

    private static async Task<IResult> PatchListing(HttpContext http, AmazonSeller seller, string sellerId, string sku, SandboxState state)
    {
        if (sellerId != seller.SellerId) return Errors(403, "Unauthorized", "Access to requested resource is denied.", "sellerId does not match the token.");
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var patch = (body?["patches"] as JsonArray)?.FirstOrDefault(p => p?["path"]?.GetValue<string>() == "/attributes/fulfillment_availability");
        var quantity = patch?["value"]?[0]?["quantity"]?.GetValue<long>();
        JsonObject Answer(string status, string? issue) => new()
        {
            ["sku"] = sku, ["status"] = status, ["submissionId"] = Guid.NewGuid().ToString("N"),
            ["issues"] = issue is null ? new JsonArray() : new JsonArray(new JsonObject { ["code"] = "4000001", ["message"] = issue, ["severity"] = "ERROR" }),
        };
        if (body?["productType"] is null || quantity is null or < 0) return Ok(Answer("INVALID", "productType and a fulfillment_availability quantity of 0 or more are required."));
        lock (seller.Listings.Gate)
        {
            var listing = seller.Listings.All.FirstOrDefault(l => l.OuterId == sku);
            if (listing is null) return Ok(Answer("INVALID", $"SKU '{sku}' is not listed."));
            listing.Quantity = quantity.Value;
        }
        state.StockUpdates.Enqueue(new ReceivedStockUpdate("amazon", seller.SellerId, sku, "", quantity.Value, state.Clock.GetUtcNow().UtcDateTime));
        return Ok(Answer("ACCEPTED", null));
    }

    /// <summary>Carrier names the sandbox's Amazon accepts (the connector's reading of Amazon's list).</summary>
    public static readonly HashSet<string> AmazonCarriers = new(StringComparer.Ordinal)
    {
        "SF Express", "ZTO Express", "YTO Express", "STO Express", "Yunda Express", "China EMS", "China Post", "JD Logistics", "J&T Express",
    };

    private static bool Time(string? text, out DateTime utc)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at);
        utc = ok ? at.UtcDateTime : default;
        return ok;
    }

    private static IResult Ok(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");

    private static IResult OAuth(int status, string error, string description) =>
        Results.Text(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), "application/json", statusCode: status);

    private static IResult Errors(int status, string code, string message, string details) =>
        Results.Text(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message, ["details"] = details }) }.ToJsonString(),
            "application/json", statusCode: status);
}
