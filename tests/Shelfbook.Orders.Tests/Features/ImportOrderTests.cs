using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>订单导入: orders from Shelfbook's sheet or a platform's export, checked row by row before anything is written.</summary>
public abstract class ImportOrderTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Import = "/api/v1/orders/import";

    private async Task CatalogAsync()
    {
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products",
            new { name = "T恤", skus = new[] { new { code = "TSHIRT-RED-M", barcodes = Array.Empty<string>() }, new { code = "CUP-WHITE", barcodes = new[] { "6901234567892" } } } },
            HttpStatusCode.Created);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/combos",
            new { name = "杯衫套装", code = "SET-1", components = new[] { new { code = "TSHIRT-RED-M", quantity = 1 }, new { code = "CUP-WHITE", quantity = 2 } } }, HttpStatusCode.Created);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Pinduoduo", code = "PDD1", name = "拼多多旗舰店" }, HttpStatusCode.Created);
    }

    private static byte[] Sheet(params IDictionary<string, object?>[] rows)
    {
        // MiniExcel takes the header from the first row, so every row gets every column.
        var keys = rows.SelectMany(r => r.Keys).Distinct().ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(rows.Select(r => keys.ToDictionary(k => k, k => r.TryGetValue(k, out var v) ? v : null)), excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static Dictionary<string, object?> Row(string orderNo, string code, object? quantity, object? price = null, string receiver = "张三",
        string? province = "浙江省", string? city = "杭州市", string? address = "文三路 478 号", string? shop = null, string? currency = null) => new()
    {
        ["订单号"] = orderNo, ["店铺"] = shop, ["收货人"] = receiver, ["手机"] = "13812345678", ["省"] = province, ["市"] = city, ["区"] = "西湖区", ["详细地址"] = address,
        ["商家编码"] = code, ["数量"] = quantity, ["单价(元)"] = price, ["币种"] = currency,
    };

    private async Task<(HttpStatusCode, ImportResult)> ImportAsync(byte[] file, string query = "")
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(Workbooks.ContentType);
        form.Add(content, "file", "orders.xlsx");
        using var response = await Session.Api.PostAsync(new Uri(Import + query, UriKind.Relative), form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        return (response.StatusCode, JsonSerializer.Deserialize<ImportResult>(body, TenantSession.Json)!);
    }

    [Fact]
    public async Task The_template_imports_as_one_order_and_importing_it_again_adds_nothing()
    {
        await CatalogAsync();
        var template = await Session.Api.GetByteArrayAsync(new Uri(Import + "/template", UriKind.Relative));

        var (status, first) = await ImportAsync(template);
        var (_, second) = await ImportAsync(template);

        Assert.Equal((HttpStatusCode.OK, 2, 1, 0, true), (status, first.Rows, first.Created, first.Failed, first.Written));
        Assert.Equal((0, 1), (second.Created, second.Unchanged));
        await using var db = Session.OpenDb();
        var order = await db.Set<Order>().SingleAsync();
        Assert.Equal((OrderOrigin.Import, OrderStatus.PendingAudit, "DD20261128001", "浙江省", "杭州市", "西湖区", "文三路 478 号"),
            (order.Origin, order.Status, order.PlatformOrderNo, order.Province, order.City, order.District, order.Address));
        Assert.Equal((7970L, 0L, 7970L, 2, 3), (order.GoodsAmount, order.Discount, order.Paid, order.LineCount, order.Quantity));
        // 2026-11-28 10:30 on the tenant's clock (Shanghai) is 02:30 UTC.
        Assert.Equal(new DateTime(2026, 11, 28, 2, 30, 0, DateTimeKind.Utc), order.PaidAt);
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{order.Id}");
        Assert.Equal(["TSHIRT-RED-M", "CUP-WHITE"], detail.Lines.Select(l => l.SkuCode));
        Assert.Equal("import", Assert.Single(detail.Log).Reason);
    }

    [Fact]
    public async Task Every_bad_row_is_named_by_row_and_column_and_nothing_is_written_unless_valid_rows_only()
    {
        await CatalogAsync();
        var file = Sheet(
            Row("A1", "SET-1", 2, 99, shop: "pdd1"),
            Row("A1", "cup-white", 1, 10),
            Row("B1", "TSHIRT-RED-M", 1, 49.9, province: "火星省"),
            Row("C1", "TSHIRT-RED-M", 1, 49.9, province: null, city: null, address: "文三路 478 号"),
            Row("D1", "NOPE-1", 1, 10),
            Row("D1", "CUP-WHITE", 0, 10),
            Row("E1", "CUP-WHITE", 1, 10, shop: "没有这家店"),
            Row("F1", "CUP-WHITE", 1, 10, currency: "USD"),
            Row("G1", "CUP-WHITE", 1, "12.345"),
            Row("H1", "6901234567892", 3, 10, receiver: "李四", province: "浙江", city: "杭州", address: "浙江省杭州市西湖区文三路 1 号"),
            Row("H1", "CUP-WHITE", 1, 10, receiver: "王五"),
            new Dictionary<string, object?>(Row("J1", "CUP-WHITE", 1, 10)) { ["优惠(元)"] = 1, ["实付(元)"] = 100 });

        var (status, refused) = await ImportAsync(file);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, false, 12), (status, refused.Written, refused.Rows));
        var named = refused.Errors.Select(e => (e.Row, e.Column, e.Code)).ToHashSet();
        Assert.Subset(named, new HashSet<(int, string, string)>
        {
            (4, "省", "unknown_province"), (5, "详细地址", "unparseable_address"), (6, "商家编码", "unknown_sku"), (7, "数量", "out_of_range"),
            (8, "店铺", "unknown_shop"), (9, "币种", "no_rate"), (10, "单价(元)", "not_money"), (12, "收货人", "order_rows_differ"),
            (13, "实付(元)", "amounts_disagree"),
        });
        Assert.All(refused.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        await using (var db = Session.OpenDb())
            Assert.Equal(0, await db.Set<Order>().CountAsync());

        // The valid rows only: A1 (a combo and a code in any case), nothing of an order with a bad row.
        var (_, written) = await ImportAsync(file, "?validOnly=true");
        Assert.Equal((true, 1), (written.Written, written.Created));
        await using var check = Session.OpenDb();
        var order = await check.Set<Order>().SingleAsync();
        Assert.Equal(("A1", 2, 3, 20800L), (order.PlatformOrderNo, order.LineCount, order.Quantity, order.Paid));
        Assert.NotNull(order.ShopId);
        var items = await check.Set<OrderItem>().Where(i => i.OrderId == order.Id).ToListAsync();
        Assert.Equal([("CUP-WHITE", 1), ("CUP-WHITE", 4), ("TSHIRT-RED-M", 2)], items.Select(i => (i.SkuCode, i.Quantity)).Order());
        Assert.Equal(order.Paid - order.Postage, items.Sum(i => i.Amount));
    }

    [Fact]
    public async Task A_pinduoduo_export_is_read_with_its_own_headers_and_a_taobao_one_line_address_is_split()
    {
        await CatalogAsync();
        var pdd = Sheet(new Dictionary<string, object?>
        {
            ["订单号"] = "'261128-1234567", ["店铺名称"] = "拼多多旗舰店", ["收货人"] = "赵六", ["手机"] = "13700000000", ["省"] = "广东", ["市"] = "深圳", ["区"] = "南山区",
            ["街道"] = "科技园南区 9 号", ["商家编码-SKU维度"] = "CUP-WHITE", ["商品数量(件)"] = 4, ["商品总价(元)"] = 59.6, ["邮费(元)"] = 5, ["店铺优惠折扣(元)"] = 9.6,
            ["用户实付金额(元)"] = 55, ["支付时间"] = "2026/11/28 08:00:00", ["订单状态"] = "待发货",
        });
        var taobao = Sheet(new Dictionary<string, object?>
        {
            ["订单编号"] = "3987654321", ["买家会员名"] = "tb_001", ["收货人姓名"] = "钱七", ["联系手机"] = "13600000000",
            ["收货地址"] = "江苏省 苏州市 姑苏区 人民路 1 号", ["商家编码"] = "TSHIRT-RED-M", ["购买数量"] = 1, ["价格"] = 49.9, ["买家留言"] = "发顺丰",
        });

        var (_, fromPdd) = await ImportAsync(pdd, "?format=pinduoduo");
        var (_, fromTaobao) = await ImportAsync(taobao, "?format=taobao");
        using var missing = new MultipartFormDataContent();
        var content = new ByteArrayContent(taobao);
        missing.Add(content, "file", "orders.xlsx");
        using var refused = await Session.Api.PostAsync(new Uri(Import + "?format=douyin", UriKind.Relative), missing);
        using var unknown = await Session.Api.PostAsync(new Uri(Import + "?format=amazon", UriKind.Relative), new MultipartFormDataContent { { new ByteArrayContent(taobao), "file", "o.xlsx" } });

        Assert.Equal((1, 1), (fromPdd.Created, fromTaobao.Created));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("missing_columns", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("format", await unknown.Content.ReadAsStringAsync());
        await using var db = Session.OpenDb();
        var orders = await db.Set<Order>().ToDictionaryAsync(o => o.PlatformOrderNo!);
        var p = orders["261128-1234567"];
        Assert.Equal(("广东省", "深圳市", "南山区", "科技园南区 9 号"), (p.Province, p.City, p.District, p.Address));
        Assert.Equal((5960L, 960L, 500L, 5500L, 4), (p.GoodsAmount, p.Discount, p.Postage, p.Paid, p.Quantity));
        Assert.Equal(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc), p.PaidAt);
        var t = orders["3987654321"];
        Assert.Equal(("江苏省", "苏州市", "姑苏区", "人民路 1 号", "tb_001"), (t.Province, t.City, t.District, t.Address, t.BuyerNick));
        // A buyer's remark waits to be read, as on arrival from the platform.
        Assert.Equal((OrderStatus.Exception, OrderExceptions.RemarkToRead), (t.Status, t.Exceptions));
        Assert.Null(t.ShopId);
    }
}

public sealed class ImportOrderTestsOnSqlite(SqliteApp app) : ImportOrderTests(app);

public sealed class ImportOrderTestsOnPostgres(PostgresApp app) : ImportOrderTests(app);
