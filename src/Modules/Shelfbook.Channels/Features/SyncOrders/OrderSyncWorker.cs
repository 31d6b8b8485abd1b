using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Channels.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Channels.Features.SyncOrders;

/// <summary>
/// The channels' schedule on every app node: every few seconds it looks through the active tenants for shops whose next
/// sync is due and runs them, then the shops whose stock push is due; leases keep two nodes off the same shop. The
/// shipment confirmations have their own schedule (<see cref="ConfirmShipments.ConfirmationWorker"/>), so syncs never hold them up.
/// Off with <c>Channels:Sync:Enabled=false</c> (the tests run syncs themselves).
/// </summary>
public sealed class OrderSyncWorker(
    IServiceScopeFactory scopes, Databases databases, IConfiguration configuration, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<OrderSyncWorker> log)
    : TenantRoundsWorker(databases, time, lifetime, log)
{
    protected override string Name => "sync";

    protected override TimeSpan? Every => configuration.GetValue("Channels:Sync:Enabled", true)
        ? TimeSpan.FromSeconds(configuration.GetValue("Channels:Sync:PollSeconds", 5))
        : null;

    protected override async Task RunTenantAsync(TenantCode tenant, CancellationToken ct)
    {
        var now = Time.StoredUtcNow();
        List<Guid> due;
        await using (var db = Databases.OpenTenant(tenant, new SystemActor("sync"), Time))
            due = await db.Set<ShopConnection>().AsNoTracking()
                .Where(c => c.SyncEnabled && c.NextSyncAt != null && c.NextSyncAt <= now && (c.LeaseOwner == null || c.LeaseUntil < now))
                .OrderBy(c => c.NextSyncAt).Select(c => c.ShopId).Take(20).ToListAsync(ct);
        foreach (var shopId in due)
            await EachAsync("order sync", shopId, tenant, async () =>
            {
                await using var scope = scopes.ForTenant(tenant, "订单同步");
                var run = await scope.ServiceProvider.GetRequiredService<SyncShopOrders>().RunAsync(shopId, Node, ct);
                if (run.Error is { } error and not "leased") log.LogWarning("Order sync of shop {Shop} in {Tenant} stopped: {Error}", shopId, tenant.Value, error);
            }, ct);
        List<Guid> pushes;
        await using (var db = Databases.OpenTenant(tenant, new SystemActor("sync"), Time))
            pushes = await db.Set<ShopStockPush>().AsNoTracking()
                .Where(p => p.Enabled && p.NextPushAt != null && p.NextPushAt <= now && (p.LeaseOwner == null || p.LeaseUntil < now))
                .OrderBy(p => p.NextPushAt).Select(p => p.ShopId).Take(20).ToListAsync(ct);
        foreach (var shopId in pushes)
            await EachAsync("stock push", shopId, tenant, async () =>
            {
                await using var scope = scopes.ForTenant(tenant, "库存同步");
                var run = await scope.ServiceProvider.GetRequiredService<PushStock.PushStock>().RunAsync(shopId, Node, false, ct);
                if (run.Error is { } error and not "leased") log.LogWarning("Stock push of shop {Shop} in {Tenant} stopped: {Error}", shopId, tenant.Value, error);
            }, ct);
    }

    /// <summary>One shop's work; what goes wrong with it is logged and does not hold up the other shops.</summary>
    private async Task EachAsync(string work, Guid shopId, TenantCode tenant, Func<Task> run, CancellationToken ct)
    {
        try
        {
            await run();
        }
        // A cancellation other than the host stopping (a timeout inside) is one shop's failure like any other.
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogError(e, "The {Work} of shop {Shop} in {Tenant} failed", work, shopId, tenant.Value);
        }
    }
}
