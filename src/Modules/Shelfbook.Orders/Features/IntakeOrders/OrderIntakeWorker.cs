using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.IntakeOrders;

/// <summary>
/// Takes in new platform orders of every active tenant every <c>Orders:Intake:IntervalSeconds</c> (15), a few batches a
/// round, on every app node (the source key keeps two nodes from taking one order twice), after releasing the held orders
/// whose release time came, then lets the audit rules look
/// at the new orders, matches the unmatched orders again and audits again the out-of-stock orders stock arrived for. Off with
/// <c>Orders:Intake:Enabled=false</c> (the tests take orders in themselves).
/// </summary>
public sealed class OrderIntakeWorker(
    IServiceScopeFactory scopes, Databases databases, IConfiguration configuration, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<OrderIntakeWorker> log)
    : TenantRoundsWorker(databases, time, lifetime, log)
{
    protected override string Name => "intake";

    protected override TimeSpan? Every => configuration.GetValue("Orders:Intake:Enabled", true)
        ? TimeSpan.FromSeconds(configuration.GetValue("Orders:Intake:IntervalSeconds", 15))
        : null;

    protected override async Task RunTenantAsync(TenantCode tenant, CancellationToken ct)
    {
        await using var scope = scopes.ForTenant(tenant, "订单接入");
        // Held orders whose release time has come (presale goods whose day came, holds set until a time) go back first.
        var due = await scope.ServiceProvider.GetRequiredService<ChangeOrders.ChangeOrders>().ReleaseDueAsync(ChangeOrders.ChangeOrders.MaxSelection * 10, ct);
        if (due > 0) log.LogInformation("Released {Count} held orders of {Tenant} whose release time came", due, tenant.Value);
        var run = await scope.ServiceProvider.GetRequiredService<IntakeOrders>().RunAsync(IntakeOrders.Batch * 5, ct);
        if (run.TakenIn > 0) log.LogInformation("Took in {Count} orders of {Tenant}", run.TakenIn, tenant.Value);
        // Refunds, cancellations and new addresses from the platforms come before the rules, so nothing refunded is audited.
        var changed = await scope.ServiceProvider.GetRequiredService<PlatformChanges.ApplyPlatformChanges>().RunAsync(PlatformChanges.ApplyPlatformChanges.Batch * 5, ct);
        if (changed.Intercepted + changed.Cancelled > 0)
            log.LogInformation("Platform changes intercepted {Intercepted} and cancelled {Cancelled} orders of {Tenant}", changed.Intercepted, changed.Cancelled, tenant.Value);
        // The audit rules look at what arrived (and audit what they may); unmatched orders are matched again (the catalog
        // may have learnt the code); out-of-stock orders that stock has arrived for are audited again, oldest payment first.
        var ruled = await scope.ServiceProvider.GetRequiredService<AuditRules.ApplyAuditRules>().ApplyArrivedAsync(AuditRules.ApplyAuditRules.Batch, ct);
        if (ruled.Matched > 0)
            log.LogInformation("Audit rules matched {Count} orders of {Tenant} ({Audited} audited automatically)", ruled.Matched, tenant.Value, ruled.AutoAudited);
        var matched = await scope.ServiceProvider.GetRequiredService<ResolveExceptions.ResolveExceptions>().ReResolveWaitingAsync(1000, ct);
        if (matched > 0) log.LogInformation("Matched {Count} orders of {Tenant} again", matched, tenant.Value);
        var retried = await scope.ServiceProvider.GetRequiredService<AuditOrders.AuditOrders>().RetryOutOfStockAsync(AuditOrders.AuditOrders.JobChunk, ct);
        if (retried.Audited > 0) log.LogInformation("Audited {Count} out-of-stock orders of {Tenant} once stock arrived", retried.Audited, tenant.Value);
    }
}
