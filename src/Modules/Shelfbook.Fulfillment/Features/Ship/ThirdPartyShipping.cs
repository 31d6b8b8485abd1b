using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Ship;

/// <summary>
/// 第三方仓发货: a third-party warehouse's shipment report (Inventory's quick outbound, by file or API) ships the orders
/// it completes — in the report's transaction, the order moves to 已发货 with the reported tracking number and its
/// carrier, a parcel is recorded (mode <see cref="ShipMode.ThirdParty"/>), and every platform order behind it is queued
/// for confirmation as in 简易发货. An order only partly reported, not shippable (held, say) or shipped already is left
/// as it is and named. A number another parcel has is not given to a second one (a 3PL that put two orders in one box):
/// that order ships without a parcel number and its write-back is left for a person.
/// </summary>
public sealed class ThirdPartyShipping(TenantDbContext db, IShipOrders orders, IConfirmShipments confirmations, CurrentUser user) : IThirdPartyShipmentListener
{
    public async Task<IReadOnlyList<ThirdPartyShipNote>> ShippedAsync(IReadOnlyList<ThirdPartyShipment> shipments, CancellationToken ct)
    {
        var notes = new List<ThirdPartyShipNote>();
        foreach (var partial in shipments.Where(s => !s.Complete))
            notes.Add(new ThirdPartyShipNote(partial.OrderId, partial.OrderNo, false, "parcel.partial",
                $"Part of order {partial.OrderNo}'s goods went out; it ships when the rest is reported."));
        var complete = shipments.Where(s => s.Complete).ToList();
        if (complete.Count == 0) return notes;

        var found = (await orders.FindAsync(complete.Select(s => s.OrderId).ToList(), null, ct)).ToDictionary(o => o.OrderId);
        var hasParcel = new HashSet<Guid>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in complete.Chunk(5_000))
        {
            var ids = chunk.Select(s => s.OrderId).ToList();
            hasParcel.UnionWith(await db.Set<Parcel>().Where(p => EF.Parameter(ids).Contains(p.OrderId)).Select(p => p.OrderId).ToListAsync(ct));
            var numbers = chunk.Select(s => s.TrackingNo).OfType<string>().ToList();
            taken.UnionWith(await db.Set<Parcel>().Where(p => p.TrackingNo != null && EF.Parameter(numbers).Contains(p.TrackingNo)).Select(p => p.TrackingNo!).ToListAsync(ct));
        }

        var going = new List<(ThirdPartyShipment Shipment, OrderToShip Order, string? Tracking, string? Problem)>();
        foreach (var s in complete)
        {
            if (!found.TryGetValue(s.OrderId, out var order))
                notes.Add(new ThirdPartyShipNote(s.OrderId, s.OrderNo, false, "order.not_found", $"No order {s.OrderNo}."));
            else if (order.Shipped || hasParcel.Contains(s.OrderId))
                notes.Add(new ThirdPartyShipNote(s.OrderId, s.OrderNo, false, "order.already_shipped", $"Order {s.OrderNo} has shipped already."));
            else if (!order.Shippable)
                notes.Add(new ThirdPartyShipNote(s.OrderId, s.OrderNo, false, "order.not_shippable",
                    $"Order {s.OrderNo} is {order.Status}: its goods went out, but it is not marked shipped; release or cancel it by hand."));
            else if (s.TrackingNo is { } number && !taken.Add(number))
                going.Add((s, order, null, $"Tracking number {number} is another parcel's (two orders in one box?): confirm this order by hand."));
            else going.Add((s, order, s.TrackingNo, s.TrackingNo is null ? "The report gave no tracking number: confirm this order by hand." : null));
        }
        if (going.Count == 0) return notes;

        var (queued, problems) = await ShipParcels.QueueWriteBacksAsync(confirmations,
            going.Where(g => g.Tracking is not null).Select(g => (g.Order, g.Tracking, g.Order.CarrierCode)).ToList(), ct);
        // Nothing to confirm for an order without platform orders (offline, reissue): its missing number is no problem.
        foreach (var g in going.Where(g => g.Problem is not null && g.Order.Targets.Count > 0))
        {
            if (!problems.TryGetValue(g.Order.OrderId, out var list)) problems[g.Order.OrderId] = list = [];
            list.Insert(0, g.Problem!);
        }
        var now = db.Time.StoredUtcNow();
        var parcels = going.Select(g => new Parcel
        {
            OrderId = g.Order.OrderId, OrderNo = g.Order.OrderNo, WarehouseId = g.Shipment.WarehouseId, CarrierCode = g.Order.CarrierCode, TrackingNo = g.Tracking,
            Mode = ShipMode.ThirdParty, ShippedAt = now, CompletedAt = now, ShippedById = user.UserId, ShippedBy = user.UserName,
            WriteBack = problems.ContainsKey(g.Order.OrderId) ? WriteBackState.Failed
                : queued.Contains(g.Order.OrderId) ? WriteBackState.Queued : WriteBackState.NotNeeded,
            WriteBackProblem = problems.TryGetValue(g.Order.OrderId, out var p) ? ShipParcels.Cut(string.Join("; ", p)) : null,
        }).ToList();
        await db.BulkInsertAsync(parcels, ct);
        await orders.MarkShippedAsync(going.Select(g => new OrderShipped(g.Order.OrderId, g.Shipment.TrackingNo, g.Order.CarrierCode, nameof(ShipMode.ThirdParty))).ToList(), ct);
        notes.AddRange(going.Zip(parcels).Select(x => new ThirdPartyShipNote(x.First.Order.OrderId, x.First.Order.OrderNo, true,
            x.Second.WriteBack == WriteBackState.Failed ? "write_back.Failed" : null, x.Second.WriteBackProblem)));
        return notes;
    }
}
