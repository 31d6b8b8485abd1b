using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.Ledger;

public abstract class PostingTests(ShelfbookApp app) : TenantTest(app)
{
    private Task<PostedMovements> PostAsync(params MovementDraft[] drafts) =>
        Session.WithAsync<StockPosting, PostedMovements>(p => p.PostAsync(drafts, default));

    private static MovementDraft Draft(Guid warehouse, Guid sku, int quantity, string key, MovementType type = MovementType.ManualIn, long? cost = null, int line = 0) =>
        new(warehouse, sku, StockCondition.Sellable, quantity, type, key, $"lines[{line}]", Reason: "found", UnitCost: cost);

    [Fact]
    public async Task A_movement_moves_its_balance_and_records_the_running_balance()
    {
        var wh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1");

        await PostAsync(Draft(wh, sku, 10, "k1"));
        var posted = await PostAsync(Draft(wh, sku, -3, "k2", MovementType.ManualOut));

        Assert.Equal(7, posted.Movements.Single().OnHandAfter);
        var balance = await Session.BalanceAsync(wh, sku);
        Assert.Equal(7, balance!.OnHand);
        Assert.Equal(0, balance.Reserved);
        Assert.NotNull(balance.LastOutboundAt);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_returns_the_first_result_and_changes_nothing()
    {
        var wh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1");

        var first = await PostAsync(Draft(wh, sku, 10, "receipt-1", cost: 500));
        var again = await PostAsync(Draft(wh, sku, 10, "receipt-1", cost: 500));

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(10, again.Movements.Single().OnHandAfter);
        Assert.Equal(10, (await Session.BalanceAsync(wh, sku))!.OnHand);
        await using var db = Session.OpenDb();
        Assert.Equal(1, await db.Set<StockMovement>().CountAsync());
    }

    [Fact]
    public async Task A_key_reused_for_a_different_batch_is_refused()
    {
        var wh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1");
        await PostAsync(Draft(wh, sku, 10, "k1"));

        var error = await Assert.ThrowsAsync<RuleViolatedException>(() => PostAsync(Draft(wh, sku, 5, "k1"), Draft(wh, sku, 5, "k2", line: 1)));

        Assert.Equal("movement.key_reused", error.Code);
        Assert.Equal(10, (await Session.BalanceAsync(wh, sku))!.OnHand);
    }

    [Fact]
    public async Task An_outbound_beyond_available_names_its_line_and_writes_nothing()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        var b = await Session.SkuAsync("B-1");
        await Session.ReceiveAsync(wh, a, 5);
        await Session.ReceiveAsync(wh, b, 5);

        var error = await Assert.ThrowsAsync<InputRejectedException>(() =>
            PostAsync(Draft(wh, a, -2, "o1", MovementType.ManualOut), Draft(wh, b, -6, "o2", MovementType.ManualOut, line: 1)));

        var field = Assert.Single(error.Errors);
        Assert.Equal("lines[1].quantity", field.Field);
        Assert.Equal("insufficient_stock", field.Code);
        Assert.Contains("B-1", field.Message, StringComparison.Ordinal);
        Assert.Equal(5, (await Session.BalanceAsync(wh, a))!.OnHand);
        await using var db = Session.OpenDb();
        Assert.Equal(2, await db.Set<StockMovement>().CountAsync());
    }

    [Fact]
    public async Task A_shipment_releasing_more_reserved_stock_than_is_held_is_refused_and_writes_nothing()
    {
        var wh = await Session.WarehouseAsync("SH");
        var neg = await Session.WarehouseAsync("NEG", allowNegative: true);
        var sku = await Session.SkuAsync("A-1");
        await Session.ReceiveAsync(wh, sku, 10);
        MovementDraft Shipment(Guid warehouse, string key) =>
            Draft(warehouse, sku, -2, key, MovementType.SalesShipment) with { ReleasesReserved = 2, Reason = null };

        // A balance holding less reserved stock than the shipment releases, and one that does not exist yet.
        var held = await Assert.ThrowsAsync<RuleViolatedException>(() => PostAsync(Shipment(wh, "s1")));
        var none = await Assert.ThrowsAsync<RuleViolatedException>(() => PostAsync(Shipment(neg, "s2")));

        Assert.Equal("reservation.missing", held.Code);
        Assert.Equal("reservation.missing", none.Code);
        var balance = (await Session.BalanceAsync(wh, sku))!;
        Assert.Equal((10, 0), (balance.OnHand, balance.Reserved));
        Assert.Null(await Session.BalanceAsync(neg, sku));
        await using var db = Session.OpenDb();
        Assert.Equal(1, await db.Set<StockMovement>().CountAsync());
    }

    [Fact]
    public async Task A_warehouse_that_allows_negative_stock_may_go_below_zero()
    {
        var wh = await Session.WarehouseAsync("NEG", allowNegative: true);
        var sku = await Session.SkuAsync("A-1");

        await PostAsync(Draft(wh, sku, -4, "o1", MovementType.ManualOut));

        Assert.Equal(-4, (await Session.BalanceAsync(wh, sku))!.OnHand);
    }

