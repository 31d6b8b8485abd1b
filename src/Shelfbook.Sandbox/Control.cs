using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox;

public sealed record TopSellerInput(string AppKey, string AppSecret, string Session, string Nick);

public sealed record PddMallInput(string ClientId, string ClientSecret, string AccessToken, string MallName, string? RefreshToken = null);

public sealed record DouyinShopInput(string AppKey, string AppSecret, string AccessToken, string ShopName);

public sealed record DouyinShopChange(bool? AmountsInYuan = null);

public sealed record ShopifyStoreInput(string Store, string AccessToken, long LocationId, string? Currency = null);

public sealed record ShopifyStoreChange(string? Currency = null);

public sealed record EbaySellerInput(string ClientId, string ClientSecret, string RefreshToken, string Seller, string? Currency = null);

public sealed record AmazonSellerInput(
    string ClientId, string ClientSecret, string RefreshToken, string SellerId, string MarketplaceId, string? Currency = null, double? RateScale = null);

public sealed record JdVendorInput(string AppKey, string AppSecret, string AccessToken, string VendorName);

/// <summary>A lifecycle step: each paid, unshipped order (of one platform or seller, or all) changes at these odds.</summary>
public sealed record LifecycleInput(string? Platform = null, string? Seller = null, double RefundShare = 0, double CancelShare = 0, double AddressShare = 0, int? Seed = null);

public sealed record FaultsInput(
    int? ThrottleNext = null, int? ServerErrorNext = null, int? HtmlNext = null, int? LatencyMs = null, bool? DuplicateAcrossPages = null,
    int? UpdateDuringPaging = null, string[]? Malformed = null, int? SlowAnswerNext = null, int? SlowAnswerMs = null, int? ClockSkewSeconds = null,
    string? SlowAnswerOnly = null, string? ThrottleOnly = null, int? ThrottleAfter = null, double? ErrorRate = null);

public sealed record CarrierAccountInput(string Carrier, string AppKey, string AppSecret, string CustomerCode, long Balance = 10_000);

public sealed record CarrierAccountChange(long? Balance = null);

public sealed record CarrierChange(string[]? Suspended = null);

public sealed record TradeChange(string? Status = null, string? RefundStatus = null, string? ReceiverAddress = null);

