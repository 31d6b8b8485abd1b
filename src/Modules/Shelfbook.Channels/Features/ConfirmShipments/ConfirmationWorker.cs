using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Channels.Features.ConfirmShipments;

/// <summary>
/// Sends the due shipment confirmations (回传) of every active tenant every <c>Channels:WriteBack:PollSeconds</c> (5), on its
/// own schedule: a round of order syncs (each shop up to two minutes of catch-up) never holds up the tracking numbers
/// the platforms are waiting for. Leases on the rows keep two nodes off the same row. Off with <c>Channels:Sync:Enabled=false</c>,
/// like the sync (the tests send themselves).
/// </summary>
public sealed class ConfirmationWorker(
    IServiceScopeFactory scopes, Databases databases, IConfiguration configuration, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ConfirmationWorker> log)
    : TenantRoundsWorker(databases, time, lifetime, log)
{
    private const int Batch = 5 * SendConfirmations.Round;

    protected override string Name => "write-back";

    protected override TimeSpan? Every => configuration.GetValue("Channels:Sync:Enabled", true)
        ? TimeSpan.FromSeconds(configuration.GetValue("Channels:WriteBack:PollSeconds", configuration.GetValue("Channels:Sync:PollSeconds", 5)))
        : null;

    protected override async Task RunTenantAsync(TenantCode tenant, CancellationToken ct)
    {
        await using var scope = scopes.ForTenant(tenant, "回传");
        // Call after call while the rows keep coming (a day's parcels shipped at once), for at most half a minute before the
        // next tenant's turn.
        var send = scope.ServiceProvider.GetRequiredService<SendConfirmations>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SendRun sent;
        var rejected = 0;
        do
        {
            sent = await send.SendDueAsync(Node, Batch, ct);
            rejected += sent.Rejected;
        }
        while (sent.Sent >= Batch && clock.Elapsed < TimeSpan.FromSeconds(30) && !ct.IsCancellationRequested);
        if (rejected > 0) log.LogWarning("{Count} shipment confirmation(s) of {Tenant} were refused by their platform", rejected, tenant.Value);
    }
}
