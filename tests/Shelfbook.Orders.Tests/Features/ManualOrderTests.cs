using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Orders.Features.ManualOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>线下订单: an order typed in by hand is resolved like a platform order, or refused line by line.</summary>
public abstract class ManualOrderTests(ShelfbookApp app) : TenantTest(app)
{
    private async Task CatalogAsync()
    {
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products",
            new { name = "纯棉T恤", skus = new[] { new { code = "A-1", barcodes = new[] { "6901234567892" } }, new { code = "B-2", barcodes = Array.Empty<string>() } } },
            HttpStatusCode.Created);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/combos",
            new { name = "T恤两件套", code = "AB-SET", components = new[] { new { code = "A-1", quantity = 1 }, new { code = "B-2", quantity = 1 } } }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_manual_order_resolves_codes_barcodes_and_combos_and_its_amounts_add_up()
    {
        await CatalogAsync();
        var created = await Session.PostAsync<ManualOrderCreated>("/api/v1/orders/manual", new
        {
            buyerNick = "老顾客", receiver = new { receiverName = "孙八", receiverPhone = "13900000000", province = "广东省", city = "深圳市", address = "科技园 1 号" },
            lines = new object[] { new { code = "ab-set", quantity = 2, price = 9900 }, new { code = "6901234567892", quantity = 1, price = 4900 } },
            discount = 1000, postage = 800, sellerMemo = "电话订单",
        }, HttpStatusCode.Created);

        Assert.Equal(OrderStatus.PendingAudit, created.Status);
        Assert.Matches(@"^SO\d{6}\d{5,}$", created.OrderNo);
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{created.Id}");
        Assert.Equal((OrderOrigin.Manual, 24700L, 1000L, 800L, 24500L), (detail.Order.Origin, detail.Order.GoodsAmount, detail.Order.Discount, detail.Order.Postage, detail.Order.Paid));
        Assert.Equal(["AB-SET", "A-1"], detail.Lines.Select(l => l.SkuCode));
        Assert.Equal(detail.Order.Paid - detail.Order.Postage, detail.Lines.Sum(l => l.Paid));
        Assert.Equal([("A-1", 1), ("A-1", 2), ("B-2", 2)], detail.Items.Select(i => (i.SkuCode, i.Quantity)).Order());
        foreach (var line in detail.Lines) Assert.Equal(line.Paid, detail.Items.Where(i => i.LineId == line.Id).Sum(i => i.Amount));
        Assert.Equal("manual", Assert.Single(detail.Log).Reason);
    }

    [Fact]
    public async Task A_reissue_sends_items_again_at_no_charge_linked_to_the_original_and_a_copy_repeats_the_order()
    {
        await CatalogAsync();
        var original = await Session.PostAsync<ManualOrderCreated>("/api/v1/orders/manual", new
        {
            receiver = new { receiverName = "孙八", province = "广东省", city = "深圳市", address = "科技园 1 号" },
            lines = new object[] { new { code = "AB-SET", quantity = 1, price = 9900 }, new { code = "B-2", quantity = 3, price = 2900 } },
        }, HttpStatusCode.Created);

        var noReason = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/orders/{original.Id}/reissue",
            new { lines = new[] { new { code = "A-1", quantity = 1 } } }, HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/orders/{Guid.NewGuid()}/reissue", new { reason = "少发", lines = new[] { new { code = "A-1", quantity = 1 } } },
            HttpStatusCode.NotFound);

        var reissue = await Session.PostAsync<ManualOrderCreated>($"/api/v1/orders/{original.Id}/reissue",
            new { reason = "买家说少了一件白色", lines = new[] { new { code = "A-1", quantity = 1, price = 9900 } } }, HttpStatusCode.Created);
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{reissue.Id}");
        Assert.Equal((OrderOrigin.Reissue, (Guid?)original.Id, 0L, "孙八", "买家说少了一件白色"),
            (detail.Order.Origin, detail.Order.ReissueOf, detail.Order.Paid, detail.Order.ReceiverName, detail.Order.SellerMemo));
        Assert.Equal(("A-1", 1, 0L), (Assert.Single(detail.Items).SkuCode, detail.Items[0].Quantity, detail.Items[0].Amount));
        Assert.Empty(detail.Sources);
        Assert.Equal(OrderStatus.PendingAudit, detail.Order.Status);

