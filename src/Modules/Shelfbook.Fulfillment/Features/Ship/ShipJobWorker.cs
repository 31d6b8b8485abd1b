using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Ship;

/// <summary>
/// Runs every active tenant's ship jobs on every app node, every <c>Fulfillment:Jobs:PollSeconds</c> (2), each for up to
/// a minute a round under its lease. Off with <c>Fulfillment:Jobs:Enabled=false</c> (the tests run jobs themselves).
/// </summary>
public sealed class ShipJobWorker(
    IServiceScopeFactory scopes, Databases databases, IConfiguration configuration, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ShipJobWorker> log)
    : TenantRoundsWorker(databases, time, lifetime, log)
{
    protected override string Name => "ship jobs";

    protected override TimeSpan? Every => configuration.GetValue("Fulfillment:Jobs:Enabled", true)
        ? TimeSpan.FromSeconds(configuration.GetValue("Fulfillment:Jobs:PollSeconds", 2))
        : null;

    protected override async Task RunTenantAsync(TenantCode tenant, CancellationToken ct)
    {
        IReadOnlyList<(Guid Id, string CreatedBy)> jobs;
        await using (var scope = scopes.ForTenant(tenant, "批量发货"))
            jobs = await scope.ServiceProvider.GetRequiredService<ShipJobs>().RunnableAsync(ct);
        foreach (var (id, createdBy) in jobs)
        {
            // The actor's name goes into columns of 100 characters.
            await using var scope = scopes.ForTenant(tenant, $"{(createdBy.Length > 90 ? createdBy[..90] : createdBy)}（批量发货）");
            var job = await scope.ServiceProvider.GetRequiredService<ShipJobs>().RunAsync(id, Node, TimeSpan.FromMinutes(1), null, ct);
            if (job.State == Domain.ShipJobState.Finished)
                log.LogInformation("Ship job {Job} of {Tenant} finished: {Shipped} shipped, {Skipped} skipped, {Failed} failed", id, tenant.Value, job.Shipped, job.Skipped, job.Failed);
        }
    }
}
