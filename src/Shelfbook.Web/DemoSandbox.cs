using Microsoft.Extensions.Options;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.FetchListings;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.PushStock;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;
using Shelfbook.Sandbox;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Web;

/// <summary>
/// The demo's marketplaces (<c>Sandbox:Enabled</c>): the platform sandbox on a loopback port (<c>Sandbox:Url</c>) with a
/// seller for each demo shop — the catalog's Tmall shop TMALL-1 (with the listings its catalog knows) and a Pinduoduo,
/// Douyin, JD and Shopify shop it adds to the demo tenant. At each start it generates the last hour's orders and links
/// every demo shop that is not linked yet (credentials, order sync and stock push on; the new shops' listings fetched);
/// then a new order arrives on one of them every half minute or so, and now and then a buyer asks for a refund or
/// changes the address, so the pages move while one looks.
/// </summary>
public sealed class DemoSandbox(IConfiguration configuration, IServiceScopeFactory scopes, IOptions<DemoOptions> demo, IHostApplicationLifetime lifetime,
    ILogger<DemoSandbox> log) : BackgroundService
{
    public const string AppKey = "demo-tmall-app";
    public const string AppSecret = "demo-tmall-secret";
    public const string SessionKey = "demo-tmall-session";

    /// <summary>Seller codes of the demo catalog and its shop listings, and one the catalog does not know.</summary>
    private static readonly string[] SellerCodes = ["TEE-WHT-M", "TEE-WHT-L", "TEE-BLK-M", "TEE-BLK-M*2", "TEE-WHT-M-2PK", "T-GIFT"];

    /// <summary>A demo shop: its catalog shop, where its platform answers, its credentials, and how its seller gets orders.</summary>
    private sealed record DemoShop(
        string Code, string Name, ShopPlatform Platform, string Path, Dictionary<string, string?> Credentials, Func<GenerateOrders, DateTime, int> Generate,
        SellerListings Listings)
    {
        /// <summary>The Tmall seller (the first shop), whose buyers change their minds now and then.</summary>
        public TopSeller Seller { get; init; } = null!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read here, not when services are registered: a test host's settings are applied only when the host is built.
        if (!configuration.GetValue("Sandbox:Enabled", false)) return;
        var url = configuration["Sandbox:Url"] ?? "http://127.0.0.1:5081";
        await lifetime.WhenStartedAsync(stoppingToken);
        await using var sandbox = SandboxApp.Build(["--urls", url, "--Logging:LogLevel:Default=Warning"]);
        try
        {
            await sandbox.StartAsync(stoppingToken);
        }
        catch (IOException e)
        {
            log.LogWarning(e, "The demo sandbox could not listen on {Url}; the demo shops will not receive orders", url);
            return;
        }
        var state = sandbox.Services.GetRequiredService<SandboxState>();
        var shops = Register(state);
        var now = state.Clock.GetUtcNow().UtcDateTime;
        foreach (var shop in shops) shop.Generate(new GenerateOrders(shop.Platform == ShopPlatform.Tmall ? 40 : 12, now.AddMinutes(-55), now.AddMinutes(-6), SellerCodes), now);
        foreach (var shop in shops) await LinkShopAsync(shop, new Uri(new Uri(url), shop.Path), stoppingToken);
        await LinkCarriersAsync(state, new Uri(url), stoppingToken);

        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(random.Next(20, 45)), stoppingToken);
            now = state.Clock.GetUtcNow().UtcDateTime;
            var next = shops[random.Next(shops.Count)];
            next.Generate(new GenerateOrders(random.Next(1, 3), now.AddSeconds(-5), now, SellerCodes), now);
            if (random.NextDouble() < 0.3) Change(shops[0].Seller, random, now);
        }
    }

    /// <summary>The sellers of the demo shops, registered in the sandbox.</summary>
    private static List<DemoShop> Register(SandboxState state)
    {
        var seller = new TopSeller("山海天猫旗舰店", AppKey, SessionKey);
        lock (state.Taobao.Gate)
        {
            state.Taobao.Apps[AppKey] = new TopApp(AppKey, AppSecret);
            state.Taobao.Sellers[SessionKey] = seller;
        }
        // TMALL-1's listings as its catalog knows them (same ids), showing more than the shelf holds until the first push.
        seller.Listings.Add(
        [
            new SandboxListingInput("山海纯棉圆领T恤 白色", "TEE-WHT-M", "白色 M", 999, 5900, ItemId: 6001001, SkuId: 1),
            new SandboxListingInput("山海纯棉圆领T恤 白色", "TEE-WHT-L", "白色 L", 999, 5900, ItemId: 6001001, SkuId: 2),
            new SandboxListingInput("山海纯棉圆领T恤 白色", "TEE-BLK-M*2", "黑色 M ×2", 999, 10900, ItemId: 6001001, SkuId: 3),
            new SandboxListingInput("帆布托特包 大容量", null, null, 999, 9900, NoVariants: true, Barcode: "6970000000042", ItemId: 6002002),
            new SandboxListingInput("纯棉圆领T恤 买一送一", "T-GIFT", null, 999, 5900, NoVariants: true, ItemId: 6003003),
        ], state.Taobao.NextTid);
        var shops = new List<DemoShop>
        {
            new("TMALL-1", "山海天猫旗舰店", ShopPlatform.Tmall, "/taobao/router/rest",
                new() { ["app_key"] = AppKey, ["app_secret"] = AppSecret, ["session"] = SessionKey },
                (request, now) => TopGenerator.Generate(state.Taobao, seller, request, now).Count, seller.Listings) { Seller = seller },
        };

        var mall = new Sandbox.Pinduoduo.PddMall("山海拼多多店", "demo-pdd-client", "demo-pdd-token");
        lock (state.Pinduoduo.Gate)
        {
            state.Pinduoduo.Clients["demo-pdd-client"] = new Sandbox.Pinduoduo.PddClient("demo-pdd-client", "demo-pdd-secret");
            state.Pinduoduo.Malls[mall.AccessToken] = mall;
        }
        shops.Add(new("PDD-1", mall.Name, ShopPlatform.Pinduoduo, "/pinduoduo/api/router",
            new() { ["client_id"] = "demo-pdd-client", ["client_secret"] = "demo-pdd-secret", ["access_token"] = mall.AccessToken },
            (request, now) => Add(TopGenerator.Generate(state.Pinduoduo.NextId, request, now), mall.Listings, mall.Gate, mall.Orders, Sandbox.Pinduoduo.PddPlatform.OrderSn),
            mall.Listings));

        var douyin = new Sandbox.Douyin.DouyinShop("山海抖音小店", "demo-douyin-app", "demo-douyin-token");
        lock (state.Douyin.Gate)
        {
            state.Douyin.Apps["demo-douyin-app"] = new Sandbox.Douyin.DouyinApp("demo-douyin-app", "demo-douyin-secret");
            state.Douyin.Shops[douyin.AccessToken] = douyin;
        }
        shops.Add(new("DY-1", douyin.Name, ShopPlatform.Douyin, "/douyin",
            new() { ["app_key"] = "demo-douyin-app", ["app_secret"] = "demo-douyin-secret", ["access_token"] = douyin.AccessToken },
            (request, now) => Add(TopGenerator.Generate(state.Douyin.NextId, request, now), douyin.Listings, douyin.Gate, douyin.Orders, Sandbox.Douyin.DouyinPlatform.OrderId),
            douyin.Listings));

        var vendor = new Sandbox.Jd.JdVendor("山海京东自营店", "demo-jd-app", "demo-jd-token");
        lock (state.Jd.Gate)
        {
            state.Jd.Apps["demo-jd-app"] = new Sandbox.Jd.JdApp("demo-jd-app", "demo-jd-secret");
            state.Jd.Vendors[vendor.AccessToken] = vendor;
        }
        shops.Add(new("JD-1", vendor.Name, ShopPlatform.Jd, "/jd/routerjson",
            new() { ["app_key"] = "demo-jd-app", ["app_secret"] = "demo-jd-secret", ["access_token"] = vendor.AccessToken },
            (request, now) => Add(TopGenerator.Generate(state.Jd.NextId, request with { UnpaidShare = 0 }, now), vendor.Listings, vendor.Gate, vendor.Orders, Sandbox.Jd.JdGateway.OrderId),
            vendor.Listings));

        var store = new Sandbox.Shopify.ShopifyStore("shanhai-demo", "shpat_demo", 7_100_001, "USD");
        lock (state.Shopify.Gate) state.Shopify.Stores[store.Name] = store;
        shops.Add(new("SHOPIFY-1", "Shanhai US Store", ShopPlatform.Shopify, "/shopify/shanhai-demo",
            new() { ["access_token"] = store.AccessToken, ["location_id"] = "7100001" },
            (request, now) => Add(TopGenerator.Generate(state.Shopify.NextId, request with { Abroad = true }, now), store.Listings, store.Gate, store.Orders, o => o.Tid),
            store.Listings));

        // The new shops list the demo catalog's SKUs under their own ids (the Tmall shop's are its catalog's).
        foreach (var shop in shops.Skip(1))
            shop.Listings.Add(
            [
                new SandboxListingInput("纯棉圆领T恤", "TEE-WHT-M", "白色 M", 500, 5900), new SandboxListingInput("纯棉圆领T恤", "TEE-WHT-L", "白色 L", 500, 5900),
                new SandboxListingInput("纯棉圆领T恤", "TEE-BLK-M", "黑色 M", 500, 5900), new SandboxListingInput("帆布托特包", "BAG-CANVAS", "米白", 500, 9900),
            ], state.Taobao.NextTid);
        return shops;
    }

    private static int Add<TKey>(List<TopTrade> orders, SellerListings listings, object gate, Dictionary<TKey, TopTrade> held, Func<TopTrade, TKey> key) where TKey : notnull
    {
        listings.Dress(orders);
        lock (gate)
            foreach (var order in orders) held[key(order)] = order;
        return orders.Count;
    }

    /// <summary>A buyer asks for a refund or changes the address on a paid order.</summary>
    private static void Change(TopSeller seller, Random random, DateTime now)
    {
        lock (seller.Gate)
        {
            var paid = seller.Trades.Values.Where(t => t.Status == "WAIT_SELLER_SEND_GOODS").ToList();
            if (paid.Count == 0) return;
            var trade = paid[random.Next(paid.Count)];
            if (random.NextDouble() < 0.5) trade.Lines[0].RefundStatus = "WAIT_SELLER_AGREE";
            else trade.ReceiverAddress += "（改）";
            trade.Modified = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>
    /// The demo carriers' 电子面单 accounts in the sandbox (SF, ZTO, 4PX; the sandbox forgets them at each start) and, once,
    /// in the demo tenant with a sender address for each warehouse without one; accounts someone has set up are left alone.
    /// </summary>
    private async Task LinkCarriersAsync(SandboxState state, Uri sandbox, CancellationToken ct)
    {
        string[] codes = ["SF", "ZTO", "4PX"];
        lock (state.Carriers.Gate)
            foreach (var code in codes)
                state.Carriers.Accounts["demo-" + code] = new Sandbox.Carriers.CarrierAccount(code, "demo-" + code, "demo-secret-" + code, "DEMO-" + code, 100_000);
        try
        {
            await using var scope = scopes.ForTenant(TenantCode.Parse(demo.Value.Tenant), "演示沙箱");
            var db = scope.ServiceProvider.GetRequiredService<Shelfbook.Data.Tenancy.TenantDbContext>();
            var accounts = scope.ServiceProvider.GetRequiredService<Shelfbook.Logistics.Features.Waybills.ManageWaybillAccounts>();
            var held = (await accounts.ListAsync(ct)).Select(a => a.CarrierCode).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var carrier in Shelfbook.Logistics.Contracts.CarrierQueries.Summaries(db).Where(c => codes.Contains(c.Code)).ToList().Where(c => !held.Contains(c.Code)))
                await accounts.CreateAsync(new Shelfbook.Logistics.Features.Waybills.WaybillAccountInput(carrier.Id, new Uri(sandbox, $"/carriers/{carrier.Code}/api").ToString(),
                    "demo-" + carrier.Code, "demo-secret-" + carrier.Code, "DEMO-" + carrier.Code, true), ct);
            foreach (var sender in (await accounts.SendersAsync(ct)).Where(s => s.Name is null))
                await accounts.SetSenderAsync(sender.WarehouseId, new Shelfbook.Logistics.Features.Waybills.SenderInput("山海电商仓", "021-5555-0101", "上海市", "上海市", "青浦区",
                    "华新镇华腾路 1288 号 " + sender.WarehouseName), ct);
        }
        catch (Exception e) when (e is ShelfbookException or InvalidOperationException or FormatException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            log.LogInformation("The demo sandbox could not set up the carriers' waybill accounts: {Message}", e.Message);
        }
    }

    /// <summary>
    /// Links a demo shop to the sandbox once (adding the shop to the demo tenant's catalog if it is missing; the Tmall shop
    /// comes with the catalog's demo data); a shop someone has linked since is left alone.
    /// </summary>
    private async Task LinkShopAsync(DemoShop demoShop, Uri address, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.ForTenant(TenantCode.Parse(demo.Value.Tenant), "演示沙箱");
            var db = scope.ServiceProvider.GetRequiredService<Shelfbook.Data.Tenancy.TenantDbContext>();
            var shop = ShopQueries.Summaries(db).FirstOrDefault(s => s.Code == demoShop.Code);
            var added = false;
            if (shop is null)
            {
                if (demoShop.Platform == ShopPlatform.Tmall) return;
                var created = await scope.ServiceProvider.GetRequiredService<ManageShops>()
                    .CreateAsync(new Shelfbook.Catalog.Domain.ShopInput(demoShop.Platform.ToString(), demoShop.Code, demoShop.Name), ct);
                shop = new ShopSummary { Id = created.Id, Code = demoShop.Code, Platform = demoShop.Platform, Name = demoShop.Name, Active = true };
                added = true;
            }
            var links = scope.ServiceProvider.GetRequiredService<ManageConnections>();
            if ((await links.GetAsync(shop.Id, ct)).CredentialsSet.Count > 0) return;
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(null, 60, DateTime.UtcNow.AddHours(-1), address.ToString()), ct);
            await links.SetCredentialsAsync(shop.Id, new CredentialsInput(demoShop.Credentials), ct);
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(true, null, null, null), ct);
            if (added) await scope.ServiceProvider.GetRequiredService<FetchListings>().RunAsync(shop.Id, ct);
            await scope.ServiceProvider.GetRequiredService<PushStock>().ConfigureAsync(shop.Id, new StockPushSettings(true, null, null, null), ct);
            log.LogInformation("The demo shop {Shop} now syncs its orders and pushes its stock through the sandbox at {Address}", demoShop.Code, address);
        }
        catch (Exception e) when (e is ShelfbookException or InvalidOperationException or FormatException or Microsoft.EntityFrameworkCore.DbUpdateException
                                       or Shelfbook.Channels.Connectors.PlatformCallException)
        {
            // No demo tenant (turned off, or another installation): nothing to link.
            log.LogInformation("The demo sandbox could not link {Shop}: {Message}", demoShop.Code, e.Message);
        }
    }
}
