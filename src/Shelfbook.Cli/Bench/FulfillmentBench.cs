using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Channels.Domain;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// Issue 7's figures: a wave of 10,000 orders built and its pick list read; 1,000 of its labels rendered into one PDF;
/// then 100,000 audited orders (those of the
/// orders scenario, topped up the same way until 100,000 hold their stock) shipped in 简易发货 with their tracking numbers given, in
/// one call — stock consumed, orders shipped, write-back queued for every platform order — and the ledger verified.
/// <c>--quick</c> does a tenth.
/// </summary>
public static class FulfillmentBench
{
    public static async Task RunAsync(BenchHost host, bool quick, Action<string, double, string> report, CancellationToken ct)
    {
        var orderCount = quick ? 10_000 : 100_000;
        // The bar is for 100,000 orders (10,000 quick) shipped at once: platform orders are made and audited until that
        // many hold their stock (some of each batch are out of stock or name unknown codes).
        var orders = await ShippableAsync(host, orderCount, ct);
        for (var round = 0; orders.Count < orderCount && round < 4; round++)
        {
            await OrdersBench.MoreAuditedAsync(host, quick, (orderCount - orders.Count) * 5 / 4 + 100, ct);
            orders = await ShippableAsync(host, orderCount, ct);
        }
        if (orders.Count == 0) throw new InvalidOperationException("No audited order to ship.");

        // The shops are linked (credentials stored), so every parcel's write-back is queued rather than refused.
        await using (var db = host.OpenTenant())
        {
            var shops = await db.Set<Order>().Where(o => o.ShopId != null).Select(o => o.ShopId!.Value).Distinct().ToListAsync(ct);
            var linked = await db.Set<ShopConnection>().Select(c => c.ShopId).ToListAsync(ct);
            var now = DateTime.UtcNow;
            foreach (var shop in shops.Except(linked))
            {
                var connection = ShopConnection.Create(shop, now);
                connection.SetCredentials(["app_key"], "bench-credentials", now);
                db.Add(connection);
            }
            await db.SaveChangesAsync(ct);
        }

        // A wave of up to 10,000 (1,000 quick) multi-item orders of the busiest warehouse, and its pick list.
        Guid busiest;
        await using (var db = host.OpenTenant())
            busiest = (await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited && o.WarehouseId != null).GroupBy(o => o.WarehouseId)
                .Select(g => new { g.Key, Count = g.Count() }).OrderByDescending(g => g.Count).FirstAsync(ct)).Key!.Value;
        var watch = Stopwatch.StartNew();
        WaveView wave;
        await using (var scope = host.Scope())
            wave = await scope.ServiceProvider.GetRequiredService<Waves>().BuildAsync(new WaveRequest(busiest, "MultiItem", quick ? 1_000 : Wave.MaxOrders), ct);
        var built = watch.Elapsed.TotalSeconds;
        WaveDetail detail;
        await using (var scope = host.Scope())
            detail = await scope.ServiceProvider.GetRequiredService<Waves>().GetAsync(wave.Id, ct);
        watch.Stop();
        report("fulfillment.wave.orders", wave.OrderCount, "orders");
        report("fulfillment.wave.build_seconds", built, "s");
        report("fulfillment.wave.pick_list_lines", detail.PickList.Count, "lines");
        report("fulfillment.wave.pick_list_seconds", watch.Elapsed.TotalSeconds - built, "s");
        report("fulfillment.wave.seconds", watch.Elapsed.TotalSeconds, "s");
        if (detail.PickList.Sum(l => l.Quantity) != wave.Units) throw new InvalidOperationException("The pick list does not add up to the wave's units.");