/// <summary>The control API under <c>/_sandbox</c>: seed sellers and orders, change orders, inject faults, move the clock, read call counts.</summary>
public static class Control
{
    public static void Map(WebApplication app)
    {
        var control = app.MapGroup("/_sandbox");
        control.MapPost("/taobao/sellers", (TopSellerInput input, SandboxState state) =>
        {
            lock (state.Taobao.Gate)
            {
                if (!state.Taobao.Apps.TryGetValue(input.AppKey, out var existing)) state.Taobao.Apps[input.AppKey] = new TopApp(input.AppKey, input.AppSecret);
                else if (existing.Secret != input.AppSecret) return Results.Conflict(new { error = "app_key exists with another secret" });
                state.Taobao.Sellers[input.Session] = new TopSeller(input.Nick, input.AppKey, input.Session);
            }
            return Results.Ok(new { input.Nick, input.Session });
        });
        control.MapPost("/taobao/sellers/{session}/orders", (string session, GenerateOrders input, SandboxState state) =>
        {
            var seller = Seller(state, session);
            if (seller is null) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            var trades = TopGenerator.Generate(state.Taobao, seller, input, state.Clock.GetUtcNow().UtcDateTime);
            return Results.Ok(new { count = trades.Count, tids = trades.Select(t => t.Tid.ToString(CultureInfo.InvariantCulture)) });
        });
        control.MapPost("/taobao/sellers/{session}/orders/{tid}", (string session, long tid, TradeChange change, SandboxState state) =>
        {
            var seller = Seller(state, session);
            if (seller is null) return Results.NotFound();
            lock (seller.Gate)
            {
                if (!seller.Trades.TryGetValue(tid, out var trade)) return Results.NotFound();
                if (change.Status is not null) trade.Status = change.Status;
                if (change.RefundStatus is not null) trade.Lines[0].RefundStatus = change.RefundStatus;
                if (change.ReceiverAddress is not null) trade.ReceiverAddress = change.ReceiverAddress;
                trade.Modified = state.Clock.GetUtcNow().UtcDateTime;
                trade.Modified = trade.Modified.AddTicks(-(trade.Modified.Ticks % TimeSpan.TicksPerSecond));
            }
            return Results.Ok();
        });
        control.MapPost("/taobao/sellers/{session}/expire", (string session, SandboxState state) =>
        {
            lock (state.Taobao.Gate)
            {
                if (!state.Taobao.Sellers.TryGetValue(session, out var seller)) return Results.NotFound();
                // Every session key of the seller lapses (the one given and any a refresh or a consent issued since).
                foreach (var key in state.Taobao.Sellers.Where(s => s.Value == seller).Select(s => s.Key).ToList()) state.Taobao.Expired.Add(key);
            }
            return Results.Ok();
        });
        control.MapPost("/taobao/sellers/{session}/revoke", (string session, SandboxState state) =>
        {
            var seller = Seller(state, session);
            if (seller is null) return Results.NotFound();
            seller.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/pinduoduo/malls", (PddMallInput input, SandboxState state) =>
        {
            var pdd = state.Pinduoduo;
            lock (pdd.Gate)
            {
                if (!pdd.Clients.TryGetValue(input.ClientId, out var existing)) pdd.Clients[input.ClientId] = new Pinduoduo.PddClient(input.ClientId, input.ClientSecret);
                else if (existing.Secret != input.ClientSecret) return Results.Conflict(new { error = "client_id exists with another secret" });
                pdd.Malls[input.AccessToken] = new Pinduoduo.PddMall(input.MallName, input.ClientId, input.AccessToken) { RefreshToken = input.RefreshToken };
            }
            return Results.Ok(new { input.MallName, input.AccessToken });
        });
        control.MapPost("/pinduoduo/malls/{token}/orders", (string token, GenerateOrders input, SandboxState state) =>
        {
            Pinduoduo.PddMall? mall;
            lock (state.Pinduoduo.Gate) mall = state.Pinduoduo.Malls.GetValueOrDefault(token);
            if (mall is null) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            var orders = TopGenerator.Generate(state.Pinduoduo.NextId, input, state.Clock.GetUtcNow().UtcDateTime);
            mall.Listings.Dress(orders);
            lock (mall.Gate)
                foreach (var o in orders) mall.Orders[Pinduoduo.PddPlatform.OrderSn(o)] = o;
            return Results.Ok(new { count = orders.Count, orderSns = orders.Where(Pinduoduo.PddPlatform.Listed).Select(Pinduoduo.PddPlatform.OrderSn) });
        });
        control.MapPost("/pinduoduo/malls/{token}/expire", (string token, SandboxState state) =>
        {
            lock (state.Pinduoduo.Gate)
            {
                if (!state.Pinduoduo.Malls.TryGetValue(token, out var mall)) return Results.NotFound();
                // Every access token of the mall lapses (the one given and any a refresh issued since).
                foreach (var key in state.Pinduoduo.Malls.Where(m => m.Value == mall).Select(m => m.Key).ToList()) state.Pinduoduo.Expired.Add(key);
            }
            return Results.Ok();
        });
        control.MapPost("/pinduoduo/malls/{token}/revoke", (string token, SandboxState state) =>
        {
            Pinduoduo.PddMall? mall;
            lock (state.Pinduoduo.Gate) mall = state.Pinduoduo.Malls.GetValueOrDefault(token);
            if (mall is null) return Results.NotFound();
            mall.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/taobao/sellers/{session}/listings", (string session, ListingsInput input, SandboxState state) =>
            Seller(state, session) is { } seller ? AddListings(seller.Listings, input, state.Taobao.NextTid) : Results.NotFound());
        control.MapPost("/pinduoduo/malls/{token}/listings", (string token, ListingsInput input, SandboxState state) =>
        {
            Pinduoduo.PddMall? mall;
            lock (state.Pinduoduo.Gate) mall = state.Pinduoduo.Malls.GetValueOrDefault(token);
            // Every Pinduoduo goods has at least one SKU.
            return mall is null ? Results.NotFound()
                : AddListings(mall.Listings, input with { Listings = input.Listings?.Select(l => l with { NoVariants = false }).ToArray() }, state.Pinduoduo.NextId);
        });
        control.MapGet("/stock-updates", (string? platform, string? seller, SandboxState state) =>
            Results.Ok(state.StockUpdates.Where(r => (platform == null || r.Platform == platform) && (seller == null || r.Seller == seller)).ToList()));
        control.MapPost("/douyin/shops", (DouyinShopInput input, SandboxState state) =>
        {
            var douyin = state.Douyin;
            lock (douyin.Gate)
            {
                if (!douyin.Apps.TryGetValue(input.AppKey, out var existing)) douyin.Apps[input.AppKey] = new Douyin.DouyinApp(input.AppKey, input.AppSecret);
                else if (existing.Secret != input.AppSecret) return Results.Conflict(new { error = "app_key exists with another secret" });
                douyin.Shops[input.AccessToken] = new Douyin.DouyinShop(input.ShopName, input.AppKey, input.AccessToken);
            }
            return Results.Ok(new { input.ShopName, input.AccessToken });
        });
        control.MapPost("/douyin/shops/{token}/orders", (string token, GenerateOrders input, SandboxState state) =>
        {
            if (DouyinShop(state, token) is not { } shop) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            var orders = TopGenerator.Generate(state.Douyin.NextId, input, state.Clock.GetUtcNow().UtcDateTime);
            shop.Listings.Dress(orders);
            lock (shop.Gate)
                foreach (var o in orders) shop.Orders[Douyin.DouyinPlatform.OrderId(o)] = o;
            return Results.Ok(new { count = orders.Count, orderIds = orders.Select(Douyin.DouyinPlatform.OrderId) });
        });
        control.MapPost("/douyin/shops/{token}", (string token, DouyinShopChange change, SandboxState state) =>
        {
            if (DouyinShop(state, token) is not { } shop) return Results.NotFound();
            if (change.AmountsInYuan is { } yuan) shop.AmountsInYuan = yuan;
            return Results.Ok();
        });
        control.MapPost("/douyin/shops/{token}/listings", (string token, ListingsInput input, SandboxState state) =>
            DouyinShop(state, token) is { } shop
                ? AddListings(shop.Listings, input with { Listings = input.Listings?.Select(l => l with { NoVariants = false }).ToArray() }, state.Douyin.NextId)
                : Results.NotFound());
        control.MapPost("/douyin/shops/{token}/expire", (string token, SandboxState state) =>
        {
            lock (state.Douyin.Gate)
            {
                if (!state.Douyin.Shops.TryGetValue(token, out var shop)) return Results.NotFound();
                foreach (var key in state.Douyin.Shops.Where(s => s.Value == shop).Select(s => s.Key).ToList()) state.Douyin.Expired.Add(key);
            }
            return Results.Ok();
        });
        control.MapPost("/douyin/shops/{token}/revoke", (string token, SandboxState state) =>
        {
            if (DouyinShop(state, token) is not { } shop) return Results.NotFound();
            shop.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/shopify/stores", (ShopifyStoreInput input, SandboxState state) =>
        {
            lock (state.Shopify.Gate) state.Shopify.Stores[input.Store] = new Shopify.ShopifyStore(input.Store, input.AccessToken, input.LocationId, input.Currency ?? "USD");
            return Results.Ok(new { input.Store });
        });
        control.MapPost("/shopify/stores/{store}/orders", (string store, GenerateOrders input, SandboxState state) =>
        {
            if (ShopifyStore(state, store) is not { } found) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            var orders = TopGenerator.Generate(state.Shopify.NextId, input with { Abroad = input.Abroad ?? true }, state.Clock.GetUtcNow().UtcDateTime);
            found.Listings.Dress(orders);
            lock (found.Gate)
                foreach (var o in orders) found.Orders[o.Tid] = o;
            return Results.Ok(new { count = orders.Count, orderIds = orders.Select(o => o.Tid.ToString(CultureInfo.InvariantCulture)) });
        });
        control.MapPost("/shopify/stores/{store}", (string store, ShopifyStoreChange change, SandboxState state) =>
        {
            if (ShopifyStore(state, store) is not { } found) return Results.NotFound();
            if (change.Currency is { } currency) found.Currency = currency;
            return Results.Ok();
        });
        control.MapPost("/shopify/stores/{store}/listings", (string store, ListingsInput input, SandboxState state) =>
            ShopifyStore(state, store) is { } found
                ? AddListings(found.Listings, input with { Listings = input.Listings?.Select(l => l with { NoVariants = false }).ToArray() }, state.Shopify.NextId)
                : Results.NotFound());
        control.MapPost("/shopify/stores/{store}/revoke", (string store, SandboxState state) =>
        {
            if (ShopifyStore(state, store) is not { } found) return Results.NotFound();
            found.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/ebay/sellers", (EbaySellerInput input, SandboxState state) =>
        {
            var ebay = state.Ebay;
            lock (ebay.Gate)
            {
                if (!ebay.Apps.TryGetValue(input.ClientId, out var existing)) ebay.Apps[input.ClientId] = new Ebay.EbayApp(input.ClientId, input.ClientSecret);
                else if (existing.Secret != input.ClientSecret) return Results.Conflict(new { error = "client_id exists with another secret" });
                ebay.Sellers[input.RefreshToken] = new Ebay.EbaySeller(input.Seller, input.ClientId, input.RefreshToken, input.Currency ?? "USD");
            }
            return Results.Ok(new { input.Seller });
        });
        control.MapPost("/ebay/sellers/{seller}/orders", (string seller, GenerateOrders input, SandboxState state) =>
        {
            if (EbaySeller(state, seller) is not { } found) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            var orders = TopGenerator.Generate(state.Ebay.NextId, input with { Abroad = input.Abroad ?? true }, state.Clock.GetUtcNow().UtcDateTime);
            lock (found.Gate)
                foreach (var o in orders) found.Orders[Ebay.EbayPlatform.OrderId(o)] = o;
            return Results.Ok(new { count = orders.Count, orderIds = orders.Select(Ebay.EbayPlatform.OrderId) });
        });
        control.MapPost("/ebay/sellers/{seller}/listings", (string seller, ListingsInput input, SandboxState state) =>
            EbaySeller(state, seller) is { } found ? AddListings(found.Listings, input, state.Ebay.NextId) : Results.NotFound());
        control.MapPost("/ebay/sellers/{seller}/expire-tokens", (string seller, SandboxState state) =>
        {
            if (EbaySeller(state, seller) is not { } found) return Results.NotFound();
            lock (state.Ebay.Gate)
                foreach (var token in state.Ebay.AccessTokens.Where(t => t.Value.Seller == found).Select(t => t.Key).ToList())
                    state.Ebay.AccessTokens[token] = (found, DateTime.MinValue);
            return Results.Ok();
        });
        control.MapPost("/ebay/sellers/{seller}/revoke", (string seller, SandboxState state) =>
        {
            if (EbaySeller(state, seller) is not { } found) return Results.NotFound();
            found.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/amazon/sellers", (AmazonSellerInput input, SandboxState state) =>
        {
            var amazon = state.Amazon;
            lock (amazon.Gate)
            {
                if (!amazon.Apps.TryGetValue(input.ClientId, out var existing)) amazon.Apps[input.ClientId] = new Amazon.AmazonApp(input.ClientId, input.ClientSecret);
                else if (existing.Secret != input.ClientSecret) return Results.Conflict(new { error = "client_id exists with another secret" });
                amazon.Sellers[input.RefreshToken] = new Amazon.AmazonSeller(input.SellerId, input.ClientId, input.RefreshToken, input.MarketplaceId, input.Currency ?? "USD",
                    input.RateScale ?? 1);
            }
            return Results.Ok(new { input.SellerId });
        });
        control.MapPost("/amazon/sellers/{seller}/orders", (string seller, GenerateOrders input, SandboxState state) =>
        {
            if (AmazonSeller(state, seller) is not { } found) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            var orders = TopGenerator.Generate(state.Amazon.NextId, input with { Abroad = input.Abroad ?? true }, state.Clock.GetUtcNow().UtcDateTime);
            lock (found.Gate)
                foreach (var o in orders) found.Orders[Amazon.AmazonPlatform.OrderId(o)] = o;
            return Results.Ok(new { count = orders.Count, orderIds = orders.Select(Amazon.AmazonPlatform.OrderId) });
        });
        control.MapPost("/amazon/sellers/{seller}/listings", (string seller, ListingsInput input, SandboxState state) =>
            AmazonSeller(state, seller) is { } found ? AddListings(found.Listings, input, state.Amazon.NextId) : Results.NotFound());
        control.MapPost("/amazon/sellers/{seller}/expire-tokens", (string seller, SandboxState state) =>
        {
            if (AmazonSeller(state, seller) is not { } found) return Results.NotFound();
            lock (state.Amazon.Gate)
                foreach (var token in state.Amazon.AccessTokens.Where(t => t.Value.Seller == found).Select(t => t.Key).ToList())
                    state.Amazon.AccessTokens[token] = (found, DateTime.MinValue);
            return Results.Ok();
        });
        control.MapPost("/amazon/sellers/{seller}/revoke", (string seller, SandboxState state) =>
        {
            if (AmazonSeller(state, seller) is not { } found) return Results.NotFound();
            found.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/jd/vendors", (JdVendorInput input, SandboxState state) =>
        {
            var jd = state.Jd;
            lock (jd.Gate)
            {
                if (!jd.Apps.TryGetValue(input.AppKey, out var existing)) jd.Apps[input.AppKey] = new Jd.JdApp(input.AppKey, input.AppSecret);
                else if (existing.Secret != input.AppSecret) return Results.Conflict(new { error = "app_key exists with another secret" });
                jd.Vendors[input.AccessToken] = new Jd.JdVendor(input.VendorName, input.AppKey, input.AccessToken);
            }
            return Results.Ok(new { input.VendorName });
        });
        control.MapPost("/jd/vendors/{token}/orders", (string token, GenerateOrders input, SandboxState state) =>
        {
            if (JdVendor(state, token) is not { } vendor) return Results.NotFound();
            if (input.Count is < 1 or > 1_000_000) return Results.BadRequest(new { error = "count must be 1–1,000,000" });
            // JD lists orders once paid.
            var orders = TopGenerator.Generate(state.Jd.NextId, input with { UnpaidShare = 0 }, state.Clock.GetUtcNow().UtcDateTime);
            vendor.Listings.Dress(orders);
            lock (vendor.Gate)
                foreach (var o in orders) vendor.Orders[Jd.JdGateway.OrderId(o)] = o;
            return Results.Ok(new { count = orders.Count, orderIds = orders.Select(Jd.JdGateway.OrderId) });
        });
        control.MapPost("/jd/vendors/{token}/listings", (string token, ListingsInput input, SandboxState state) =>
            JdVendor(state, token) is { } vendor
                ? AddListings(vendor.Listings, input with { Listings = input.Listings?.Select(l => l with { NoVariants = false }).ToArray() }, state.Jd.NextId)
                : Results.NotFound());
        control.MapPost("/jd/vendors/{token}/expire", (string token, SandboxState state) =>
        {
            lock (state.Jd.Gate)
            {
                if (!state.Jd.Vendors.TryGetValue(token, out var vendor)) return Results.NotFound();
                foreach (var key in state.Jd.Vendors.Where(v => v.Value == vendor).Select(v => v.Key).ToList()) state.Jd.Expired.Add(key);
            }
            return Results.Ok();
        });
        control.MapPost("/jd/vendors/{token}/revoke", (string token, SandboxState state) =>
        {
            if (JdVendor(state, token) is not { } vendor) return Results.NotFound();
            vendor.Revoked = true;
            return Results.Ok();
        });
        control.MapPost("/limits/{key}", (string key, CallLimit input, SandboxState state) =>
        {
            if (!state.Limits.ContainsKey(key.Split(':')[0])) return Results.NotFound(new { error = "only taobao, pinduoduo, jd, douyin and ebay count calls per seller here" });
            if (input.Rate is <= 0 or > 100_000 || input.Burst is < 1 or > 100_000) return Results.BadRequest(new { error = "rate must be above 0 and burst at least 1" });
            state.Limits[key] = input;
            return Results.Ok(input);
        });
        control.MapPost("/faults/{platform}", (string platform, FaultsInput input, SandboxState state) =>
        {
            if (input.ErrorRate is < 0 or > 1) return Results.BadRequest(new { error = "errorRate is a share of calls, from 0 to 1" });
            var faults = state.FaultsOf(platform);
            if (input.ErrorRate is { } rate) faults.ErrorRate = rate;
            faults.FailNext(input.ThrottleOnly is null ? input.ThrottleNext : null, input.ServerErrorNext, input.HtmlNext);
            if (input.ThrottleOnly is { } only) faults.ThrottleCalls(input.ThrottleNext ?? 1, only, input.ThrottleAfter ?? 0);
            faults.AnswerSlowly(input.SlowAnswerNext, input.SlowAnswerMs, input.SlowAnswerOnly);
            if (input.ClockSkewSeconds is { } skew) faults.ClockSkewSeconds = skew;
            if (input.LatencyMs is { } l) faults.LatencyMs = l;
            if (input.DuplicateAcrossPages is { } d) faults.DuplicateAcrossPages = d;
            if (input.UpdateDuringPaging is { } u) faults.UpdateDuringPaging = u;
            if (input.Malformed is { } m) faults.SetMalformed(m);
            return Results.Ok();
        });
        control.MapPost("/lifecycle", (LifecycleInput input, SandboxState state) =>
        {
            if (new[] { input.RefundShare, input.CancelShare, input.AddressShare }.Any(p => p is < 0 or > 1) || input.RefundShare + input.CancelShare + input.AddressShare > 1)
                return Results.BadRequest(new { error = "shares must be 0–1 and add up to at most 1" });
            var random = input.Seed is { } seed ? new Random(seed) : new Random();
            var now = state.Clock.GetUtcNow().UtcDateTime;
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            var (refunds, cancels, addresses) = (0, 0, 0);
            foreach (var (platform, seller, gate, orders) in state.AllOrders())
            {
                if ((input.Platform is not null && input.Platform != platform) || (input.Seller is not null && input.Seller != seller)) continue;
                lock (gate)
                    foreach (var order in orders.Where(o => o.Status == "WAIT_SELLER_SEND_GOODS" && o.Lines.All(l => l.InvoiceNo is null && l.RefundStatus == "NO_REFUND")))
                    {
                        var roll = random.NextDouble();
                        if (roll < input.RefundShare) (order.Lines[0].RefundStatus, refunds) = ("WAIT_SELLER_AGREE", refunds + 1);
                        else if (roll < input.RefundShare + input.CancelShare) (order.Status, cancels) = ("TRADE_CLOSED", cancels + 1);
                        else if (roll < input.RefundShare + input.CancelShare + input.AddressShare) (order.ReceiverAddress, addresses) = (order.ReceiverAddress + "（改）", addresses + 1);
                        else continue;
                        order.Modified = now;
                    }
            }
            return Results.Ok(new { refunds, cancels, addresses });
        });
        control.MapPost("/clock/advance", (int seconds, SandboxState state) =>
        {
            state.Clock.Advance(TimeSpan.FromSeconds(seconds));
            return Results.Ok(new { now = state.Clock.GetUtcNow() });
        });
        control.MapPost("/carriers/accounts", (CarrierAccountInput input, SandboxState state) =>
        {
            var carriers = state.Carriers;
            lock (carriers.Gate)
            {
                if (!carriers.Carriers.TryGetValue(input.Carrier, out var carrier)) return Results.NotFound(new { error = "carriers here: " + string.Join(", ", carriers.Carriers.Keys) });
                if (carriers.Accounts.TryGetValue(input.AppKey, out var held) && (held.Secret != input.AppSecret || held.Carrier != carrier.Code))
                    return Results.Conflict(new { error = "app key exists with another secret or carrier" });
                carriers.Accounts[input.AppKey] = new Carriers.CarrierAccount(carrier.Code, input.AppKey, input.AppSecret, input.CustomerCode, input.Balance);
            }
            return Results.Ok(new { input.Carrier, input.AppKey, input.Balance });
        });
        control.MapPost("/carriers/accounts/{appKey}", (string appKey, CarrierAccountChange change, SandboxState state) =>
        {
            lock (state.Carriers.Gate)
            {
                if (!state.Carriers.Accounts.TryGetValue(appKey, out var account)) return Results.NotFound();
                if (change.Balance is { } balance) account.Balance = balance;
                return Results.Ok(new { account.AppKey, account.Balance });
            }
        });
        control.MapPost("/carriers/{carrier}", (string carrier, CarrierChange change, SandboxState state) =>
        {
            lock (state.Carriers.Gate)
            {
                if (!state.Carriers.Carriers.TryGetValue(carrier, out var known)) return Results.NotFound();
                if (change.Suspended is { } suspended) { known.Suspended.Clear(); known.Suspended.UnionWith(suspended); }
                return Results.Ok(new { known.Code, suspended = known.Suspended });
            }
        });
        control.MapGet("/carriers/waybills", (string? carrier, SandboxState state) =>
        {
            lock (state.Carriers.Gate)
                return Results.Ok(state.Carriers.Issued.Values.Where(w => carrier == null || string.Equals(w.Carrier, carrier, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(w => w.At).ThenBy(w => w.TrackingNo, StringComparer.Ordinal).ToList());
        });
        control.MapGet("/calls", (SandboxState state) => Results.Ok(state.Calls.ToDictionary(c => c.Key, c => c.Value)));
        control.MapGet("/received", (string? platform, string? seller, SandboxState state) =>
            Results.Ok(state.Received.Where(r => (platform == null || r.Platform == platform) && (seller == null || r.Seller == seller)).ToList()));
    }

    private static IResult AddListings(SellerListings listings, ListingsInput input, Func<long> nextId)
    {
        if (input.Listings is not { Length: > 0 } given) return Results.BadRequest(new { error = "listings is empty" });
        var created = listings.Add(given, nextId);
        return Results.Ok(created.Select(l => new { itemId = SellerListings.Id(l.ItemId), skuId = l.SkuId == 0 ? "" : SellerListings.Id(l.SkuId), sellerCode = l.OuterId, l.Quantity }));
    }

    private static Jd.JdVendor? JdVendor(SandboxState state, string token)
    {
        lock (state.Jd.Gate) return state.Jd.Vendors.GetValueOrDefault(token);
    }

    private static Amazon.AmazonSeller? AmazonSeller(SandboxState state, string seller)
    {
        lock (state.Amazon.Gate) return state.Amazon.Sellers.Values.FirstOrDefault(s => s.SellerId == seller);
    }

    private static Ebay.EbaySeller? EbaySeller(SandboxState state, string seller)
    {
        lock (state.Ebay.Gate) return state.Ebay.Sellers.Values.FirstOrDefault(s => s.Name == seller);
    }

    private static Shopify.ShopifyStore? ShopifyStore(SandboxState state, string store)
    {
        lock (state.Shopify.Gate) return state.Shopify.Stores.GetValueOrDefault(store);
    }

    private static Douyin.DouyinShop? DouyinShop(SandboxState state, string token)
    {
        lock (state.Douyin.Gate) return state.Douyin.Shops.GetValueOrDefault(token);
    }

    private static TopSeller? Seller(SandboxState state, string session)
    {
        lock (state.Taobao.Gate) return state.Taobao.Sellers.GetValueOrDefault(session);
    }
}
