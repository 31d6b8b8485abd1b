using Microsoft.Extensions.Options;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;
using Shelfbook.Sandbox;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Web;

/// <summary>
/// The demo's marketplace (<c>Sandbox:Enabled</c>): the platform sandbox on a loopback port (<c>Sandbox:Url</c>), with a
/// Tmall seller for the demo tenant's shop TMALL-1 and its listings. At each start it generates the last hour's orders
/// and links the shop (credentials, order sync and stock push on) if it is not linked yet; then a new order arrives every half minute or so and now and
/// then a buyer asks for a refund or changes the address, so the platform order pages move while one looks.
/// </summary>
public sealed class DemoSandbox(IConfiguration configuration, IServiceScopeFactory scopes, IOptions<DemoOptions> demo, IHostApplicationLifetime lifetime,
    ILogger<DemoSandbox> log) : BackgroundService
{
    public const string AppKey = "demo-tmall-app";
    public const string AppSecret = "demo-tmall-secret";
    public const string SessionKey = "demo-tmall-session";

    /// <summary>Seller codes of the demo catalog and its shop listings, and one the catalog does not know.</summary>
    private static readonly string[] SellerCodes = ["TEE-WHT-M", "TEE-WHT-L", "TEE-BLK-M", "TEE-BLK-M*2", "TEE-WHT-M-2PK", "T-GIFT"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read here, not when services are registered: a test host's settings are applied only when the host is built.
        if (!configuration.GetValue("Sandbox:Enabled", false)) return;
        var url = configuration["Sandbox:Url"] ?? "http://127.0.0.1:5081";
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        await using var sandbox = SandboxApp.Build(["--urls", url, "--Logging:LogLevel:Default=Warning"]);
        try
        {
            await sandbox.StartAsync(stoppingToken);
        }
        catch (IOException e)
        {
            log.LogWarning(e, "The demo sandbox could not listen on {Url}; the demo shop will not receive orders", url);
            return;
        }
        var state = sandbox.Services.GetRequiredService<SandboxState>();
        var seller = new TopSeller("山海天猫旗舰店", AppKey, SessionKey);
        lock (state.Taobao.Gate)
        {
            state.Taobao.Apps[AppKey] = new TopApp(AppKey, AppSecret);
            state.Taobao.Sellers[SessionKey] = seller;
        }
        // The demo shop's listings as its catalog knows them (same ids), showing more than the shelf holds until the first push.
        seller.Listings.Add(
        [
            new SandboxListingInput("山海纯棉圆领T恤 白色", "TEE-WHT-M", "白色 M", 999, 5900, ItemId: 6001001, SkuId: 1),
            new SandboxListingInput("山海纯棉圆领T恤 白色", "TEE-WHT-L", "白色 L", 999, 5900, ItemId: 6001001, SkuId: 2),
            new SandboxListingInput("山海纯棉圆领T恤 白色", "TEE-BLK-M*2", "黑色 M ×2", 999, 10900, ItemId: 6001001, SkuId: 3),
            new SandboxListingInput("帆布托特包 大容量", null, null, 999, 9900, NoVariants: true, Barcode: "6970000000042", ItemId: 6002002),
            new SandboxListingInput("纯棉圆领T恤 买一送一", "T-GIFT", null, 999, 5900, NoVariants: true, ItemId: 6003003),
        ], state.Taobao.NextTid);
        var now = state.Clock.GetUtcNow().UtcDateTime;
        TopGenerator.Generate(state.Taobao, seller, new GenerateOrders(40, now.AddMinutes(-55), now.AddMinutes(-2), SellerCodes), now);
        await LinkShopAsync(new Uri(new Uri(url), "/taobao/router/rest"), stoppingToken);

        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(random.Next(20, 45)), stoppingToken);
            now = state.Clock.GetUtcNow().UtcDateTime;
            TopGenerator.Generate(state.Taobao, seller, new GenerateOrders(random.Next(1, 3), now.AddSeconds(-5), now, SellerCodes), now);
            if (random.NextDouble() < 0.3) Change(seller, random, now);
        }
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

    /// <summary>Links the demo tenant's TMALL-1 to the sandbox once; a shop someone has linked since is left alone.</summary>
    private async Task LinkShopAsync(Uri router, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.ForTenant(TenantCode.Parse(demo.Value.Tenant), "演示沙箱");
            var db = scope.ServiceProvider.GetRequiredService<Shelfbook.Data.Tenancy.TenantDbContext>();
            var shop = ShopQueries.Summaries(db).FirstOrDefault(s => s.Code == "TMALL-1");
            if (shop is null) return;
            var links = scope.ServiceProvider.GetRequiredService<ManageConnections>();
            var link = await links.GetAsync(shop.Id, ct);
            if (link.CredentialsSet.Count > 0) return;
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(null, 60, DateTime.UtcNow.AddHours(-1), router.ToString()), ct);
            await links.SetCredentialsAsync(shop.Id, new CredentialsInput(new() { ["app_key"] = AppKey, ["app_secret"] = AppSecret, ["session"] = SessionKey }), ct);
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(true, null, null, null), ct);
            await scope.ServiceProvider.GetRequiredService<Shelfbook.Channels.Features.PushStock.PushStock>()
                .ConfigureAsync(shop.Id, new StockPushSettings(true, null, null, null), ct);
            log.LogInformation("The demo shop TMALL-1 now syncs its orders and pushes its stock through the sandbox at {Router}", router);
        }
        catch (Exception e) when (e is ShelfbookException or InvalidOperationException or FormatException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // No demo tenant (turned off, or another installation): nothing to link.
            log.LogInformation("The demo sandbox found no demo shop to link: {Message}", e.Message);
        }
    }
}