        var copy = await Session.PostAsync<ManualOrderCreated>($"/api/v1/orders/{original.Id}/copy", null, HttpStatusCode.Created);
        var (a, b) = (await Session.GetAsync<OrderDetail>($"/api/v1/orders/{original.Id}"), await Session.GetAsync<OrderDetail>($"/api/v1/orders/{copy.Id}"));
        Assert.NotEqual(a.Order.OrderNo, b.Order.OrderNo);
        Assert.Equal((a.Order.Paid, a.Order.ReceiverName), (b.Order.Paid, b.Order.ReceiverName));
        Assert.Equal(a.Lines.Select(l => (l.SkuCode, l.Quantity, l.Price)), b.Lines.Select(l => (l.SkuCode, l.Quantity, l.Price)));
    }

    [Fact]
    public async Task The_list_filters_by_sku_buyer_tag_and_platform_and_exports_what_it_shows()
    {
        await CatalogAsync();
        async Task<ManualOrderCreated> OrderAsync(string buyer, string code) => await Session.PostAsync<ManualOrderCreated>("/api/v1/orders/manual", new
        {
            buyerNick = buyer, receiver = new { receiverName = "孙八", province = "广东省", city = "深圳市", address = "科技园 1 号" },
            lines = new[] { new { code, quantity = 1, price = 1000 } },
        }, HttpStatusCode.Created);
        var set = await OrderAsync("老王", "AB-SET");
        var plain = await OrderAsync("老王", "b-2");
        var other = await OrderAsync("小李", "A-1");
        await using (var db = Session.OpenDb())
            await db.Set<Order>().Where(o => o.Id == other.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.Tags, new List<string> { "VIP" }));

        async Task<List<string>> NumbersAsync(string query) =>
            (await Session.GetAsync<Shelfbook.Kernel.Page<OrderRow>>("/api/v1/orders?" + query)).Items.Select(r => r.OrderNo).Order().ToList();
        // A SKU is found as a combo's part too, in any letter case; a buyer by name; a tag; orders without a shop have no platform.
        Assert.Equal(new[] { set.OrderNo, other.OrderNo }.Order(), await NumbersAsync("sku=a-1"));
        Assert.Equal(new[] { set.OrderNo, plain.OrderNo }.Order(), await NumbersAsync("buyer=老王"));
        Assert.Equal([other.OrderNo], await NumbersAsync("tag=VIP"));
        Assert.Empty(await NumbersAsync("platform=Taobao"));
        var bad = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/orders?platform=Nowhere", null, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("platform", out _));
        var counts = await Session.GetAsync<OrderCounts>("/api/v1/orders/counts?buyer=老王");
        Assert.Equal(2, counts.ByStatus.Values.Sum());

        using var export = await Session.Api.GetAsync(new Uri("/api/v1/orders/export?buyer=%E8%80%81%E7%8E%8B", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var rows = MiniExcelLibs.MiniExcel.Query(await export.Content.ReadAsStreamAsync(), useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(new[] { set.OrderNo, plain.OrderNo }.Order(), rows.Select(r => r["订单号"]?.ToString()).Order());
        Assert.All(rows, r => Assert.Equal(10m, Convert.ToDecimal(r["实付(元)"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_manual_order_with_bad_lines_and_no_address_is_refused_naming_each_field_and_nothing_is_written()
    {
        await CatalogAsync();
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/manual", new
        {
            receiver = new { receiverName = "", province = "广东省" },
            lines = new object[] { new { code = "A-1", quantity = 0, price = 100 }, new { code = "", quantity = 1 }, new { code = "A-1", quantity = 1, price = -5 } },
            discount = -1,
        }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "receiver.receiverName", "receiver.city", "receiver.address", "lines[0].quantity", "lines[1].code", "lines[2].price", "discount" })
            Assert.True(errors.TryGetProperty(field, out _), field);

        var unknown = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/manual", new
        {
            receiver = new { receiverName = "孙八", province = "广东省", city = "深圳市", address = "科技园 1 号" },
            lines = new object[] { new { code = "A-1", quantity = 1, price = 100 }, new { code = "NOPE-1", quantity = 1, price = 100 } },
        }, HttpStatusCode.BadRequest);
        Assert.Contains("NOPE-1", unknown.GetProperty("errors").GetProperty("lines[1].code")[0].GetString(), StringComparison.Ordinal);
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<Order>().CountAsync());
        Assert.Equal(0, await db.Set<OrderLine>().CountAsync());
    }
}

public sealed class ManualOrderTestsOnSqlite(SqliteApp app) : ManualOrderTests(app);

public sealed class ManualOrderTestsOnPostgres(PostgresApp app) : ManualOrderTests(app);
