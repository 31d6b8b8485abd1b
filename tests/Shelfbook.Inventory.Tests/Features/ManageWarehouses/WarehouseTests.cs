using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Inventory;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.ManageWarehouses;

public abstract class WarehouseTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Url = "/api/v1/inventory/warehouses";

    private static object Input(string code, string name = "上海仓", string type = "Own", bool? ships = null) =>
        new { code, name, type, province = "上海市", city = "上海市", district = "青浦区", address = "华新镇 1 号", contactName = "王", contactPhone = "021-1", shipsOrdersItself = ships };

    [Fact]
    public async Task Create_then_get_and_list_it()
    {
        var created = await Session.PostAsync<WarehouseView>(Url, Input("SH01"), HttpStatusCode.Created);

        Assert.Equal("SH01", created.Code);
        Assert.Equal("Own", created.Type);
        Assert.True(created.ShipsOrdersItself);
        Assert.True(created.Active);
        var fetched = await Session.GetAsync<WarehouseView>($"{Url}/{created.Id}");
        Assert.Equal(created, fetched);
        var page = await Session.GetAsync<Page<WarehouseView>>(Url);
        Assert.Equal([created.Id], page.Items.Select(w => w.Id));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Create_writes_an_audit_entry_with_the_fields()
    {
        var created = await Session.PostAsync<WarehouseView>(Url, Input("SH01"), HttpStatusCode.Created);

        await using var db = Session.OpenDb();
        var entry = await db.AuditEntries.SingleAsync(a => a.EntityId == created.Id.ToString());
        Assert.Equal(AuditCategory.System, entry.Category);
        Assert.Equal("warehouse", entry.EntityType);
        Assert.Equal("create", entry.Action);
        Assert.Equal(Session.AdminId, entry.UserId);
        using var changes = JsonDocument.Parse(entry.Changes);
        Assert.Equal("SH01", changes.RootElement.GetProperty("code")[1].GetString());
        Assert.Equal("Own", changes.RootElement.GetProperty("type")[1].GetString());
        Assert.False(changes.RootElement.TryGetProperty("normalizedCode", out _));
    }

    [Fact]
    public async Task Third_party_warehouse_does_not_ship_itself_by_default()
    {
        var created = await Session.PostAsync<WarehouseView>(Url, Input("3PL", "外包仓", "thirdparty"), HttpStatusCode.Created);

        Assert.Equal("ThirdParty", created.Type);
        Assert.False(created.ShipsOrdersItself);
    }

    [Fact]
    public async Task Third_party_warehouse_that_ships_itself_is_refused()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, Url, Input("3PL", "外包仓", "ThirdParty", ships: true), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("shipsOrdersItself", out _));
    }

    [Fact]
    public async Task Duplicate_code_in_any_case_is_refused_and_nothing_is_written()
    {
        await Session.PostAsync<WarehouseView>(Url, Input("SH01"), HttpStatusCode.Created);

        var problem = await Session.ProblemAsync(HttpMethod.Post, Url, Input(" sh01 ", "另一个"), HttpStatusCode.BadRequest);

        Assert.Equal("duplicate", problem.GetProperty("codes").GetProperty("code")[0].GetString());
        await using var db = Session.OpenDb();
        Assert.Equal(1, await db.Set<Warehouse>().CountAsync());
        Assert.Equal(1, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Missing_name_and_unknown_type_are_both_named()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, Url, new { code = "X1", name = " ", type = "Garage" }, HttpStatusCode.BadRequest);

        var codes = problem.GetProperty("codes");
        Assert.Equal("required", codes.GetProperty("name")[0].GetString());
        Assert.Equal("unknown_value", codes.GetProperty("type")[0].GetString());
        Assert.Contains("Garage", problem.GetProperty("errors").GetProperty("type")[0].GetString());
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<Warehouse>().CountAsync());
    }

    [Fact]
    public async Task Errors_are_in_english_when_asked()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url, UriKind.Relative))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { code = "X1", type = "Own" }),
        };
        request.Headers.AcceptLanguage.ParseAdd("en");
        using var response = await Session.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"name\":[\"Required.\"]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_naming_the_field()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, Url, """{"code":"X1","shipsOrdersItself":"yes"}""", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("shipsOrdersItself", out _));
        await Session.ProblemAsync(HttpMethod.Post, Url, """{"code":""", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Update_logs_only_the_fields_that_changed()
    {
        var created = await Session.PostAsync<WarehouseView>(Url, Input("SH01"), HttpStatusCode.Created);

        var updated = await Session.PutAsync<WarehouseView>($"{Url}/{created.Id}", Input("SH01", "上海一号仓"));

        Assert.Equal("上海一号仓", updated.Name);
        await using var db = Session.OpenDb();
        var entry = await db.AuditEntries.SingleAsync(a => a.EntityId == created.Id.ToString() && a.Action == "update");
        using var changes = JsonDocument.Parse(entry.Changes);
        Assert.Equal(["name"], changes.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("上海仓", changes.RootElement.GetProperty("name")[0].GetString());
    }

    [Fact]
    public async Task Update_to_another_warehouses_code_is_refused()
    {
        await Session.PostAsync<WarehouseView>(Url, Input("SH01"), HttpStatusCode.Created);
        var second = await Session.PostAsync<WarehouseView>(Url, Input("GZ01", "广州仓"), HttpStatusCode.Created);

        var problem = await Session.ProblemAsync(HttpMethod.Put, $"{Url}/{second.Id}", Input("sh01", "广州仓"), HttpStatusCode.BadRequest);

        Assert.Equal("duplicate", problem.GetProperty("codes").GetProperty("code")[0].GetString());
        Assert.Equal("GZ01", (await Session.GetAsync<WarehouseView>($"{Url}/{second.Id}")).Code);
    }

    [Fact]
    public async Task Deactivate_keeps_the_warehouse_and_twice_is_a_conflict()
    {
        var created = await Session.PostAsync<WarehouseView>(Url, Input("SH01"), HttpStatusCode.Created);

        var deactivated = await Session.PostAsync<WarehouseView>($"{Url}/{created.Id}/deactivate", null);
        var problem = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{created.Id}/deactivate", null, HttpStatusCode.Conflict);

        Assert.False(deactivated.Active);
        Assert.Equal("warehouse.already_inactive", problem.GetProperty("code").GetString());
        Assert.Empty((await Session.GetAsync<Page<WarehouseView>>($"{Url}?active=true")).Items);
        Assert.Single((await Session.GetAsync<Page<WarehouseView>>($"{Url}?active=false")).Items);
        await using var db = Session.OpenDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityId == created.Id.ToString() && a.Action == "deactivate"));
        Assert.True((await Session.PostAsync<WarehouseView>($"{Url}/{created.Id}/activate", null)).Active);
    }

    [Fact]
    public async Task Lists_page_by_keyset_in_code_order()
    {
        string[] codes = ["W05", "W01", "W07", "W03", "W02", "W06", "W04"];
        foreach (var code in codes)
            await Session.PostAsync<WarehouseView>(Url, Input(code, "仓 " + code), HttpStatusCode.Created);

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await Session.GetAsync<Page<WarehouseView>>($"{Url}?limit=3" + (after is null ? "" : "&after=" + after));
            seen.AddRange(page.Items.Select(w => w.Code));
            after = page.Next;
            pages++;
        } while (after is not null);

        Assert.Equal(codes.Order(StringComparer.Ordinal), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Search_finds_by_code_name_or_city()
    {
        await Session.PostAsync<WarehouseView>(Url, Input("SH01", "上海主仓"), HttpStatusCode.Created);
        await Session.PostAsync<WarehouseView>(Url, new { code = "GZ01", name = "广州仓", type = "Own", city = "广州市" }, HttpStatusCode.Created);

        Assert.Equal(["SH01"], (await Session.GetAsync<Page<WarehouseView>>($"{Url}?search=sh0")).Items.Select(w => w.Code));
        Assert.Equal(["SH01"], (await Session.GetAsync<Page<WarehouseView>>($"{Url}?search={Uri.EscapeDataString("主仓")}")).Items.Select(w => w.Code));
        Assert.Equal(["GZ01"], (await Session.GetAsync<Page<WarehouseView>>($"{Url}?search={Uri.EscapeDataString("广州市")}")).Items.Select(w => w.Code));
    }

    [Fact]
    public async Task Bad_paging_arguments_name_the_parameter()
    {
        var limit = await Session.ProblemAsync(HttpMethod.Get, $"{Url}?limit=0", null, HttpStatusCode.BadRequest);
        var after = await Session.ProblemAsync(HttpMethod.Get, $"{Url}?after=%%%", null, HttpStatusCode.BadRequest);

        Assert.True(limit.GetProperty("errors").TryGetProperty("limit", out _));
        Assert.True(after.GetProperty("errors").TryGetProperty("after", out _));
    }

    [Fact]
    public async Task Unknown_warehouse_is_404()
    {
        await Session.ProblemAsync(HttpMethod.Get, $"{Url}/{Guid.CreateVersion7()}", null, HttpStatusCode.NotFound);
        await Session.ProblemAsync(HttpMethod.Put, $"{Url}/{Guid.CreateVersion7()}", Input("X"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Viewing_without_the_manage_permission_cannot_change()
    {
        var viewer = await Session.NewUserAsync("viewer", InventoryPermissions.ViewWarehouses);
        var outsider = await Session.NewUserAsync("outsider");

        using (var response = await viewer.GetAsync(new Uri(Url, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await viewer.PostAsync(new Uri(Url, UriKind.Relative), System.Net.Http.Json.JsonContent.Create(Input("SH09"))))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using (var response = await outsider.GetAsync(new Uri(Url, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public void Warehouse_rules_hold_without_a_database()
    {
        var now = DateTime.UtcNow;
        var warehouse = Warehouse.Create(new WarehouseInput("dc-1", "仓", "Virtual"), now);

        Assert.Equal("DC-1", warehouse.NormalizedCode);
        Assert.False(warehouse.ShipsOrdersItself);
        var error = Assert.Throws<InputRejectedException>(() => Warehouse.Create(new WarehouseInput("A B", "n", "Own", Country: "China"), now));
        Assert.Equal(["code", "country"], error.Errors.Select(e => e.Field));
    }
}

public sealed class WarehouseTestsOnSqlite(SqliteApp app) : WarehouseTests(app);

public sealed class WarehouseTestsOnPostgres(PostgresApp app) : WarehouseTests(app);
