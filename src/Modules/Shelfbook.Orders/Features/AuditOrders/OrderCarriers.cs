using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.AuditOrders;

/// <summary>One SKU of an order to weigh: <see cref="Quantity"/> units of <see cref="SkuId"/>.</summary>
public readonly record struct ParcelItem(Guid OrderId, Guid SkuId, int Quantity);

/// <summary>
/// 物流选择 for orders that have their warehouse: each order's parcel weighed from its items (units × the SKU's weight and
/// volume), its service chosen by Logistics in one call, the choice taken by the order in memory and the estimates
/// returned for <see cref="WriteEstimatesAsync"/>. Audit and 改快递 both use it.
/// </summary>
public sealed class OrderCarriers(TenantDbContext db, IChooseCarriers carriers, ISkuDirectory skus)
{
    public async Task<List<OrderEstimate>> ChooseAsync(IReadOnlyList<Order> orders, IEnumerable<ParcelItem> items, DateTime now, CancellationToken ct)
    {
        if (orders.Count == 0) return [];
        var itemsOf = items.ToLookup(i => i.OrderId);
        var known = await skus.ByIdsAsync(orders.SelectMany(o => itemsOf[o.Id].Select(i => i.SkuId)).Distinct(), ct);
        var parcels = orders.Select(o =>
        {
            var (grams, volume) = (0L, 0L);
            foreach (var item in itemsOf[o.Id])
                if (known.TryGetValue(item.SkuId, out var sku)) (grams, volume) = (grams + (long)item.Quantity * sku.WeightGrams, volume + item.Quantity * sku.VolumeMm3);
            return new ParcelToShip(o.Id, o.WarehouseId!.Value, o.ShopId, o.Country, o.Province, o.Paid, grams, volume, o.CarrierFixed ? o.CarrierCode : null);
        }).ToList();
        var choices = await carriers.ChooseAsync(parcels, ct);
        var byOrder = orders.ToDictionary(o => o.Id);
        return parcels.Zip(choices, (parcel, choice) =>
        {
            byOrder[parcel.OrderId].ChooseCarrier(choice.CarrierCode, choice.ServiceId, choice.ChosenBy);
            return new OrderEstimate
            {
                OrderId = parcel.OrderId, WeightGrams = parcel.WeightGrams, VolumeMm3 = parcel.VolumeMm3, ChargeableGrams = choice.ChargeableGrams, Freight = choice.Freight,
                Currency = choice.Currency, ServiceName = choice.ServiceName, Problem = choice.Problem, At = now,
            };
        }).ToList();
    }

    /// <summary>The estimates replace any the orders had, through the bulk path (the caller's transaction).</summary>
    public async Task WriteEstimatesAsync(List<OrderEstimate> estimates, CancellationToken ct)
    {
        foreach (var chunk in estimates.Select(e => e.OrderId).Chunk(10_000))
            await db.Set<OrderEstimate>().Where(e => EF.Parameter(chunk).Contains(e.OrderId)).ExecuteDeleteAsync(ct);
        if (estimates.Count > 0) await db.BulkInsertAsync(estimates, ct);
    }
}
