using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Tenancy;

/// <summary>
/// A schedule on every app node: once the host has started (start-up migrates the databases first), every
/// <see cref="Every"/> it runs <see cref="RunTenantAsync"/> for each active tenant. One tenant's trouble (its database
/// unreachable) is logged and does not stop the others'; a failed round is logged and the next one comes.
/// </summary>
public abstract class TenantRoundsWorker(Databases databases, TimeProvider time, IHostApplicationLifetime lifetime, ILogger log) : BackgroundService
{
    protected Databases Databases { get; } = databases;

    protected TimeProvider Time { get; } = time;

    /// <summary>This process, unique across nodes and restarts: the owner of the leases it takes (at most 64 characters).</summary>
    protected string Node { get; } = NewNode();

    private static string NewNode()
    {
        var node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        return node.Length > 64 ? node[^64..] : node;
    }

    /// <summary>The schedule's name in the logs and as the system actor that lists the tenants.</summary>
    protected abstract string Name { get; }

    /// <summary>How often a round starts; null turns the schedule off (the tests run the work themselves).</summary>
    protected abstract TimeSpan? Every { get; }

    protected abstract Task RunTenantAsync(TenantCode tenant, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Every is not { } every) return;
        await lifetime.WhenStartedAsync(stoppingToken);
        using var timer = new PeriodicTimer(every, Time);
        do
        {
            List<string> tenants;
            try
            {
                await using var control = Databases.OpenControl(new SystemActor(Name), Time);
                tenants = await control.Tenants.AsNoTracking().Where(t => t.Active).Select(t => t.Code).ToListAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "The {Schedule} round could not list the tenants", Name);
                continue;
            }
            foreach (var code in tenants)
                try
                {
                    await RunTenantAsync(TenantCode.Parse(code), stoppingToken);
                }
                // Anything but the host stopping, a cancellation too (a timeout inside the round): a worker whose ExecuteAsync ended
                // in an OperationCanceledException would stop for good without a word, the host taking it for a normal stop.
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogError(e, "The {Schedule} round of tenant {Tenant} failed", Name, code);
                }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class HostLifetimes
{
    /// <summary>Waits until the host has started (or the token is cancelled).</summary>
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(ct);
    }
}
