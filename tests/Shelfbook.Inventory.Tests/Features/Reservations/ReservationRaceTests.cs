using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.Reservations;

/// <summary>
/// Eight workers fight over a few hot SKUs: they reserve orders, ship some and cancel others, for
/// SHELFBOOK_STRESS_SECONDS (30 by default). No unit may be promised or shipped twice. The naive read-then-write
/// variant runs on the same stock and must oversell, which shows the check can fail.
/// </summary>
public abstract class ReservationRaceTests(ShelfbookApp app) : TenantTest(app)
{
    private const int Workers = 8;
    private const int StockPerSku = 60;

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SHELFBOOK_STRESS_SECONDS"), out var s) ? s : 30);

    private async Task<(Guid Warehouse, Guid[] Skus)> HotStockAsync()
    {
        var wh = await Session.WarehouseAsync("HOT");
        var skus = new Guid[4];
        for (var i = 0; i < skus.Length; i++)
        {
            skus[i] = await Session.SkuAsync($"HOT-{i}");
            await Session.ReceiveAsync(wh, skus[i], StockPerSku);
        }
        return (wh, skus);
    }

    [Fact]
    public async Task Concurrent_workers_never_oversell_a_hot_sku()
    {
        var (wh, skus) = await HotStockAsync();
        long demanded = 0, reservedOrders = 0, refusedOrders = 0;
        var clock = Stopwatch.StartNew();

        async Task WorkAsync(int worker)
        {
            var random = new Random(worker);
            var mine = new List<Guid>();
            while (clock.Elapsed < Duration)
            {
                var order = Guid.NewGuid();
                var lines = Enumerable.Range(0, random.Next(1, 4))
                    .Select(_ => new StockToReserve(order, $"W{worker}-{mine.Count}", Guid.NewGuid(), skus[random.Next(skus.Length)], wh, random.Next(1, 4)))
                    .ToArray();
                Interlocked.Add(ref demanded, lines.Sum(l => l.Quantity));
                var result = await Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r => r.ReserveAsync(lines));
                if (!result[0].Reserved)
                {
                    Interlocked.Increment(ref refusedOrders);
                    continue;
                }
                Interlocked.Increment(ref reservedOrders);
                mine.Add(order);
                // Keep stock moving so the fight goes on: ship one order in three, cancel one in three, keep the rest.
                switch (random.Next(3))
                {
                    case 0:
                        await Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(order)]));
                        break;
                    case 1:
                        await Session.WithAsync<IReserveStock, int>(r => r.ReleaseAsync([order]));
                        break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(w))));

        Assert.True(demanded >= 3L * StockPerSku * skus.Length, $"The workers asked for {demanded} units; the test needs at least three times the stock.");
        Assert.True(refusedOrders > 0, "No order was ever refused: the stock never ran out, so the test proved nothing.");
        await using var db = Session.OpenDb();
        foreach (var sku in skus)
        {
            var balance = await db.Set<StockBalance>().AsNoTracking().SingleAsync(b => b.SkuId == sku && b.Condition == StockCondition.Sellable);
            var shipped = -await db.Set<StockMovement>().Where(m => m.SkuId == sku && m.Type == MovementType.SalesShipment).SumAsync(m => (long?)m.Quantity) ?? 0;
            var held = await db.Set<StockReservation>().Where(r => r.SkuId == sku).SumAsync(r => (long?)r.Quantity) ?? 0;
            Assert.True(shipped + held <= StockPerSku, $"{shipped} shipped and {held} reserved of {StockPerSku} units: oversold.");
            Assert.True(balance.OnHand >= balance.Reserved, $"on hand {balance.OnHand} < reserved {balance.Reserved}");
            Assert.Equal(StockPerSku - shipped, balance.OnHand);
        }
        Assert.True(reservedOrders > 0);
    }

    /// <summary>The negative control: check in the application, then write — what the conditional statement prevents.</summary>
    [Fact]
    public async Task A_naive_read_then_write_reservation_oversells()
    {
        var (wh, skus) = await HotStockAsync();
        var sku = skus[0];
        var clock = Stopwatch.StartNew();

        async Task NaiveAsync(int worker)
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await using var db = Session.OpenDb();
                var balance = await db.Set<StockBalance>().AsNoTracking().SingleAsync(b => b.WarehouseId == wh && b.SkuId == sku && b.Condition == StockCondition.Sellable);
                if (balance.OnHand - balance.Reserved < 2) return;
                await Task.Delay(2);
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Set<StockReservation>().Add(new StockReservation
                {
                    OrderId = Guid.NewGuid(), OrderNo = $"N{worker}", OrderLineId = Guid.NewGuid(), SkuId = sku, WarehouseId = wh, Quantity = 2, CreatedAt = DateTime.UtcNow,
                });
                await db.SaveChangesAsync();
                await db.Set<StockBalance>().Where(b => b.WarehouseId == wh && b.SkuId == sku && b.Condition == StockCondition.Sellable)
                    .ExecuteUpdateAsync(u => u.SetProperty(b => b.Reserved, b => b.Reserved + 2));
                await transaction.CommitAsync();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => NaiveAsync(w))));

        var after = await Session.BalanceAsync(wh, sku);
        Assert.True(after!.Reserved > after.OnHand, $"The naive variant should oversell but reserved {after.Reserved} of {after.OnHand}.");
        // Put the books right so the check after the test (verify) looks at the real path only.
        await using (var db = Session.OpenDb())
        {
            var orders = await db.Set<StockReservation>().Select(r => r.OrderId).ToListAsync();
            await Session.WithAsync<IReserveStock, int>(r => r.ReleaseAsync(orders));
        }
        Assert.Equal(0, (await Session.BalanceAsync(wh, sku))!.Reserved);
    }
}

public sealed class ReservationRaceTestsOnSqlite(SqliteApp app) : ReservationRaceTests(app);

public sealed class ReservationRaceTestsOnPostgres(PostgresApp app) : ReservationRaceTests(app);
