using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Sandbox;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// Issue 5's figure: ingest 100,000 orders from 10 sandbox shops on three platforms (Taobao/Tmall, Pinduoduo, Douyin;
/// real HTTP on loopback, each platform's signing and page size),
/// all shops syncing at once, and where the time went: on the wire, parsing, storing. <c>--quick</c> runs a tenth.
/// The sandbox runs in this process, so its own work (generating pages, signing checks) shares the two cores.
/// </summary>
public static class ChannelsBench
{
    private const int Shops = 10;
    private static readonly string[] SellerCodes = ["INV000001", "INV000002", "INV000003"];

    public static async Task RunAsync(BenchHost host, bool quick, Action<string, double, string> report, CancellationToken ct)
    {
        var perShop = quick ? 1_000 : 10_000;
        await using var sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await sandbox.StartAsync(ct);
        var address = new Uri(sandbox.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var control = new HttpClient { BaseAddress = address };
        var now = DateTime.UtcNow;
        var shops = new List<Guid>();
        for (var i = 0; i < Shops; i++)
        {
            // Four Taobao/Tmall shops, three Pinduoduo, three Douyin: each platform's signing, paging and page size.
            var (platform, path, seller, credentials) = (i % 10) switch
            {
                < 4 => (i % 2 == 0 ? "Taobao" : "Tmall", "/taobao/router/rest", $"/_sandbox/taobao/sellers/bench-session-{i}",
                    new Dictionary<string, string?> { ["app_key"] = "bench-app", ["app_secret"] = "bench-secret", ["session"] = $"bench-session-{i}" }),
                < 7 => ("Pinduoduo", "/pinduoduo/api/router", $"/_sandbox/pinduoduo/malls/bench-token-{i}",
                    new Dictionary<string, string?> { ["client_id"] = "bench-client", ["client_secret"] = "bench-secret", ["access_token"] = $"bench-token-{i}" }),
                _ => ("Douyin", "/douyin", $"/_sandbox/douyin/shops/bench-douyin-{i}",
                    new Dictionary<string, string?> { ["app_key"] = "bench-douyin", ["app_secret"] = "bench-secret", ["access_token"] = $"bench-douyin-{i}" }),
            };
            object registration = platform switch
            {
                "Pinduoduo" => new { clientId = "bench-client", clientSecret = "bench-secret", accessToken = $"bench-token-{i}", mallName = $"基准店{i}" },
                "Douyin" => new { appKey = "bench-douyin", appSecret = "bench-secret", accessToken = $"bench-douyin-{i}", shopName = $"基准店{i}" },
                _ => new { appKey = "bench-app", appSecret = "bench-secret", session = $"bench-session-{i}", nick = $"基准店{i}" },
            };
            (await control.PostAsJsonAsync(new Uri(seller[..seller.LastIndexOf('/')], UriKind.Relative), registration, ct)).EnsureSuccessStatusCode();
            // Paid orders only (Pinduoduo does not list unpaid ones), all older than the longest lag (Pinduoduo's 3 minutes):
            // every shop must store exactly its count.
            (await control.PostAsJsonAsync(new Uri($"{seller}/orders", UriKind.Relative),
                new { count = perShop, from = now.AddMinutes(-170), to = now.AddMinutes(-5), sellerCodes = SellerCodes, seed = i, unpaidShare = 0.0, closedShare = 0.0 }, ct))
                .EnsureSuccessStatusCode();
            await using var scope = host.Scope();
            var shop = await scope.ServiceProvider.GetRequiredService<ManageShops>().CreateAsync(new ShopInput(platform, $"CHB{i:D2}", $"渠道基准店{i}"), ct);
            var links = scope.ServiceProvider.GetRequiredService<ManageConnections>();
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(null, 300, now.AddHours(-3), new Uri(address, path).ToString()), ct);
            await links.SetCredentialsAsync(shop.Id, new CredentialsInput(credentials), ct);
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(true, null, null, null), ct);
            shops.Add(shop.Id);
        }

        BenchHost.ResetPeak();
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(shops.Select(id => Task.Run(async () =>
        {
            await using var scope = host.Scope();
            return await scope.ServiceProvider.GetRequiredService<SyncShopOrders>().RunAsync(id, "bench", ct);
        }, ct)));
        clock.Stop();
        if (runs.FirstOrDefault(r => r.Error is not null) is { } failed) throw new InvalidOperationException($"A shop's sync failed: {failed.Error}");
        await using (var db = host.OpenTenant())
        {
            // This scenario's shops only: the orders scenario, run before it, stores its own platform orders.
            var stored = await db.Set<PlatformOrder>().LongCountAsync(o => shops.Contains(o.ShopId), ct);
            if (stored != (long)perShop * Shops)
            {
                var byShop = await db.Set<PlatformOrder>().Where(o => shops.Contains(o.ShopId)).GroupBy(o => o.ShopId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
                var quarantined = await db.Set<QuarantinedRecord>().CountAsync(ct);
                throw new InvalidOperationException($"{stored} orders stored of {perShop * Shops} ({quarantined} quarantined); per shop: "
                    + string.Join(", ", shops.Select((id, i) => $"{i}: {byShop.FirstOrDefault(b => b.Key == id)?.Count ?? 0}")));
            }
        }
        var (http, parse, store) = (runs.Sum(r => r.Http.TotalSeconds), runs.Sum(r => r.Parse.TotalSeconds), runs.Sum(r => r.Store.TotalSeconds));
        var busy = http + parse + store;
        report("channels.ingest.orders", perShop * Shops, "orders");
        report("channels.ingest.shops", Shops, "shops");
        report("channels.ingest.pages", runs.Sum(r => r.Pages), "pages");
        report("channels.ingest.seconds", clock.Elapsed.TotalSeconds, "s");
        report("channels.ingest.rate", perShop * Shops / clock.Elapsed.TotalSeconds, "orders/s");
        report("channels.ingest.share_http", http / busy * 100, "%");
        report("channels.ingest.share_parse", parse / busy * 100, "%");
        report("channels.ingest.share_store", store / busy * 100, "%");
        report("channels.ingest.peak_working_set", BenchHost.PeakMiB(), "MiB");
    }
}