    [Fact]
    public async Task Unknown_sku_warehouse_and_zero_quantity_are_named()
    {
        var wh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1");

        var error = await Assert.ThrowsAsync<InputRejectedException>(() => PostAsync(
            Draft(Guid.NewGuid(), sku, 1, "x1"), Draft(wh, Guid.NewGuid(), 1, "x2", line: 1)));
        Assert.Equal(["lines[0].warehouseId", "lines[1].skuId"], error.Errors.Select(e => e.Field));
        var zero = await Assert.ThrowsAsync<InputRejectedException>(() => PostAsync(Draft(wh, sku, 0, "x3")));
        Assert.Equal("lines[0].quantity", Assert.Single(zero.Errors).Field);
    }

    [Fact]
    public async Task Receipts_move_the_weighted_average_and_outbound_carries_it()
    {
        var sh = await Session.WarehouseAsync("SH");
        var gz = await Session.WarehouseAsync("GZ");
        var sku = await Session.SkuAsync("A-1", costPrice: 999);

        await PostAsync(Draft(sh, sku, 10, "r1", cost: 1000));
        await PostAsync(Draft(gz, sku, 30, "r2", cost: 2000));
        var shipped = await PostAsync(Draft(sh, sku, -4, "o1", MovementType.ManualOut));
        await PostAsync(Draft(sh, sku, 6, "r3", cost: 3000));

        Assert.Equal(1750, shipped.Movements.Single().UnitCost);
        await using var db = Session.OpenDb();
        // 36 units at 1750 and 6 at 3000: (63000 + 18000) / 42 = 1928.57…
        Assert.Equal(1929, (await db.Set<SkuCost>().SingleAsync(c => c.SkuId == sku)).AverageCost);
    }

    [Fact]
    public async Task One_batch_moving_existing_and_new_balances_records_every_running_balance()
    {
        var sh = await Session.WarehouseAsync("SH");
        var gz = await Session.WarehouseAsync("GZ");
        var sku = await Session.SkuAsync("A-1");
        await PostAsync(Draft(sh, sku, 10, "r1"));

        var posted = await PostAsync(
            Draft(sh, sku, -3, "o1", MovementType.ManualOut), Draft(gz, sku, 5, "r2", line: 1),
            Draft(sh, sku, 2, "r3", line: 2), Draft(gz, sku, -1, "o2", MovementType.ManualOut, line: 3));

        Assert.Equal([7L, 5L, 9L, 4L], posted.Movements.Select(m => m.OnHandAfter));
        Assert.Equal(9, (await Session.BalanceAsync(sh, sku))!.OnHand);
        var created = await Session.BalanceAsync(gz, sku);
        Assert.Equal(4, created!.OnHand);
        Assert.NotNull(created.FirstMovementAt);
        Assert.NotNull(created.LastOutboundAt);
        await using var db = Session.OpenDb();
        Assert.Equal(13, (await db.Set<SkuCost>().SingleAsync(c => c.SkuId == sku)).OnHand);
    }

    [Fact]
    public async Task Verify_names_a_cost_row_whose_on_hand_left_the_ledger()
    {
        var sh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1");
        await PostAsync(Draft(sh, sku, 10, "r1"));
        await using (var db = Session.OpenDb())
            await db.Set<SkuCost>().Where(c => c.SkuId == sku).ExecuteUpdateAsync(u => u.SetProperty(c => c.OnHand, 12L));

        var drifts = await Session.WithAsync<Shelfbook.Inventory.Features.Verify.StockVerification, IReadOnlyList<Shelfbook.Inventory.Features.Verify.StockDrift>>(v => v.RunAsync());

        var drift = Assert.Single(drifts);
        Assert.Equal((Shelfbook.Inventory.Features.Verify.StockDrift.SkuOnHand, 12L, 10L), (drift.Field, drift.Book, drift.Ledger));
        Assert.Contains("over every warehouse", drift.ToString(), StringComparison.Ordinal);
        // Put it right so the check after the test passes on the real path only.
        await using (var db = Session.OpenDb())
            await db.Set<SkuCost>().Where(c => c.SkuId == sku).ExecuteUpdateAsync(u => u.SetProperty(c => c.OnHand, 10L));
    }

    [Fact]
    public async Task A_movement_without_a_cost_uses_the_average_or_else_the_catalog_cost()
    {
        var wh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1", costPrice: 1234);

        var posted = await PostAsync(Draft(wh, sku, 3, "r1"));

        Assert.Equal(1234, posted.Movements.Single().UnitCost);
    }
}

public sealed class PostingTestsOnSqlite(SqliteApp app) : PostingTests(app);

public sealed class PostingTestsOnPostgres(PostgresApp app) : PostingTests(app);
