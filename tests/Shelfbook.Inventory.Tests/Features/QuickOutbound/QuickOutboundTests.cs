using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.QuickOutbound;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.QuickOutbound;

public abstract class QuickOutboundTests(ShelfbookApp app) : TenantTest(app)
{
    [Fact]
    public async Task A_third_party_report_consumes_the_matching_reservations_and_lists_the_rest()
    {
        var jd = await Session.WarehouseAsync("3PL", type: "ThirdParty");
        var cup = await Session.SkuAsync("CUP", barcode: "690001");
        var lid = await Session.SkuAsync("LID");
        await Session.ReceiveAsync(jd, cup, 10);
        await Session.ReceiveAsync(jd, lid, 10);
        Guid first = Guid.NewGuid(), second = Guid.NewGuid();
        await Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r => r.ReserveAsync(
        [
            new StockToReserve(first, "SO-1", Guid.NewGuid(), cup, jd, 2), new StockToReserve(first, "SO-1", Guid.NewGuid(), lid, jd, 1),
            new StockToReserve(second, "SO-2", Guid.NewGuid(), cup, jd, 1),
        ]));
        var report = new
        {
            warehouseId = jd,
            lines = new object[]
            {
                new { orderNo = "SO-1", skuCode = "690001", quantity = 2, trackingNo = "JD001" },
                new { orderNo = "SO-1", skuCode = "LID", quantity = 1, trackingNo = "JD001" },
                new { orderNo = "SO-2", skuCode = "CUP", quantity = 3, trackingNo = "JD002" },
                new { orderNo = "SO-9", skuCode = "CUP", quantity = 1, trackingNo = "JD009" },
                new { orderNo = "SO-2", skuCode = "NOPE", quantity = 1, trackingNo = "JD002" },
            },
        };

        var result = await Session.PostAsync<QuickOutboundResult>("/api/v1/inventory/quick-outbound", report);
        var again = await Session.PostAsync<QuickOutboundResult>("/api/v1/inventory/quick-outbound", report);

        Assert.Equal((3, 4L, 2), (result.PostedLines, result.PostedQuantity, result.Orders));
        Assert.Equal([(3, "more_than_reserved", 1), (4, "unknown_order", 0), (5, "unknown_sku", 0)], result.Unmatched.Select(u => (u.Row, u.Reason, u.Posted)));
        Assert.Equal(0L, again.PostedQuantity);
        Assert.Contains(again.Unmatched, u => u.Row == 1 && u.Reason == "already_posted");
        var balance = await Session.BalanceAsync(jd, cup);
        Assert.Equal((7L, 0L), (balance!.OnHand, balance.Reserved));
        await using var db = Session.OpenDb();
        Assert.Equal(3, await db.Set<StockMovement>().CountAsync(m => m.Type == MovementType.ThirdPartyOutbound));
    }

    [Fact]
    public async Task A_file_report_is_read_and_an_own_warehouse_is_refused()
    {
        var own = await Session.WarehouseAsync("SH");
        var jd = await Session.WarehouseAsync("3PL", type: "ThirdParty");
        var cup = await Session.SkuAsync("CUP");
        await Session.ReceiveAsync(jd, cup, 5);
        var order = Guid.NewGuid();
        await Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r => r.ReserveAsync([new StockToReserve(order, "SO-1", Guid.NewGuid(), cup, jd, 2)]));
        var sheet = Shelfbook.Platform.Spreadsheets.Workbooks.Sheet(PostQuickOutbound.Columns,
            [new Dictionary<string, object?> { ["orderNo"] = "SO-1", ["skuCode"] = "CUP", ["quantity"] = 2, ["trackingNo"] = "JD1" }]);

        async Task<HttpResponseMessage> UploadAsync(Guid warehouse)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(sheet);
            file.Headers.ContentType = new MediaTypeHeaderValue(Shelfbook.Platform.Spreadsheets.Workbooks.ContentType);
            form.Add(file, "file", "report.xlsx");
            return await Session.Api.PostAsync(new Uri($"/api/v1/inventory/quick-outbound/upload?warehouseId={warehouse}", UriKind.Relative), form);
        }

        using var refused = await UploadAsync(own);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var accepted = await UploadAsync(jd);
        await TenantSession.Expect(accepted, HttpStatusCode.OK);
        Assert.Equal(3, (await Session.BalanceAsync(jd, cup))!.OnHand);
    }
}

public sealed class QuickOutboundTestsOnSqlite(SqliteApp app) : QuickOutboundTests(app);

public sealed class QuickOutboundTestsOnPostgres(PostgresApp app) : QuickOutboundTests(app);
