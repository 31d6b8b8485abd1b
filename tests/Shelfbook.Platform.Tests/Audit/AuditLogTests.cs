using System.Net;
using System.Text.Json;
using Shelfbook.Access.Features.BrowseAuditLog;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Audit;

public abstract class AuditLogTests(ShelfbookApp app) : TenantTest(app)
{
    private Task<WarehouseView> CreateWarehouseAsync(string code) =>
        Session.PostAsync<WarehouseView>("/api/v1/inventory/warehouses", new { code, name = "仓 " + code, type = "Own" }, HttpStatusCode.Created);

    [Fact]
    public async Task Lists_business_and_account_changes_newest_first_across_pages()
    {
        await CreateWarehouseAsync("A1");
        await Session.PostAsync<JsonElement>("/api/v1/access/tokens", new { name = "between" }, HttpStatusCode.Created);
        await CreateWarehouseAsync("A2");

        var entries = new List<AuditEntryView>();
        string? after = null;
        do
        {
            var page = await Session.GetAsync<Page<AuditEntryView>>("/api/v1/audit?limit=2" + (after is null ? "" : "&after=" + after));
            entries.AddRange(page.Items);
            after = page.Next;
        } while (after is not null);

        // Before these three: the tenant's creation (tenant, role, user) and the test kit's own token.
        var mine = entries.Where(e => e.EntityType is "warehouse" or "api_token").Select(e => e.EntityType).ToList();
        Assert.Equal(["warehouse", "api_token", "warehouse", "api_token"], mine);
        Assert.Equal(entries.Count, entries.Select(e => e.Id).Distinct().Count());
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.At >= p.Second.At), "newest first");
        Assert.Contains(entries, e => e.EntityType == "user" && e.Action == "create");
    }

    [Fact]
    public async Task Filters_by_category_entity_and_user()
    {
        var warehouse = await CreateWarehouseAsync("F1");
        await Session.PutAsync<WarehouseView>($"/api/v1/inventory/warehouses/{warehouse.Id}", new { code = "F1", name = "改名", type = "Own" });

        var byEntity = await Session.GetAsync<Page<AuditEntryView>>($"/api/v1/audit?entityType=warehouse&entityId={warehouse.Id}");
        var updates = await Session.GetAsync<Page<AuditEntryView>>("/api/v1/audit?action=update&category=system");
        var stock = await Session.GetAsync<Page<AuditEntryView>>("/api/v1/audit?category=Stock");
        var byUser = await Session.GetAsync<Page<AuditEntryView>>("/api/v1/audit?user=admin&entityType=warehouse");

        Assert.Equal(["update", "create"], byEntity.Items.Select(e => e.Action));
        Assert.Equal("改名", byEntity.Items[0].Changes.GetProperty("name")[1].GetString());
        Assert.Single(updates.Items);
        Assert.Empty(stock.Items);
        Assert.Equal(2, byUser.Items.Count);
    }

    [Fact]
    public async Task Dates_without_a_zone_are_read_on_the_tenants_clock()
    {
        await CreateWarehouseAsync("Z1");
        var shanghai = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TenantTime.Zone("Asia/Shanghai"));
        var today = shanghai.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = shanghai.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var fromToday = await Session.GetAsync<Page<AuditEntryView>>($"/api/v1/audit?entityType=warehouse&from={today}&to={tomorrow}");
        var untilToday = await Session.GetAsync<Page<AuditEntryView>>($"/api/v1/audit?entityType=warehouse&to={today}");

        Assert.Single(fromToday.Items);
        Assert.Empty(untilToday.Items);
    }

    [Fact]
    public async Task Bad_filters_name_the_parameter()
    {
        var category = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/audit?category=finance", null, HttpStatusCode.BadRequest);
        var cursor = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/audit?after=" + PageRequest.Cursor("nonsense"), null, HttpStatusCode.BadRequest);
        var range = await Session.ProblemAsync(HttpMethod.Get, "/api/v1/audit?from=2026-02-01&to=2026-01-01", null, HttpStatusCode.BadRequest);

        Assert.True(category.GetProperty("errors").TryGetProperty("category", out _));
        Assert.True(cursor.GetProperty("errors").TryGetProperty("after", out _));
        Assert.True(range.GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task Reading_the_log_needs_its_permission()
    {
        using var clerk = await Session.NewUserAsync("clerk", Inventory.InventoryPermissions.ViewWarehouses);

        using var response = await clerk.GetAsync(new Uri("/api/v1/audit", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

public sealed class AuditLogTestsOnSqlite(SqliteApp app) : AuditLogTests(app);

public sealed class AuditLogTestsOnPostgres(PostgresApp app) : AuditLogTests(app);
