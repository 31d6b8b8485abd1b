using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Logistics.Features.CarrierRules;
using Shelfbook.Logistics.Features.ChooseCarriers;
using Shelfbook.Logistics.Features.ManageCarriers;
using Shelfbook.Logistics.Features.RateTables;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.TestKit;

namespace Shelfbook.Logistics.Tests.Features;

/// <summary>Carriers with their services, rate tables typed and imported, the freight quote and carrier rules, over the API.</summary>
public abstract class LogisticsApiTests(ShelfbookApp app) : TenantTest(app)
{
    private async Task<Guid> WarehouseAsync(string code) =>
        (await Session.PostAsync<JsonElement>("/api/v1/inventory/warehouses", new { code, name = "仓 " + code, type = "Own" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private Task<CarrierView> CarrierAsync(string code, params object[] services) =>
        Session.PostAsync<CarrierView>("/api/v1/logistics/carriers", new { code, name = code + " 快递", services }, HttpStatusCode.Created);

    private static object Zone(string name, string[] destinations, int firstGrams, long firstPrice, int stepGrams = 1000, long stepPrice = 100, long minCharge = 0, int? maxGrams = null) =>
        new { name, destinations, firstGrams, firstPrice, stepGrams, stepPrice, minCharge, maxGrams };

    [Fact]
    public async Task A_carrier_keeps_its_services_and_a_service_left_out_goes_with_its_rate_tables()
    {
        var sh = await WarehouseAsync("SH");
        var sf = await CarrierAsync("SF", new { code = "STD", name = "标快", warehouseIds = new[] { sh } }, new { code = "EXP", name = "特快", volumetricDivisor = 6000 });
        Assert.Equal(["STD", "EXP"], sf.Services.Select(s => s.Code));
        Assert.Equal([sh], sf.Services[0].WarehouseIds);
        var express = sf.Services[1];
        await Session.PostAsync<RateTableView>("/api/v1/logistics/rate-tables",
            new { serviceId = express.Id, name = "特快", zones = new[] { Zone("全国", ["CN"], 1000, 2300) } }, HttpStatusCode.Created);
        Assert.Equal(1, (await Session.GetAsync<CarrierView>($"/api/v1/logistics/carriers/{sf.Id}")).Services[1].RateTables);

        // Rename the first, drop the second, add a third: ids of kept services stay.
        var changed = await Session.PutAsync<CarrierView>($"/api/v1/logistics/carriers/{sf.Id}", new
        {
            code = "SF", name = "顺丰速运", crossBorder = false,
            services = new object[] { new { id = sf.Services[0].Id, code = "STD", name = "顺丰标快", warehouseIds = Array.Empty<Guid>() }, new { code = "ECO", name = "顺丰电商标快" } },
        });
        Assert.Equal((sf.Services[0].Id, "顺丰标快"), (changed.Services[0].Id, changed.Services[0].Name));
        Assert.Equal(["STD", "ECO"], changed.Services.Select(s => s.Code));
        Assert.Empty(await Session.GetAsync<List<RateTableView>>("/api/v1/logistics/rate-tables"));

        await using var db = Session.OpenDb();
        Assert.Contains(await db.Set<AuditEntry>().Where(e => e.EntityType == "carrier_service").Select(e => e.Action).ToListAsync(), a => a.Contains("delete", StringComparison.OrdinalIgnoreCase));
        using var deleted = await Session.Api.DeleteAsync(new Uri($"/api/v1/logistics/carriers/{sf.Id}", UriKind.Relative));
        await TenantSession.Expect(deleted, HttpStatusCode.NoContent);
        Assert.Empty(await Session.GetAsync<List<CarrierView>>("/api/v1/logistics/carriers"));
    }

    [Fact]
    public async Task A_carrier_at_fault_is_refused_field_by_field_and_nothing_is_saved()
    {
        await CarrierAsync("ZTO", new { code = "STD", name = "标准" });
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/carriers", new
        {
            code = "zto", name = " ",
            services = new object[]
            {
                new { code = "A", name = "甲", volumetricDivisor = 50, warehouseIds = new[] { Guid.NewGuid() } }, new { code = "a", name = "" },
            },
        }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "code", "name", "services[0].volumetricDivisor", "services[0].warehouseIds", "services[1].code", "services[1].name" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        var badCode = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/carriers", new { code = "顺 丰", name = "x" }, HttpStatusCode.BadRequest);
        Assert.True(badCode.GetProperty("errors").TryGetProperty("code", out _));
        Assert.Single(await Session.GetAsync<List<CarrierView>>("/api/v1/logistics/carriers"));
    }

    [Fact]
    public async Task A_rate_table_exports_to_xlsx_and_imports_back_the_same_and_a_sheet_with_bad_rows_changes_nothing()
    {
        var sh = await WarehouseAsync("SH");
        var zto = await CarrierAsync("ZTO", new { code = "STD", name = "标准" });
        var table = await Session.PostAsync<RateTableView>("/api/v1/logistics/rate-tables", new
        {
            serviceId = zto.Services[0].Id, warehouseId = sh, name = "上海发", currency = "cny",
            zones = new[] { Zone("江浙沪", ["上海", "江苏", "浙江"], 1000, 450), Zone("全国", ["cn"], 1000, 600, 500, 150, 500, 30_000) },
        }, HttpStatusCode.Created);
        Assert.Equal(("CNY", 2), (table.Currency, table.ZoneCount));
        var typed = (await Session.GetAsync<RateTableView>($"/api/v1/logistics/rate-tables/{table.Id}")).Zones!;
        Assert.Equal(["上海", "江苏", "浙江"], typed[0].Destinations);
        Assert.Equal(("CN", 30_000), (typed[1].Destinations[0], typed[1].MaxGrams!.Value));

        using var export = await Session.Api.GetAsync(new Uri($"/api/v1/logistics/rate-tables/{table.Id}/export", UriKind.Relative));
        await TenantSession.Expect(export, HttpStatusCode.OK);
        var sheet = await export.Content.ReadAsByteArrayAsync();
        await Session.PutAsync<RateTableView>($"/api/v1/logistics/rate-tables/{table.Id}", new { serviceId = zto.Services[0].Id, warehouseId = sh, name = "上海发", zones = Array.Empty<object>() });
        var imported = await ImportAsync(table.Id, sheet);
        Assert.Equal((2, 0), (imported.Zones, imported.Errors.Count));
        Assert.Equivalent(typed, (await Session.GetAsync<RateTableView>($"/api/v1/logistics/rate-tables/{table.Id}")).Zones);

        var bad = Workbooks.Sheet(ManageRateTables.Columns, [
            new Dictionary<string, object?> { ["name"] = "华南", ["destinations"] = "广东，广西", ["firstGrams"] = 1000, ["firstPrice"] = "5.5" },
            new Dictionary<string, object?> { ["name"] = "西北", ["destinations"] = "", ["firstGrams"] = "一公斤", ["firstPrice"] = "8" },
            new Dictionary<string, object?> { ["name"] = "东北", ["destinations"] = "辽宁", ["firstGrams"] = 1000, ["firstPrice"] = "6.123", ["stepPrice"] = 2 },
        ]);
        var refused = await ImportAsync(table.Id, bad);
        Assert.Equal(0, refused.Zones);
        Assert.Equal(new[] { (3, "目的地"), (3, "首重(克)"), (4, "首重费用(元)"), (4, "续重(克)") }.Order(), refused.Errors.Select(e => (e.Row, e.Column)).Order());
        Assert.Equal(2, (await Session.GetAsync<RateTableView>($"/api/v1/logistics/rate-tables/{table.Id}")).ZoneCount);

        var notXlsx = await UploadAsync(table.Id, "zone,price"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, notXlsx.StatusCode);
    }

    private async Task<HttpResponseMessage> UploadAsync(Guid table, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(Workbooks.ContentType);
        form.Add(file, "file", "rates.xlsx");
        return await Session.Api.PostAsync(new Uri($"/api/v1/logistics/rate-tables/{table}/import", UriKind.Relative), form);
    }

    private async Task<RateImportResult> ImportAsync(Guid table, byte[] sheet)
    {
        using var response = await UploadAsync(table, sheet);
        await TenantSession.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<RateImportResult>(TenantSession.Json))!;
    }

    [Fact]
    public async Task A_rate_table_at_fault_is_refused_zone_by_zone_and_one_service_has_one_table_per_warehouse()
    {
        var zto = await CarrierAsync("ZTO", new { code = "STD", name = "标准" });
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/rate-tables", new
        {
            serviceId = zto.Services[0].Id, warehouseId = Guid.NewGuid(), name = "", currency = "RMB!",
            zones = new[] { Zone("甲", [], 0, -1), Zone("乙", ["CN"], 1000, 100, 0, 100, -5, 500) },
        }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "warehouseId", "name", "currency", "zones[0].destinations", "zones[0].firstGrams", "zones[0].firstPrice", "zones[1].stepGrams",
                     "zones[1].minCharge", "zones[1].maxGrams" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Contains(errors.GetProperty("zones[1].stepGrams")[0].GetString(), new[] { "填写了续重费用就要填写续重重量。", "A step price needs the step's weight." });
        await Session.PostAsync<RateTableView>("/api/v1/logistics/rate-tables", new { serviceId = zto.Services[0].Id, name = "通用", zones = new[] { Zone("全国", ["CN"], 1000, 600) } },
            HttpStatusCode.Created);
        var twice = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/rate-tables", new { serviceId = zto.Services[0].Id, name = "又一个" }, HttpStatusCode.BadRequest);
        Assert.True(twice.GetProperty("errors").TryGetProperty("warehouseId", out _));
        Assert.Single(await Session.GetAsync<List<RateTableView>>("/api/v1/logistics/rate-tables"));
    }

    [Fact]
    public async Task The_quote_prices_a_parcel_with_every_service_cheapest_first_and_says_why_the_others_cannot_take_it()
    {
        var sh = await WarehouseAsync("SH");
        var gz = await WarehouseAsync("GZ");
        var sf = await CarrierAsync("SF", new { code = "STD", name = "顺丰标快" });
        var zto = await CarrierAsync("ZTO", new { code = "STD", name = "中通", warehouseIds = new[] { sh } });
        await Session.PostAsync<RateTableView>("/api/v1/logistics/rate-tables",
            new { serviceId = sf.Services[0].Id, name = "顺丰", zones = new[] { Zone("全国", ["CN"], 1000, 1600, 1000, 500) } }, HttpStatusCode.Created);
        await Session.PostAsync<RateTableView>("/api/v1/logistics/rate-tables",
            new { serviceId = zto.Services[0].Id, name = "中通", zones = new[] { Zone("全国", ["CN"], 1000, 600, 1000, 300) } }, HttpStatusCode.Created);
        var fromShanghai = await Session.GetAsync<List<ServiceQuote>>($"/api/v1/logistics/quote?warehouseId={sh}&province=广东省&weightGrams=2500");
        Assert.Equal([("ZTO", (long?)1200), ("SF", 2600)], fromShanghai.Select(q => (q.CarrierCode, q.Freight)));
        var fromGuangzhou = await Session.GetAsync<List<ServiceQuote>>($"/api/v1/logistics/quote?warehouseId={gz}&province=广东省&weightGrams=2500");
        Assert.Equal([("SF", (long?)2600, (string?)null), ("ZTO", null, "not_offered")], fromGuangzhou.Select(q => (q.CarrierCode, q.Freight, q.Problem)));
        var abroad = await Session.GetAsync<List<ServiceQuote>>($"/api/v1/logistics/quote?warehouseId={sh}&country=US&weightGrams=500");
        Assert.All(abroad, q => Assert.Equal("no_rate", q.Problem));
        var wrong = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/logistics/quote?country=USA&weightGrams=-1", null, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "warehouseId", "weightGrams", "country" }) Assert.True(wrong.GetProperty("errors").TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Carrier_rules_are_kept_by_priority_refused_field_by_field_and_only_editable_with_the_manage_permission()
    {
        var sh = await WarehouseAsync("SH");
        var sf = await CarrierAsync("SF", new { code = "STD", name = "顺丰标快" });
        var rule = await Session.PostAsync<CarrierRuleView>("/api/v1/logistics/carrier-rules", new
        {
            name = "偏远走顺丰", priority = 20, warehouseIds = new[] { sh }, destinations = new[] { "新疆", "西藏", "us" }, weightMin = 0, weightMax = 30_000,
            serviceIds = new[] { sf.Services[0].Id }, strategy = "FirstQualifying",
        }, HttpStatusCode.Created);
        Assert.Equal(["新疆", "西藏", "US"], rule.Destinations);
        await Session.PostAsync<CarrierRuleView>("/api/v1/logistics/carrier-rules", new { name = "兜底", priority = 5 }, HttpStatusCode.Created);
        Assert.Equal(["兜底", "偏远走顺丰"], (await Session.GetAsync<List<CarrierRuleView>>("/api/v1/logistics/carrier-rules")).Select(r => r.Name));

        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/carrier-rules", new
        {
            name = "", priority = -1, serviceIds = new[] { Guid.NewGuid() }, shopIds = new[] { Guid.NewGuid() }, weightMin = 500, weightMax = 100, paidMin = 10, paidMax = 5,
            strategy = "Fastest",
        }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "name", "priority", "serviceIds", "shopIds", "weightMax", "paidMax", "strategy" })
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);

        using var viewer = await Session.NewUserAsync("viewer", LogisticsPermissions.View);
        using var listed = await viewer.GetAsync(new Uri("/api/v1/logistics/carrier-rules", UriKind.Relative));
        await TenantSession.Expect(listed, HttpStatusCode.OK);
        using var refused = await viewer.DeleteAsync(new Uri($"/api/v1/logistics/carrier-rules/{rule.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(2, (await Session.GetAsync<List<CarrierRuleView>>("/api/v1/logistics/carrier-rules")).Count);
    }
}

public sealed class LogisticsApiTestsOnSqlite(SqliteApp app) : LogisticsApiTests(app);

public sealed class LogisticsApiTestsOnPostgres(PostgresApp app) : LogisticsApiTests(app);
