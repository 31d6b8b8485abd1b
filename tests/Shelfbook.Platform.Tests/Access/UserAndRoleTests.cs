using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Access.Features.ManageRoles;
using Shelfbook.Access.Features.ManageUsers;
using Shelfbook.Data.Control;
using Shelfbook.Inventory;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Access;

public abstract class UserAndRoleTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Users = "/api/v1/access/users";
    private const string Roles = "/api/v1/access/roles";

    private Task<RoleView> ClerkRoleAsync() =>
        Session.PostAsync<RoleView>(Roles, new { name = "仓库查看", permissions = new[] { InventoryPermissions.ViewWarehouses } }, HttpStatusCode.Created);

    private async Task<Guid> AdministratorRoleAsync() =>
        (await Session.GetAsync<List<RoleView>>(Roles)).Single(r => r.IsBuiltIn).Id;

    private async Task<HttpClient> ClientForAsync(Guid userId) => App.ApiClient(await App.CreateTokenAsync(userId));

    [Fact]
    public async Task An_added_user_works_with_exactly_the_permissions_of_the_role()
    {
        var role = await ClerkRoleAsync();

        var user = await Session.PostAsync<UserView>(Users, new { login = "Clerk", displayName = "小王", password = "Clerk-Pass1", roleIds = new[] { role.Id } }, HttpStatusCode.Created);

        Assert.Equal("clerk", user.Login);
        Assert.Equal([role.Id], user.Roles.Select(r => r.Id));
        using var clerk = await ClientForAsync(user.Id);
        using (var list = await clerk.GetAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var create = await clerk.PostAsJsonAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative), new { code = "X", name = "X", type = "Own" }))
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        using (var users = await clerk.GetAsync(new Uri(Users, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task Taking_a_role_away_takes_its_permissions_away()
    {
        var role = await ClerkRoleAsync();
        var user = await Session.PostAsync<UserView>(Users, new { login = "clerk", password = "Clerk-Pass1", roleIds = new[] { role.Id } }, HttpStatusCode.Created);
        using var clerk = await ClientForAsync(user.Id);

        var updated = await Session.PutAsync<UserView>($"{Users}/{user.Id}", new { displayName = "小王", roleIds = Array.Empty<Guid>() });

        Assert.Empty(updated.Roles);
        Assert.Equal("小王", updated.DisplayName);
        using var list = await clerk.GetAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task Bad_user_input_names_every_field_and_creates_nothing()
    {
        await Session.PostAsync<UserView>(Users, new { login = "taken", password = "Taken-Pass1" }, HttpStatusCode.Created);

        var duplicate = await Session.ProblemAsync(HttpMethod.Post, Users, new { login = "TAKEN", password = "Taken-Pass1" }, HttpStatusCode.BadRequest);
        var shape = await Session.ProblemAsync(HttpMethod.Post, Users, new { login = "a b", password = "", roleIds = new[] { Guid.CreateVersion7() } }, HttpStatusCode.BadRequest);
        var weak = await Session.ProblemAsync(HttpMethod.Post, Users, new { login = "weak", password = "short" }, HttpStatusCode.BadRequest);

        Assert.Equal("duplicate", duplicate.GetProperty("codes").GetProperty("login")[0].GetString());
        Assert.Equal(["login", "password", "roleIds"], shape.GetProperty("codes").EnumerateObject().Select(p => p.Name).Order());
        Assert.True(weak.GetProperty("errors").TryGetProperty("password", out _));
        await using var control = App.OpenControl();
        Assert.False(await control.Users.AnyAsync(u => u.Login == "weak" || u.Login == "a b"));
    }

    [Fact]
    public async Task A_deactivated_user_is_shut_out_and_nobody_deactivates_themselves()
    {
        var user = await Session.PostAsync<UserView>(Users, new { login = "leaver", password = "Leaver-Pass1" }, HttpStatusCode.Created);
        using var leaver = await ClientForAsync(user.Id);

        var deactivated = await Session.PostAsync<UserView>($"{Users}/{user.Id}/deactivate", null);
        var self = await Session.ProblemAsync(HttpMethod.Post, $"{Users}/{Session.AdminId}/deactivate", null, HttpStatusCode.Conflict);

        Assert.False(deactivated.Active);
        using var me = await leaver.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal("access.cannot_deactivate_self", self.GetProperty("code").GetString());
        Assert.True((await Session.PostAsync<UserView>($"{Users}/{user.Id}/activate", null)).Active);
    }

    [Fact]
    public async Task The_tenant_keeps_one_active_administrator()
    {
        var administrator = await AdministratorRoleAsync();

        var alone = await Session.ProblemAsync(HttpMethod.Put, $"{Users}/{Session.AdminId}", new { displayName = "admin", roleIds = Array.Empty<Guid>() }, HttpStatusCode.Conflict);
        await Session.PostAsync<UserView>(Users, new { login = "boss2", password = "Boss2-Pass1", roleIds = new[] { administrator } }, HttpStatusCode.Created);
        var handedOver = await Session.PutAsync<UserView>($"{Users}/{Session.AdminId}", new { displayName = "admin", roleIds = Array.Empty<Guid>() });

        Assert.Equal("access.last_administrator", alone.GetProperty("code").GetString());
        Assert.Empty(handedOver.Roles);
    }

    [Fact]
    public async Task Password_reset_and_unlock_are_logged_without_secrets()
    {
        var user = await Session.PostAsync<UserView>(Users, new { login = "forgetful", password = "First-Pass1" }, HttpStatusCode.Created);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<ShelfbookUser>>();
            var stored = await manager.FindByIdAsync(user.Id.ToString());
            for (var i = 0; i < 5; i++) await manager.AccessFailedAsync(stored!);
        }
        Assert.True((await Session.GetAsync<UserView>($"{Users}/{user.Id}")).LockedOut);

        var unlocked = await Session.PostAsync<UserView>($"{Users}/{user.Id}/unlock", null);
        await Session.PostAsync<UserView>($"{Users}/{user.Id}/password", new { password = "Second-Pass2" });
        var weak = await Session.ProblemAsync(HttpMethod.Post, $"{Users}/{user.Id}/password", new { password = "x" }, HttpStatusCode.BadRequest);

        Assert.False(unlocked.LockedOut);
        Assert.True(weak.GetProperty("errors").TryGetProperty("password", out _));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<ShelfbookUser>>();
            var stored = await manager.FindByIdAsync(user.Id.ToString());
            Assert.True(await manager.CheckPasswordAsync(stored!, "Second-Pass2"));
            Assert.False(await manager.CheckPasswordAsync(stored!, "First-Pass1"));
        }
        var log = await Session.Api.GetStringAsync(new Uri($"/api/v1/audit?entityType=user&entityId={user.Id}", UriKind.Relative));
        Assert.Contains("\"reset_password\"", log);
        Assert.Contains("\"unlock\"", log);
        Assert.DoesNotContain("Second-Pass2", log);
        Assert.DoesNotContain("passwordHash", log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_manager_cannot_raise_their_own_rights_or_take_over_an_administrator()
    {
        var managers = await Session.PostAsync<RoleView>(Roles, new { name = "人事", permissions = new[] { "access.users.manage", "access.roles.manage" } }, HttpStatusCode.Created);
        var manager = await Session.PostAsync<UserView>(Users, new { login = "hr", password = "Hr-Pass-123", roleIds = new[] { managers.Id } }, HttpStatusCode.Created);
        using var hr = await ClientForAsync(manager.Id);
        var administrator = await AdministratorRoleAsync();

        async Task<string?> RefusedAsync(HttpMethod method, string url, object? body)
        {
            using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await hr.SendAsync(request);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString();
        }

        Assert.Equal("access.beyond_own_permissions", await RefusedAsync(HttpMethod.Put, $"{Users}/{manager.Id}", new { displayName = "hr", roleIds = new[] { managers.Id, administrator } }));
        Assert.Equal("access.beyond_own_permissions", await RefusedAsync(HttpMethod.Put, $"{Roles}/{managers.Id}",
            new { name = "人事", permissions = new[] { "access.users.manage", "access.roles.manage", "access.audit.view" } }));
        Assert.Equal("access.administrators_only", await RefusedAsync(HttpMethod.Post, $"{Users}/{Session.AdminId}/password", new { password = "Taken-Over-1" }));
        Assert.Equal("access.administrators_only", await RefusedAsync(HttpMethod.Post, $"{Users}/{Session.AdminId}/deactivate", null));

        // Nor can they take over a weaker-looking but differently-empowered account: resetting the password of someone
        // who holds a permission they lack would be a way up.
        var finance = await Session.PostAsync<RoleView>(Roles, new { name = "财务", permissions = new[] { "access.audit.view" } }, HttpStatusCode.Created);
        var accountant = await Session.PostAsync<UserView>(Users, new { login = "cfo", password = "Cfo-Pass-123", roleIds = new[] { finance.Id } }, HttpStatusCode.Created);
        Assert.Equal("access.beyond_own_permissions", await RefusedAsync(HttpMethod.Post, $"{Users}/{accountant.Id}/password", new { password = "Taken-Over-1" }));

        // Within their own rights they can work: a plain user with a role they could have made themselves.
        var staff = await Session.PostAsync<RoleView>(Roles, new { name = "员工", permissions = new[] { "access.users.manage" } }, HttpStatusCode.Created);
        using var created = await hr.PostAsJsonAsync(new Uri(Users, UriKind.Relative), new { login = "staff1", password = "Staff-Pass1", roleIds = new[] { staff.Id } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Two_administrators_removing_each_other_at_once_leave_one()
    {
        var administrator = await AdministratorRoleAsync();
        var second = await Session.PostAsync<UserView>(Users, new { login = "admin2", password = "Admin2-Pass1", roleIds = new[] { administrator } }, HttpStatusCode.Created);
        using var admin2 = await ClientForAsync(second.Id);

        var answers = await Task.WhenAll(
            Session.Api.PutAsJsonAsync(new Uri($"{Users}/{second.Id}", UriKind.Relative), new { displayName = "admin2", roleIds = Array.Empty<Guid>() }),
            admin2.PutAsJsonAsync(new Uri($"{Users}/{Session.AdminId}", UriKind.Relative), new { displayName = "admin", roleIds = Array.Empty<Guid>() }));

        // The loser is refused either by the last-administrator rule (409) or, when the winner committed before the
        // loser's token was read, because it is no longer an administrator at all (403).
        var statuses = answers.Select(a => a.StatusCode).Order().ToList();
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(statuses[1], new[] { HttpStatusCode.Conflict, HttpStatusCode.Forbidden });
        await using var control = App.OpenControl();
        var administrators = await control.UserRoles.CountAsync(ur => ur.RoleId == administrator);
        Assert.Equal(1, administrators);
        foreach (var answer in answers) answer.Dispose();
    }

    [Fact]
    public async Task Only_an_operator_changes_an_operators_account()
    {
        var administrator = await AdministratorRoleAsync();
        var second = await Session.PostAsync<UserView>(Users, new { login = "admin2", password = "Admin2-Pass1", roleIds = new[] { administrator } }, HttpStatusCode.Created);
        await using (var control = App.OpenControl())
            await control.Users.Where(u => u.Id == Session.AdminId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsOperator, true));
        using var admin2 = await ClientForAsync(second.Id);

        using var response = await admin2.PostAsJsonAsync(new Uri($"{Users}/{Session.AdminId}/password", UriKind.Relative), new { password = "Taken-Over-1" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("access.operators_only", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Giving_and_taking_roles_is_in_the_log()
    {
        var role = await ClerkRoleAsync();
        var user = await Session.PostAsync<UserView>(Users, new { login = "logged", password = "Logged-Pass1", roleIds = new[] { role.Id } }, HttpStatusCode.Created);
        await Session.PutAsync<UserView>($"{Users}/{user.Id}", new { displayName = "logged", roleIds = Array.Empty<Guid>() });

        var log = await Session.GetAsync<Page<Shelfbook.Access.Features.BrowseAuditLog.AuditEntryView>>("/api/v1/audit?entityType=user_role");

        Assert.Equal(["revoke_role", "grant_role"], log.Items.Where(e => e.EntityId.StartsWith(user.Id.ToString(), StringComparison.Ordinal)).Select(e => e.Action));
        Assert.Equal(role.Id.ToString(), log.Items[0].Changes.GetProperty("roleId")[0].GetString());
    }

    [Fact]
    public async Task Roles_are_checked_and_the_built_in_one_is_fixed()
    {
        var role = await ClerkRoleAsync();

        var unknown = await Session.ProblemAsync(HttpMethod.Post, Roles, new { name = "x", permissions = new[] { "inventory.teleport" } }, HttpStatusCode.BadRequest);
        var duplicate = await Session.ProblemAsync(HttpMethod.Post, Roles, new { name = "仓库查看", permissions = Array.Empty<string>() }, HttpStatusCode.BadRequest);
        var builtIn = await Session.ProblemAsync(HttpMethod.Put, $"{Roles}/{await AdministratorRoleAsync()}", new { name = "Boss", permissions = Array.Empty<string>() }, HttpStatusCode.Conflict);
        var renamed = await Session.PutAsync<RoleView>($"{Roles}/{role.Id}", new { name = "仓库管理", permissions = new[] { InventoryPermissions.ViewWarehouses, InventoryPermissions.ManageWarehouses } });

        Assert.Contains("inventory.teleport", unknown.GetProperty("errors").GetProperty("permissions")[0].GetString());
        Assert.Equal("duplicate", duplicate.GetProperty("codes").GetProperty("name")[0].GetString());
        Assert.Equal("access.role_built_in", builtIn.GetProperty("code").GetString());
        Assert.Equal(2, renamed.Permissions.Count);
    }

    [Fact]
    public async Task A_role_in_use_is_not_deleted_an_unused_one_is()
    {
        var role = await ClerkRoleAsync();
        var user = await Session.PostAsync<UserView>(Users, new { login = "holder", password = "Holder-Pass1", roleIds = new[] { role.Id } }, HttpStatusCode.Created);

        var inUse = await Session.ProblemAsync(HttpMethod.Delete, $"{Roles}/{role.Id}", null, HttpStatusCode.Conflict);
        await Session.PutAsync<UserView>($"{Users}/{user.Id}", new { displayName = "holder", roleIds = Array.Empty<Guid>() });
        using var deleted = await Session.Api.DeleteAsync(new Uri($"{Roles}/{role.Id}", UriKind.Relative));

        Assert.Equal("access.role_in_use", inUse.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(await Session.GetAsync<List<RoleView>>(Roles), r => r.Id == role.Id);
    }

    [Fact]
    public async Task Permissions_are_listed_with_descriptions_in_the_callers_language()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/access/permissions", UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd("en");
        using var response = await Session.Api.SendAsync(request);

        var permissions = await response.Content.ReadFromJsonAsync<List<PermissionView>>(TenantSession.Json);
        Assert.Contains(permissions!, p => p.Name == InventoryPermissions.ManageWarehouses && p.Description == "Manage warehouses");
        Assert.Contains(permissions!, p => p.Name == "access.users.manage" && p.Module == "access");
    }

    [Fact]
    public async Task Users_page_by_login()
    {
        foreach (var login in new[] { "u3", "u1", "u2" })
            await Session.PostAsync<UserView>(Users, new { login, password = "Paged-Pass1" }, HttpStatusCode.Created);

        var first = await Session.GetAsync<Page<UserView>>($"{Users}?limit=2");
        var second = await Session.GetAsync<Page<UserView>>($"{Users}?limit=2&after={first.Next}");

        Assert.Equal(["admin", "u1"], first.Items.Select(u => u.Login));
        Assert.Equal(["u2", "u3"], second.Items.Select(u => u.Login));
        Assert.Null(second.Next);
    }
}

public sealed class UserAndRoleTestsOnSqlite(SqliteApp app) : UserAndRoleTests(app);

public sealed class UserAndRoleTestsOnPostgres(PostgresApp app) : UserAndRoleTests(app);