        // 1,000 labels (100 quick) of the wave's orders, in slot order, into one PDF: the numbers written as a carrier
        // would have issued them (the carriers' round trips are not this figure), the warehouse's sender set.
        var labelled = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var db = host.OpenTenant())
        {
            var members = await db.Set<WaveOrder>().Where(o => o.WaveId == wave.Id).OrderBy(o => o.Slot).Take(quick ? 100 : 1_000)
                .Select(o => new { o.OrderId, o.OrderNo }).ToListAsync(ct);
            var now = DateTime.UtcNow;
            db.AddRange(members.Select((m, i) => new Waybill
            {
                OrderId = m.OrderId, OrderNo = m.OrderNo, WarehouseId = busiest, CarrierCode = "ZTO", Reference = m.OrderNo + "-1", TrackingNo = $"LB{i:D10}",
                Status = WaybillStatus.Active, RequestedAt = now, IssuedAt = now,
            }));
            if (!await db.Set<Shelfbook.Logistics.Domain.SenderAddress>().AnyAsync(a => a.WarehouseId == busiest, ct))
                db.Add(new Shelfbook.Logistics.Domain.SenderAddress
                {
                    WarehouseId = busiest, Name = "山海电商仓", Phone = "021-5555-0101", Province = "上海市", City = "上海市", District = "青浦区", Address = "华新镇华腾路 1288 号", UpdatedAt = now,
                });
            await db.SaveChangesAsync(ct);
            for (var i = 0; i < members.Count; i++) labelled[members[i].OrderNo] = $"LB{i:D10}";
            watch.Restart();
            Shelfbook.Fulfillment.Features.Printing.PrintedLabels printed;
            await using (var scope = host.Scope())
                printed = await scope.ServiceProvider.GetRequiredService<Shelfbook.Fulfillment.Features.Printing.PrintLabels>()
                    .LabelsAsync(new Shelfbook.Fulfillment.Features.Printing.PrintLabelsRequest(OrderIds: members.Select(m => m.OrderId).ToList()), ct);
            watch.Stop();
            report("fulfillment.labels.count", printed.Printed, "labels");
            report("fulfillment.labels.seconds", watch.Elapsed.TotalSeconds, "s");
            report("fulfillment.labels.pdf_size", printed.Pdf.Length / 1024.0 / 1024.0, "MiB");
            if (printed.Printed != members.Count) throw new InvalidOperationException($"{printed.Printed} labels printed of {members.Count}: {string.Join("; ", printed.Skipped.Take(3))}");
        }

        var rows = orders.Select((o, i) => new ShipRow(o.OrderNo, labelled.GetValueOrDefault(o.OrderNo) ?? $"BT{i:D10}", o.CarrierCode ?? "ZTO")).ToList();
        BenchHost.ResetPeak();
        var clock = Stopwatch.StartNew();
        ShipRun run;
        await using (var scope = host.Scope())
            run = await scope.ServiceProvider.GetRequiredService<ShipParcels>().ShipAsync(new ShipRequest("Simple", rows), ct);
        clock.Stop();
        report("fulfillment.ship.orders", run.Shipped, "orders");
        report("fulfillment.ship.skipped", run.Skipped, "orders");
        report("fulfillment.ship.seconds", clock.Elapsed.TotalSeconds, "s");
        report("fulfillment.ship.rate", run.Shipped / clock.Elapsed.TotalSeconds, "orders/s");
        report("fulfillment.ship.peak_working_set", BenchHost.PeakMiB(), "MiB");
        if (run.Shipped != orders.Count) throw new InvalidOperationException($"Shipped {run.Shipped} of {orders.Count}: " + run.Results.First(r => !r.Shipped).Message);
        await using (var db = host.OpenTenant())
        {
            var queued = await db.Set<ShipmentConfirmation>().CountAsync(c => c.TrackingNo.StartsWith("BT") || c.TrackingNo.StartsWith("LB"), ct);
            report("fulfillment.ship.write_backs_queued", queued, "confirmations");
            if (queued < run.Shipped) throw new InvalidOperationException($"{queued} write-backs queued for {run.Shipped} parcels.");
            var drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct);
            report("fulfillment.verify.drifts", drifts.Count, "drifts");
            if (drifts.Count > 0) throw new InvalidOperationException("The ledger drifted: " + drifts[0]);
        }
    }

    /// <summary>Audited orders that hold stock (the list scenario's extra rows have no goods), at most <paramref name="max"/>.</summary>
    private static async Task<List<(string OrderNo, string? CarrierCode)>> ShippableAsync(BenchHost host, int max, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        var withGoods = db.Set<OrderItem>().Select(i => i.OrderId);
        return (await db.Set<Order>().Where(o => (o.Status == OrderStatus.Audited || o.Status == OrderStatus.InFulfillment) && withGoods.Contains(o.Id)).OrderBy(o => o.OrderNo).Take(max)
            .Select(o => new { o.OrderNo, o.CarrierCode }).ToListAsync(ct)).Select(o => (o.OrderNo, o.CarrierCode)).ToList();
    }
}
