using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Catalog.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Inventory.Features.Stocktakes;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// Issue 8's concurrency sweep: 2, 4, 8 and 16 workers at once, each doing what a busy day does to the same scarce stock
/// — auditing (allocation and reservation), shipping, cancelling orders, receiving stock and counting it (a stocktake
/// started, counted and posted) — for a while at each level, on one warehouse of 60 SKUs with little stock and
/// skewed demand. A write that lost a race (a concurrency conflict, a busy or deadlocked database, stock that changed
/// under a reservation) is an abort and is tried again; a refusal (out of stock, an order no longer in the state the
/// action needs) is the business saying no. After each level: no unit oversold (no balance below zero), the ledger
/// verified with no drift, and the abort rate reported. <c>--quick</c> runs each level for 3 s instead of 15.
/// </summary>
public static class SweepBench
{
    private static readonly int[] Levels = [2, 4, 8, 16];
    private const int SkuCount = 60;
    private const int Retries = 8;

    private sealed class Tally
    {
        public int Done;
        public int Aborts;
        public int Refused;
        public int GaveUp;
        public readonly System.Collections.Concurrent.ConcurrentQueue<string> Errors = new();
    }

    public static async Task RunAsync(BenchHost host, bool quick, Action<string, double, string> report, CancellationToken ct)
    {
        var seconds = quick ? 3 : 15;
        var random = new Random(8);
        var (world, warehouse, skus) = await PrepareAsync(host, ct);
        var first = 0;
        foreach (var workers in Levels)
        {
            // Each level starts with fresh pending orders, more than the stock can serve.
            var count = quick ? 1_000 : 4_000;
            await OrdersBench.PlatformOrdersAsync(host, world, count, random, ct, first, "SWEEP");
            first += count;
            await using (var scope = host.Scope())
                await scope.ServiceProvider.GetRequiredService<IntakeOrders>().RunAsync(null, ct);

            var shippedBefore = await ShippedAsync(host, ct);
            var tally = new Tally();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(host, world.Codes, skus, warehouse, tally, new Random(workers * 100 + w), stop.Token), ct)));
            clock.Stop();
            if (!tally.Errors.IsEmpty) throw new InvalidOperationException($"{tally.Errors.Count} operations failed at {workers} workers; the first: {tally.Errors.First()}");

            long oversold, short_;
            int drifts;
            await using (var db = host.OpenTenant())
            {
                var balances = await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).Select(b => new { b.OnHand, b.Reserved }).ToListAsync(ct);
                oversold = balances.Sum(b => Math.Max(0, -b.OnHand));
                short_ = balances.Sum(b => Math.Max(0, b.Reserved - b.OnHand));
                drifts = (await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct)).Count;
            }
            var attempts = tally.Done + tally.Refused + tally.Aborts + tally.GaveUp;
            var name = $"sweep.w{workers:D2}";
            report(name + ".operations", tally.Done + tally.Refused, "ops");
            report(name + ".rate", (tally.Done + tally.Refused) / clock.Elapsed.TotalSeconds, "ops/s");
            report(name + ".refused", tally.Refused, "ops");
            report(name + ".orders_shipped", await ShippedAsync(host, ct) - shippedBefore, "orders");
            report(name + ".aborts", tally.Aborts, "retries");
            report(name + ".abort_rate", attempts == 0 ? 0 : tally.Aborts * 100.0 / attempts, "%");
            report(name + ".gave_up", tally.GaveUp, "ops");
            report(name + ".oversold_units", oversold, "units");
            report(name + ".reserved_beyond_on_hand", short_, "units");
            report(name + ".drifts", drifts, "drifts");
            if (oversold > 0 || drifts > 0) throw new InvalidOperationException($"At {workers} workers: {oversold} units oversold, {drifts} drifts.");
        }
    }

    private static async Task<int> ShippedAsync(BenchHost host, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        return await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.Shipped && o.PlatformOrderNo!.StartsWith("SWEEP"), ct);
    }

    /// <summary>One warehouse (no negative stock) with 25 of each of 60 SKUs, and a shop.</summary>
    private static async Task<(OrdersBench.World World, Guid Warehouse, List<Guid> Skus)> PrepareAsync(BenchHost host, CancellationToken ct)
    {
        Guid warehouse;
        await using (var scope = host.Scope())
            warehouse = (await scope.ServiceProvider.GetRequiredService<ManageWarehouses>().CreateAsync(new WarehouseInput("SWEEP", "并发压测仓", "Own"), ct)).Id;
        var codes = Enumerable.Range(0, SkuCount).Select(i => $"SWP{i:D4}").ToList();
        await OrdersBench.ImportAsync(host, codes.Select((c, i) => new Dictionary<string, object?>
        {
            ["商家编码"] = c, ["货品名称"] = $"并发压测{i:D4}", ["成本价(元)"] = 10 + i, ["重量(克)"] = 200,
        }), null, ct);
        var shop = Shop.Create(new Shelfbook.Catalog.Domain.ShopInput("Taobao", "SWEEP-1", "并发压测店"), DateTime.UtcNow);
        List<Guid> skus;
        await using (var db = host.OpenTenant())
        {
            db.Add(shop);
            await db.SaveChangesAsync(ct);
            skus = await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Where(s => s.Code.StartsWith("SWP")).Select(s => s.Id).ToListAsync(ct);
            await using var scope = host.Scope();
            await scope.ServiceProvider.GetRequiredService<StockPosting>().PostAsync(skus.Select((sku, i) =>
                new MovementDraft(warehouse, sku, StockCondition.Sellable, 25, MovementType.OpeningBalance, $"sweep:open:{i}", $"lines[{i}]")).ToList(), ct);
        }
        return (new OrdersBench.World(codes, [], [], [shop.Id]), warehouse, skus);
    }

    private static async Task WorkAsync(BenchHost host, List<string> codes, List<Guid> skus, Guid warehouse, Tally tally, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var roll = random.NextDouble();
            Func<Task> op = roll switch
            {
                < 0.35 => () => AuditAsync(host, random),
                < 0.60 => () => ShipAsync(host, random),
                < 0.72 => () => CancelAsync(host, random),
                < 0.90 => () => ReceiveAsync(host, skus, warehouse, random),
                _ => () => CountAsync(host, codes, warehouse, random),
            };
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await op();
                    Interlocked.Increment(ref tally.Done);
                    break;
                }
                catch (Exception e) when (IsRace(e))
                {
                    if (attempt >= Retries)
                    {
                        Interlocked.Increment(ref tally.GaveUp);
                        break;
                    }
                    Interlocked.Increment(ref tally.Aborts);
                    await Task.Delay(random.Next(1, 5 + attempt * 10), CancellationToken.None);
                }
                catch (Exception e) when (e is RuleViolatedException or InputRejectedException or NotFoundException)
                {
                    Interlocked.Increment(ref tally.Refused);
                    break;
                }
                catch (Exception e)
                {
                    tally.Errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                    break;
                }
            }
        }
    }

    /// <summary>Lost a race: tried again. (A stock conflict is Inventory's own word for one.)</summary>
    private static bool IsRace(Exception e) => e switch
    {
        DbUpdateConcurrencyException => true,
        RuleViolatedException { Code: "stock.conflict" } => true,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } => true,
        Npgsql.PostgresException { SqlState: "40001" or "40P01" or "55P03" } => true,
        _ => e.InnerException is { } inner && IsRace(inner),
    };

    private static async Task<List<Guid>> PickAsync(BenchHost host, Random random, int take, params OrderStatus[] statuses)
    {
        await using var db = host.OpenTenant();
        var ids = await db.Set<Order>().Where(o => o.ShopId != null && statuses.Contains(o.Status) && o.PlatformOrderNo!.StartsWith("SWEEP"))
            .OrderBy(o => o.OrderNo).Select(o => o.Id).Take(400).ToListAsync();
        return ids.OrderBy(_ => random.Next()).Take(take).ToList();
    }

    private static async Task AuditAsync(BenchHost host, Random random)
    {
        var ids = await PickAsync(host, random, 20, OrderStatus.PendingAudit, OrderStatus.Exception);
        if (ids.Count == 0) return;
        await using var scope = host.Scope();
        await scope.ServiceProvider.GetRequiredService<AuditOrders>().AuditAsync(new OrdersRequest(ids, null), CancellationToken.None);
    }

    private static async Task ShipAsync(BenchHost host, Random random)
    {
        var ids = await PickAsync(host, random, 20, OrderStatus.Audited);
        if (ids.Count == 0) return;
        await using var scope = host.Scope();
        await scope.ServiceProvider.GetRequiredService<ShipParcels>().ShipAsync(new ShipRequest("OneClick", OrderIds: ids), CancellationToken.None);
    }

    private static async Task CancelAsync(BenchHost host, Random random)
    {
        var ids = await PickAsync(host, random, 5, OrderStatus.PendingAudit, OrderStatus.Audited);
        if (ids.Count == 0) return;
        await using var scope = host.Scope();
        await scope.ServiceProvider.GetRequiredService<ChangeOrders>().CancelAsync(new OrdersRequest(ids, "并发压测"), CancellationToken.None);
    }

    private static async Task ReceiveAsync(BenchHost host, List<Guid> skus, Guid warehouse, Random random)
    {
        var sku = skus[random.Next(skus.Count)];
        await using var scope = host.Scope();
        await scope.ServiceProvider.GetRequiredService<StockPosting>().PostAsync(
            [new MovementDraft(warehouse, sku, StockCondition.Sellable, random.Next(3, 15), MovementType.PurchaseReceipt, $"sweep:in:{Guid.NewGuid():N}", "lines[0]")],
            CancellationToken.None);
    }

    /// <summary>A count sheet of three SKUs, each counted a little off its book figure, then posted.</summary>
    private static async Task CountAsync(BenchHost host, List<string> codes, Guid warehouse, Random random)
    {
        var chosen = Enumerable.Range(0, 3).Select(_ => codes[random.Next(codes.Count)]).Distinct().ToList();
        await using var scope = host.Scope();
        var stocktakes = scope.ServiceProvider.GetRequiredService<ManageStocktakes>();
        var sheet = await stocktakes.StartAsync(new StartStocktakeInput(warehouse, SkuCodes: chosen), CancellationToken.None);
        try
        {
            var lines = await stocktakes.LinesAsync(sheet.Id, new StocktakeLineFilter(), Shelfbook.Kernel.PageRequest.From(null, 50), CancellationToken.None);
            foreach (var line in lines.Items)
                await stocktakes.CountAsync(sheet.Id, new CountInput(SkuId: line.SkuId, Quantity: (int)Math.Max(0, (line.Snapshot ?? 0) + (line.MovementsSince ?? 0) + random.Next(-2, 4)), Mode: "Set"), CancellationToken.None);
            await stocktakes.PostAsync(sheet.Id, new PostStocktakeInput("并发压测"), CancellationToken.None);
        }
        catch
        {
            await stocktakes.CancelAsync(sheet.Id, CancellationToken.None);
            throw;
        }
    }
}
