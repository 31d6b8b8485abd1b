using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.Reservations;

public abstract class ReservationTests(ShelfbookApp app) : TenantTest(app)
{
    private Task<IReadOnlyList<OrderReservation>> ReserveAsync(params StockToReserve[] lines) =>
        Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r => r.ReserveAsync(lines));

    private static StockToReserve Line(Guid order, Guid sku, Guid warehouse, int quantity) =>
        new(order, "SO-" + order.ToString()[..8], Guid.NewGuid(), sku, warehouse, quantity);

    [Fact]
    public async Task Each_order_is_reserved_whole_or_not_at_all_in_the_order_given()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        var b = await Session.SkuAsync("B-1");
        await Session.ReceiveAsync(wh, a, 5);
        await Session.ReceiveAsync(wh, b, 2);
        Guid first = Guid.NewGuid(), second = Guid.NewGuid(), third = Guid.NewGuid();

        var results = await ReserveAsync(
            Line(first, a, wh, 3), Line(first, b, wh, 1),
            Line(second, a, wh, 1), Line(second, b, wh, 2),
            Line(third, a, wh, 2));

        Assert.Equal([true, false, true], results.Select(r => r.Reserved));
        var shortLine = Assert.Single(results[1].ShortLines);
        Assert.Equal((b, 2, 1L), (shortLine.SkuId, shortLine.Wanted, shortLine.Available));
        Assert.Equal(5, (await Session.BalanceAsync(wh, a))!.Reserved);
        Assert.Equal(1, (await Session.BalanceAsync(wh, b))!.Reserved);
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<StockReservation>().CountAsync(r => r.OrderId == second));
    }

    [Fact]
    public async Task Reserving_an_order_again_changes_nothing()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        await Session.ReceiveAsync(wh, a, 5);
        var order = Guid.NewGuid();
        var line = Line(order, a, wh, 2);

        await ReserveAsync(line);
        var again = Assert.Single(await ReserveAsync(line));

        Assert.True(again.AlreadyHeld);
        Assert.Equal(2, (await Session.BalanceAsync(wh, a))!.Reserved);
    }

    [Fact]
    public async Task Release_returns_the_stock_and_consume_ships_it_once()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1", costPrice: 700);
        await Session.ReceiveAsync(wh, a, 10);
        Guid kept = Guid.NewGuid(), cancelled = Guid.NewGuid();
        await ReserveAsync(Line(kept, a, wh, 3), Line(cancelled, a, wh, 4));

        Assert.Equal(1, await Session.WithAsync<IReserveStock, int>(r => r.ReleaseAsync([cancelled])));
        var shipped = await Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(kept, "SF100")]));
        var again = await Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(kept, "SF100")]));

        Assert.Equal((1, 3L, false), (shipped[0].Lines, shipped[0].Quantity, shipped[0].AlreadyShipped));
        Assert.True(again[0].AlreadyShipped);
        var balance = await Session.BalanceAsync(wh, a);
        Assert.Equal((7L, 0L), (balance!.OnHand, balance.Reserved));
        await using var db = Session.OpenDb();
        var movement = await db.Set<StockMovement>().SingleAsync(m => m.Type == MovementType.SalesShipment);
        Assert.Equal((-3, 700L, kept.ToString()), (movement.Quantity, movement.UnitCost, movement.SourceId));
    }

    [Fact]
    public async Task Consuming_an_order_that_holds_nothing_is_refused()
    {
        var error = await Assert.ThrowsAsync<InputRejectedException>(() =>
            Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(Guid.NewGuid())])));

        Assert.Equal("shipments[0].orderId", Assert.Single(error.Errors).Field);
    }

    [Fact]
    public async Task Bad_lines_are_named_and_nothing_is_reserved()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        await Session.ReceiveAsync(wh, a, 5);

        var error = await Assert.ThrowsAsync<InputRejectedException>(() => ReserveAsync(
            Line(Guid.NewGuid(), a, wh, 1), Line(Guid.NewGuid(), a, wh, 0), Line(Guid.NewGuid(), Guid.NewGuid(), wh, 1), Line(Guid.NewGuid(), a, Guid.NewGuid(), 1)));

        Assert.Equal(["lines[1].quantity", "lines[2].skuId", "lines[3].warehouseId"], error.Errors.Select(e => e.Field));
        Assert.Equal(0, (await Session.BalanceAsync(wh, a))!.Reserved);
    }

    [Fact]
    public async Task A_shipment_the_shelf_cannot_cover_is_refused_even_when_reserved()
    {
        // A stocktake found less than was reserved: the order cannot ship what is not there.
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        await Session.ReceiveAsync(wh, a, 3);
        var order = Guid.NewGuid();
        await ReserveAsync(Line(order, a, wh, 3));
        await Session.WithAsync<Shelfbook.Inventory.Features.Ledger.StockPosting, Shelfbook.Inventory.Features.Ledger.PostedMovements>(p => p.PostAsync(
            [new(wh, a, StockCondition.Sellable, -2, MovementType.StocktakeLoss, "loss-1", "lines[0]", Guard: Shelfbook.Inventory.Features.Ledger.StockGuard.OnHand)], default));

        var error = await Assert.ThrowsAsync<InputRejectedException>(() =>
            Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(order)])));

        Assert.Equal("insufficient_stock", Assert.Single(error.Errors).Code);
    }
}

public sealed class ReservationTestsOnSqlite(SqliteApp app) : ReservationTests(app);

public sealed class ReservationTestsOnPostgres(PostgresApp app) : ReservationTests(app);
