using System.Net;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.StockViews;
using Shelfbook.Inventory.Features.Transfers;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.Transfers;

public abstract class TransferTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Url = "/api/v1/inventory/transfers";

    [Fact]
    public async Task Shipped_received_twice_and_closed_short()
    {
        var sh = await Session.WarehouseAsync("SH");
        var gz = await Session.WarehouseAsync("GZ");
        var cup = await Session.SkuAsync("CUP");
        await Session.ReceiveAsync(sh, cup, 20);
        var draft = await Session.PostAsync<TransferView>(Url, new { fromWarehouseId = sh, toWarehouseId = gz, lines = new[] { new { skuCode = "CUP", quantity = 10 } } }, HttpStatusCode.Created);
        Assert.Matches(@"^DB-\d{8}-0001$", draft.No);

        await Session.PostAsync<TransferView>($"{Url}/{draft.Id}/ship", null);
        Assert.Equal(10, (await Session.BalanceAsync(sh, cup))!.OnHand);
        Assert.Equal(10, (await Session.BalanceAsync(gz, cup, StockCondition.InTransit))!.OnHand);

        await Session.PostAsync<TransferView>($"{Url}/{draft.Id}/receive", new { lines = new[] { new { skuCode = "CUP", quantity = 4 } } });
        var second = await Session.PostAsync<TransferView>($"{Url}/{draft.Id}/receive", new { lines = new[] { new { skuCode = "CUP", quantity = 3 } } });
        Assert.Equal(("PartiallyReceived", 3L, 2), (second.Status, second.InTransit, second.Receipts));
        var stock = await Session.GetAsync<Page<SkuStock>>($"/api/v1/inventory/stock?warehouseId={gz}");
        Assert.Equal((7L, 3L), (stock.Items.Single().OnHand, stock.Items.Single().InTransit));
        var open = await Session.WithAsync<ManageTransfers, IReadOnlyList<InTransitLine>>(h => h.InTransitAsync([cup], default));
        Assert.Equal((draft.No, "GZ", 3), (open.Single().No, open.Single().ToWarehouseCode, open.Single().InTransit));

        await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{draft.Id}/close", new { }, HttpStatusCode.BadRequest);
        var closed = await Session.PostAsync<TransferView>($"{Url}/{draft.Id}/close", new { reason = "transfer_difference" });

        Assert.Equal(("Closed", 0L), (closed.Status, closed.InTransit));
        Assert.Equal(3, closed.Lines.Single().ClosedDifference);
        Assert.Equal(7, (await Session.BalanceAsync(gz, cup))!.OnHand);
        Assert.Equal(0, (await Session.BalanceAsync(gz, cup, StockCondition.InTransit))!.OnHand);
        Assert.Equal(10, (await Session.BalanceAsync(sh, cup))!.OnHand);
    }

    [Fact]
    public async Task Receiving_more_than_shipped_needs_a_reason()
    {
        var sh = await Session.WarehouseAsync("SH");
        var gz = await Session.WarehouseAsync("GZ");
        var cup = await Session.SkuAsync("CUP");
        await Session.ReceiveAsync(sh, cup, 5);
        var t = await Session.PostAsync<TransferView>(Url, new { fromWarehouseId = sh, toWarehouseId = gz, lines = new[] { new { skuCode = "CUP", quantity = 5 } } }, HttpStatusCode.Created);
        await Session.PostAsync<TransferView>($"{Url}/{t.Id}/ship", null);

        var refused = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{t.Id}/receive", new { lines = new[] { new { skuCode = "CUP", quantity = 6 } } }, HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("lines[0].quantity", out _));
        Assert.Equal(5, (await Session.BalanceAsync(gz, cup, StockCondition.InTransit))!.OnHand);

        var received = await Session.PostAsync<TransferView>($"{Url}/{t.Id}/receive", new { reason = "transfer_difference", lines = new[] { new { skuCode = "CUP", quantity = 6 } } });
        Assert.Equal("Received", received.Status);
        Assert.Equal(6, (await Session.BalanceAsync(gz, cup))!.OnHand);
        Assert.Equal(0, (await Session.BalanceAsync(gz, cup, StockCondition.InTransit))!.OnHand);
        await Session.PostAsync<TransferView>($"{Url}/{t.Id}/close", new { });
    }

    [Fact]
    public async Task Bad_transfers_are_named_and_shipping_needs_stock()
    {
        var sh = await Session.WarehouseAsync("SH");
        var gz = await Session.WarehouseAsync("GZ");
        await Session.SkuAsync("CUP");

        var same = await Session.ProblemAsync(HttpMethod.Post, Url, new { fromWarehouseId = sh, toWarehouseId = sh, lines = new[] { new { skuCode = "CUP", quantity = 0 } } }, HttpStatusCode.BadRequest);
        var errors = same.GetProperty("errors");
        Assert.True(errors.TryGetProperty("toWarehouseId", out _) && errors.TryGetProperty("lines[0].quantity", out _), errors.ToString());

        var t = await Session.PostAsync<TransferView>(Url, new { fromWarehouseId = sh, toWarehouseId = gz, lines = new[] { new { skuCode = "CUP", quantity = 2 } } }, HttpStatusCode.Created);
        var empty = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{t.Id}/ship", null, HttpStatusCode.BadRequest);
        Assert.True(empty.GetProperty("errors").TryGetProperty("lines[0].quantity", out _));
        Assert.Equal("Draft", (await Session.GetAsync<TransferView>($"{Url}/{t.Id}")).Status);
    }
}

public sealed class TransferTestsOnSqlite(SqliteApp app) : TransferTests(app);

public sealed class TransferTestsOnPostgres(PostgresApp app) : TransferTests(app);
