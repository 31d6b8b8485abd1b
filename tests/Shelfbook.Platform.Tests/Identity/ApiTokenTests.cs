using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Access.Features.ManageApiTokens;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Identity;

public abstract class ApiTokenTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Me = "/api/v1/access/me";

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url = Me)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_created_token_works_is_stored_hashed_and_shown_once()
    {
        var created = await Session.PostAsync<CreatedToken>("/api/v1/access/tokens", new { name = "ERP sync", expiresInDays = 30 }, HttpStatusCode.Created);

        using var client = App.ApiClient(created.Secret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client));
        var listed = await Session.GetAsync<List<ApiTokenView>>("/api/v1/access/tokens");
        Assert.Contains(listed, t => t.Id == created.Token.Id && t.Name == "ERP sync");
        var json = await Session.Api.GetStringAsync(new Uri("/api/v1/access/tokens", UriKind.Relative));
        Assert.DoesNotContain(created.Secret, json);
        await using var control = App.OpenControl();
        var stored = await control.ApiTokens.SingleAsync(t => t.Id == created.Token.Id);
        Assert.NotEqual(created.Secret, stored.Hash);
        Assert.Equal(64, stored.Hash.Length);
    }

    [Fact]
    public async Task A_revoked_token_is_401()
    {
        var created = await Session.PostAsync<CreatedToken>("/api/v1/access/tokens", new { name = "temp" }, HttpStatusCode.Created);
        using var client = App.ApiClient(created.Secret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client));

        using var revoke = await Session.Api.DeleteAsync(new Uri($"/api/v1/access/tokens/{created.Token.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client));
    }

    [Fact]
    public async Task Expired_unknown_and_malformed_tokens_are_401()
    {
        var expired = await App.CreateTokenAsync(Session.AdminId, DateTime.UtcNow.AddMinutes(-1));
        using var expiredClient = App.ApiClient(expired);
        using var unknownClient = App.ApiClient("sbk_" + new string('x', 43));
        using var malformedClient = App.ApiClient("not-a-token");
        using var anonymous = App.ApiClient(null);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(expiredClient));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(unknownClient));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(malformedClient));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(anonymous));
    }

    [Fact]
    public async Task A_token_of_a_deactivated_user_is_401()
    {
        await using (var control = App.OpenControl())
            await control.Users.Where(u => u.Id == Session.AdminId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Active, false));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Session.Api));
    }

    [Fact]
    public async Task Tokens_of_a_deactivated_tenant_are_401()
    {
        await using (var control = App.OpenControl())
            await control.Tenants.Where(t => t.Code == Session.Tenant.Value).ExecuteUpdateAsync(s => s.SetProperty(t => t.Active, false));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Session.Api));
    }

    [Fact]
    public async Task Nobody_revokes_another_users_token()
    {
        var created = await Session.PostAsync<CreatedToken>("/api/v1/access/tokens", new { name = "mine" }, HttpStatusCode.Created);
        using var colleague = await Session.NewUserAsync("colleague");

        using var response = await colleague.DeleteAsync(new Uri($"/api/v1/access/tokens/{created.Token.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var client = App.ApiClient(created.Secret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client));
    }

    [Fact]
    public async Task Token_input_is_checked()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/access/tokens", new { name = "", expiresInDays = 0 }, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("expiresInDays", out _));
    }

    [Fact]
    public async Task Creating_and_revoking_tokens_is_in_the_audit_log()
    {
        var created = await Session.PostAsync<CreatedToken>("/api/v1/access/tokens", new { name = "audited" }, HttpStatusCode.Created);
        using (await Session.Api.DeleteAsync(new Uri($"/api/v1/access/tokens/{created.Token.Id}", UriKind.Relative))) { }

        var log = await Session.Api.GetFromJsonAsync<System.Text.Json.JsonElement>(
            new Uri($"/api/v1/audit?entityType=api_token&entityId={created.Token.Id}", UriKind.Relative));

        var actions = log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["revoke", "create"], actions);
        Assert.DoesNotContain("hash", log.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class ApiTokenTestsOnSqlite(SqliteApp app) : ApiTokenTests(app);

public sealed class ApiTokenTestsOnPostgres(PostgresApp app) : ApiTokenTests(app);
