using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Access.Features.ManageTenants;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Tenancy;

public abstract class TenantAdminTests(ShelfbookApp app) : TenantTest(app)
{
    private async Task<HttpClient> OperatorAsync()
    {
        await using (var control = App.OpenControl())
            await control.Users.Where(u => u.Id == Session.AdminId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsOperator, true));
        return Session.Api;
    }

    [Fact]
    public async Task An_operator_creates_a_tenant_whose_admin_can_work_in_it()
    {
        await OperatorAsync();
        var code = "co" + Guid.NewGuid().ToString("N")[..8];

        var created = await Session.PostAsync<CreatedTenant>("/api/v1/access/tenants",
            new { code, name = "新公司", adminLogin = "Boss", adminPassword = "Strong-Pass1" }, HttpStatusCode.Created);

        Assert.Equal("boss", created.AdminLogin);
        await using var control = App.OpenControl();
        var admin = await control.Users.SingleAsync(u => u.UserName == ShelfbookUser.UserNameFor(code, "boss"));
        Assert.False(admin.IsOperator);
        using var client = App.ApiClient(await App.CreateTokenAsync(admin.Id));
        using var response = await client.PostAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { code = "W1", name = "仓", type = "Own" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var listed = await Session.GetAsync<Page<TenantView>>("/api/v1/access/tenants?limit=500");
        Assert.Contains(listed.Items, t => t.Code == code);
    }

    [Fact]
    public async Task An_operator_switches_a_tenant_off_and_on_but_not_their_own()
    {
        await OperatorAsync();
        var other = await App.NewTenantAsync();

        var off = await Session.PostAsync<TenantView>($"/api/v1/access/tenants/{other.Tenant.Value}/deactivate", null);
        using (var refused = await other.Api.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var on = await Session.PostAsync<TenantView>($"/api/v1/access/tenants/{other.Tenant.Value}/activate", null);
        var own = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/access/tenants/{Session.Tenant.Value}/deactivate", null, HttpStatusCode.Conflict);

        Assert.False(off.Active);
        Assert.True(on.Active);
        Assert.Equal(1, on.Users);
        Assert.Equal("access.cannot_deactivate_own_tenant", own.GetProperty("code").GetString());
        using var back = await other.Api.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Creating_an_existing_tenant_is_a_clear_error()
    {
        await OperatorAsync();

        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/access/tenants",
            new { code = Session.Tenant.Value, name = "again", adminLogin = "x", adminPassword = "Strong-Pass1" }, HttpStatusCode.BadRequest);

        Assert.Equal("duplicate", problem.GetProperty("codes").GetProperty("code")[0].GetString());
    }

    [Fact]
    public async Task Bad_tenant_input_names_every_field_and_creates_nothing()
    {
        await OperatorAsync();
        var code = "w" + Guid.NewGuid().ToString("N")[..8];

        var shape = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/access/tenants",
            new { code = "9-bad", name = "", adminLogin = "", adminPassword = "" }, HttpStatusCode.BadRequest);
        var weak = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/access/tenants",
            new { code, name = "弱密码公司", adminLogin = "boss", adminPassword = "weak" }, HttpStatusCode.BadRequest);

        Assert.Equal(["adminLogin", "adminPassword", "code", "name"], shape.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("密码至少 8 位。", weak.GetProperty("errors").GetProperty("adminPassword").EnumerateArray().Select(e => e.GetString()));
        await using var control = App.OpenControl();
        Assert.False(await control.Tenants.AnyAsync(t => t.Code == code));
    }
}

public sealed class TenantAdminTestsOnSqlite(SqliteApp app) : TenantAdminTests(app);

public sealed class TenantAdminTestsOnPostgres(PostgresApp app) : TenantAdminTests(app);
