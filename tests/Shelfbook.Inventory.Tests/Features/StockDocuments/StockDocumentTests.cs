using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.StockDocuments;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.StockDocuments;

public abstract class StockDocumentTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Url = "/api/v1/inventory/documents";

    [Fact]
    public async Task A_manual_receipt_posts_its_lines_once_and_is_audited()
    {
        var wh = await Session.WarehouseAsync("SH");
        var sku = await Session.SkuAsync("A-1", barcode: "690001");
        var draft = await Session.PostAsync<StockDocumentView>(Url, new
        {
            kind = "ManualIn", warehouseId = wh, reason = "found", note = "仓库角落找到",
            lines = new object[] { new { skuCode = "690001", quantity = 4, unitCost = 1500 }, new { skuId = sku, quantity = 1, condition = "NonSellable" } },
        }, HttpStatusCode.Created);

        Assert.Matches(@"^RK-\d{8}-0001$", draft.No);
        Assert.Equal("Draft", draft.Status);
        Assert.Equal(["A-1", "A-1"], draft.Lines.Select(l => l.SkuCode));
        Assert.Null(await Session.BalanceAsync(wh, sku));

        var posted = await Session.PostAsync<StockDocumentView>($"{Url}/{draft.Id}/post", null);
        var again = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{draft.Id}/post", null, HttpStatusCode.Conflict);

        Assert.Equal("Posted", posted.Status);
        Assert.Contains("document.already_posted", again.ToString(), StringComparison.Ordinal);
        Assert.Equal(4, (await Session.BalanceAsync(wh, sku))!.OnHand);
        Assert.Equal(1, (await Session.BalanceAsync(wh, sku, StockCondition.NonSellable))!.OnHand);
        await using var db = Session.OpenDb();
        var movements = await db.Set<StockMovement>().Where(m => m.SourceId == draft.Id.ToString()).ToListAsync();
        Assert.All(movements, m => Assert.Equal((MovementType.ManualIn, "found", draft.No), (m.Type, m.Reason, m.SourceNo)));
        var audit = await db.AuditEntries.Where(a => a.EntityId == draft.Id.ToString()).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["create", "post"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(AuditCategory.Stock, a.Category));
    }

    [Fact]
    public async Task An_issue_beyond_available_names_the_line_and_leaves_the_draft()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        var b = await Session.SkuAsync("B-1");
        await Session.ReceiveAsync(wh, a, 10);
        await Session.ReceiveAsync(wh, b, 1);
        var draft = await Session.PostAsync<StockDocumentView>(Url, new
        {
            kind = "ManualOut", warehouseId = wh, reason = "sample", lines = new[] { new { skuCode = "A-1", quantity = 3 }, new { skuCode = "B-1", quantity = 2 } },
        }, HttpStatusCode.Created);

        var problem = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{draft.Id}/post", null, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("lines[1].quantity", out _), problem.ToString());
        Assert.Equal("Draft", (await Session.GetAsync<StockDocumentView>($"{Url}/{draft.Id}")).Status);
        Assert.Equal(10, (await Session.BalanceAsync(wh, a))!.OnHand);
    }

    [Fact]
    public async Task A_condition_change_moves_units_between_sellable_and_non_sellable()
    {
        var wh = await Session.WarehouseAsync("SH");
        var a = await Session.SkuAsync("A-1");
        await Session.ReceiveAsync(wh, a, 10);
        var draft = await Session.PostAsync<StockDocumentView>(Url, new
        {
            kind = "ConditionChange", warehouseId = wh, reason = "quality", lines = new[] { new { skuCode = "A-1", quantity = 3, condition = "Sellable" } },
        }, HttpStatusCode.Created);

        await Session.PostAsync<StockDocumentView>($"{Url}/{draft.Id}/post", null);

        Assert.Equal(7, (await Session.BalanceAsync(wh, a))!.OnHand);
        Assert.Equal(3, (await Session.BalanceAsync(wh, a, StockCondition.NonSellable))!.OnHand);
    }

    [Fact]
    public async Task Bad_documents_name_each_field()
    {
        var wh = await Session.WarehouseAsync("SH");
        await Session.SkuAsync("A-1");

        var problem = await Session.ProblemAsync(HttpMethod.Post, Url, new
        {
            kind = "ManualOut", warehouseId = wh, reason = "found",
            lines = new object[] { new { skuCode = "NOPE", quantity = 1 }, new { skuCode = "A-1", quantity = 0 }, new { skuCode = "A-1", quantity = 2, unitCost = 5 } },
        }, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "reason", "lines[0].skuCode", "lines[1].quantity", "lines[2].unitCost" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {errors}");
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<StockDocument>().CountAsync());
    }

    [Fact]
    public async Task A_draft_can_be_edited_then_cancelled_but_not_posted_after()
    {
        var wh = await Session.WarehouseAsync("SH");
        await Session.SkuAsync("A-1");
        await Session.SkuAsync("B-1");
        var draft = await Session.PostAsync<StockDocumentView>(Url, new { kind = "ManualIn", warehouseId = wh, reason = "found", lines = new[] { new { skuCode = "A-1", quantity = 1 } } }, HttpStatusCode.Created);

        var edited = await Session.PutAsync<StockDocumentView>($"{Url}/{draft.Id}", new
        {
            kind = "ManualIn", warehouseId = wh, reason = "opening", lines = new[] { new { skuCode = "B-1", quantity = 5 }, new { skuCode = "A-1", quantity = 2 } },
        });
        await Session.PostAsync<StockDocumentView>($"{Url}/{draft.Id}/cancel", null);
        var refused = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{draft.Id}/post", null, HttpStatusCode.Conflict);

        Assert.Equal(["B-1", "A-1"], edited.Lines.Select(l => l.SkuCode));
        Assert.Equal("opening", edited.Reason);
        Assert.Contains("document.cancelled", refused.ToString(), StringComparison.Ordinal);
        var list = await Session.GetAsync<Shelfbook.Kernel.Page<StockDocumentView>>($"{Url}?status=Cancelled");
        Assert.Equal([draft.Id], list.Items.Select(d => d.Id));
    }

    [Fact]
    public async Task Movements_through_the_api_are_idempotent()
    {
        var wh = await Session.WarehouseAsync("SH");
        await Session.SkuAsync("A-1");
        var body = new { movements = new[] { new { idempotencyKey = "wms-778", type = "PurchaseReceipt", quantity = 12, warehouseCode = "sh", skuCode = "a-1", unitCost = 800 } } };

        var first = await Session.PostAsync<RecordedMovements>("/api/v1/inventory/movements", body);
        var again = await Session.PostAsync<RecordedMovements>("/api/v1/inventory/movements", body);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Movements.Single().Id, again.Movements.Single().Id);
        Assert.Equal(12, again.Movements.Single().OnHandAfter);
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/inventory/movements",
            new { movements = new[] { new { idempotencyKey = "x", type = "TransferIn", quantity = 1, warehouseCode = "NOPE", skuCode = "A-1" } } }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("movements[0].type", out _) && errors.TryGetProperty("movements[0].warehouseCode", out _), errors.ToString());
    }

    [Fact]
    public async Task Reason_codes_are_the_tenants_own_list()
    {
        var created = await Session.PostAsync<StockReasonView>("/api/v1/inventory/reasons", new { code = "live_demo", name = "直播样品", direction = "Out" }, HttpStatusCode.Created);
        await Session.PutAsync<StockReasonView>("/api/v1/inventory/reasons/live_demo", new { name = "直播样品", direction = "Out", active = false });

        var active = await Session.GetAsync<List<StockReasonView>>("/api/v1/inventory/reasons?activeOnly=true");
        Assert.Equal("live_demo", created.Code);
        Assert.DoesNotContain(active, r => r.Code == "live_demo");
        Assert.Contains(active, r => r.Code == "damage");
        var wh = await Session.WarehouseAsync("SH");
        await Session.SkuAsync("A-1");
        var problem = await Session.ProblemAsync(HttpMethod.Post, Url, new { kind = "ManualOut", warehouseId = wh, reason = "live_demo", lines = new[] { new { skuCode = "A-1", quantity = 1 } } }, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
    }
}

public sealed class StockDocumentTestsOnSqlite(SqliteApp app) : StockDocumentTests(app);

public sealed class StockDocumentTestsOnPostgres(PostgresApp app) : StockDocumentTests(app);
