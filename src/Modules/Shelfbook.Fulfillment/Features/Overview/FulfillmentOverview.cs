using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Overview;

/// <summary>A carrier's parcels of the day: how many, and the weight the scale read (of those weighed).</summary>
public sealed record CarrierCount(string? CarrierCode, int Parcels, long WeighedGrams);

/// <summary>
/// One warehouse's hour-by-hour numbers: orders waiting for a wave, in waves, held back or stopped there; waves being
/// picked; parcels shipped today (on the tenant's clock) by carrier; today's write-backs that failed.
/// </summary>
public sealed record WarehouseOverview(
    Guid WarehouseId, string Code, string Name, int WaitingForWave, int InWaves, int Held, int Intercepted, int WavesPicking, int ParcelsToday,
    long WeighedGramsToday, int WriteBackFailedToday, IReadOnlyList<CarrierCount> Carriers);

/// <summary>发货看板: the numbers a warehouse lead checks every hour, for every warehouse that ships orders itself.</summary>
public sealed class FulfillmentOverview(TenantDbContext db, IShipOrders orders, CurrentUser user)
{
    public async Task<IReadOnlyList<WarehouseOverview>> GetAsync(CancellationToken ct)
    {
        var warehouses = await WarehouseQueries.Summaries(db).Where(w => w.Active && w.ShipsOrdersItself).OrderBy(w => w.Code).ToListAsync(ct);
        var stages = await orders.CountByStageAsync(ct);
        var today = TenantTime.StartOfToday(db.Time, user.TimeZone);
        var picking = await db.Set<Wave>().Where(w => w.Status == WaveStatus.Picking).GroupBy(w => w.WarehouseId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var parcels = await db.Set<Parcel>().Where(p => p.ShippedAt >= today && p.WarehouseId != null)
            .GroupBy(p => new { p.WarehouseId, p.CarrierCode })
            .Select(g => new { g.Key.WarehouseId, g.Key.CarrierCode, Count = g.Count(), Grams = g.Sum(p => (long?)p.WeightGrams) ?? 0, Failed = g.Count(p => p.WriteBack == WriteBackState.Failed) })
            .ToListAsync(ct);
        return warehouses.Select(w =>
        {
            var mine = parcels.Where(p => p.WarehouseId == w.Id).ToList();
            int Stage(string status) => stages.GetValueOrDefault((w.Id, status));
            return new WarehouseOverview(w.Id, w.Code, w.Name, Stage("Audited"), Stage("InFulfillment"), Stage("Held"), Stage("Intercepted"),
                picking.GetValueOrDefault(w.Id), mine.Sum(p => p.Count), mine.Sum(p => p.Grams), mine.Sum(p => p.Failed),
                mine.OrderByDescending(p => p.Count).Select(p => new CarrierCount(p.CarrierCode, p.Count, p.Grams)).ToList());
        }).ToList();
    }
}
