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
/// Issue 5's figure: ingest 100,000 orders from 10 sandbox shops (real HTTP on loopback, the platform's page sizes),
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
            var session = $"bench-session-{i}";
            (await control.PostAsJsonAsync(new Uri("/_sandbox/taobao/sellers", UriKind.Relative),
                new { appKey = "bench-app", appSecret = "bench-secret", session, nick = $"基准店{i}" }, ct)).EnsureSuccessStatusCode();
            (await control.PostAsJsonAsync(new Uri($"/_sandbox/taobao/sellers/{session}/orders", UriKind.Relative),
                new { count = perShop, from = now.AddMinutes(-170), to = now.AddMinutes(-2), sellerCodes = SellerCodes, seed = i }, ct))
                .EnsureSuccessStatusCode();
            await using var scope = host.Scope();
            var shop = await scope.ServiceProvider.GetRequiredService<ManageShops>()
                .CreateAsync(new ShopInput(i % 2 == 0 ? "Taobao" : "Tmall", $"CHB{i:D2}", $"渠道基准店{i}"), ct);
            var links = scope.ServiceProvider.GetRequiredService<ManageConnections>();
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(null, 300, now.AddHours(-3), new Uri(address, "/taobao/router/rest").ToString()), ct);
            await links.SetCredentialsAsync(shop.Id, new CredentialsInput(new() { ["app_key"] = "bench-app", ["app_secret"] = "bench-secret", ["session"] = session }), ct);
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
            var stored = await db.Set<PlatformOrder>().LongCountAsync(ct);
            if (stored != (long)perShop * Shops) throw new InvalidOperationException($"{stored} orders stored of {perShop * Shops}.");
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
