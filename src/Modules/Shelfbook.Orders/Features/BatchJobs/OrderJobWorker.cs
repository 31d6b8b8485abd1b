using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.BatchJobs;

/// <summary>
/// Runs the batch jobs of every active tenant on every app node, every <c>Orders:Jobs:PollSeconds</c> (2): each runnable
/// job for up to a minute a round, under its lease (two nodes never run one job at once; a node that dies leaves a
/// lease that runs out, and the next round anywhere goes on). The order log names the job's maker. Off with
/// <c>Orders:Jobs:Enabled=false</c> (the tests run jobs themselves).
/// </summary>
public sealed class OrderJobWorker(
    IServiceScopeFactory scopes, Databases databases, IConfiguration configuration, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<OrderJobWorker> log)
    : TenantRoundsWorker(databases, time, lifetime, log)
{
    protected override string Name => "order jobs";

    protected override TimeSpan? Every => configuration.GetValue("Orders:Jobs:Enabled", true)
        ? TimeSpan.FromSeconds(configuration.GetValue("Orders:Jobs:PollSeconds", 2))
        : null;

    protected override async Task RunTenantAsync(TenantCode tenant, CancellationToken ct)
    {
        IReadOnlyList<(Guid Id, string CreatedBy)> jobs;
        await using (var scope = scopes.ForTenant(tenant, "批量处理"))
            jobs = await scope.ServiceProvider.GetRequiredService<OrderJobs>().RunnableAsync(ct);
        foreach (var (id, createdBy) in jobs)
        {
            await using var scope = scopes.ForTenant(tenant, $"{createdBy}（批量处理）");
            var job = await scope.ServiceProvider.GetRequiredService<OrderJobs>().RunAsync(id, Node, TimeSpan.FromMinutes(1), null, ct);
            if (job.State == Domain.JobState.Finished)
                log.LogInformation("Batch job {Job} of {Tenant} finished: {Done} done, {Skipped} skipped, {Failed} failed", id, tenant.Value, job.Done, job.Skipped, job.Failed);
        }
    }
}
