using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Xunit;

namespace Shelfbook.TestKit;

/// <summary>One fresh tenant and an API client signed in as its administrator.</summary>
public sealed class TenantSession(ShelfbookApp app, TenantCode tenant, Guid adminId, string adminLogin, string adminPassword, HttpClient api)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public ShelfbookApp App { get; } = app;
    public TenantCode Tenant { get; } = tenant;
    public Guid AdminId { get; } = adminId;
    public string AdminLogin { get; } = adminLogin;
    public string AdminPassword { get; } = adminPassword;
    public HttpClient Api { get; } = api;

    public TenantDbContext OpenDb() => App.OpenTenant(Tenant);

    /// <summary>A DI scope acting as this tenant's administrator, for calling a module's services (Contracts) directly.</summary>
    public AsyncServiceScope Scope()
    {
        var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Shelfbook.Platform.Tenancy.CurrentUser>().Principal = new System.Security.Claims.ClaimsPrincipal(
            new System.Security.Claims.ClaimsIdentity(
            [
                new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, AdminId.ToString()),
                new System.Security.Claims.Claim(Shelfbook.Kernel.ShelfbookClaims.Tenant, Tenant.Value),
                new System.Security.Claims.Claim(Shelfbook.Kernel.ShelfbookClaims.DisplayName, AdminLogin),
            ], "test"));
        return scope;
    }

    /// <summary>Runs <paramref name="work"/> with a fresh scope's <typeparamref name="T"/>, as one request would.</summary>
    public async Task<TResult> WithAsync<T, TResult>(Func<T, Task<TResult>> work) where T : notnull
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<T>());
    }

    /// <summary>Adds a user to this tenant with a role holding exactly <paramref name="permissions"/>; returns a client signed in as that user.</summary>
    public async Task<HttpClient> NewUserAsync(string login, params string[] permissions)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var control = scope.ServiceProvider.GetRequiredService<ControlDbContext>();
        var tenantId = await control.Tenants.Where(t => t.Code == Tenant.Value).Select(t => t.Id).SingleAsync();
        var user = new ShelfbookUser
        {
            TenantId = tenantId, Login = login, UserName = ShelfbookUser.UserNameFor(Tenant.Value, login), DisplayName = login, CreatedAt = DateTime.UtcNow,
        };
        var result = await scope.ServiceProvider.GetRequiredService<UserManager<ShelfbookUser>>().CreateAsync(user, AdminPassword);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        if (permissions.Length > 0)
        {
            var role = new Role { TenantId = tenantId, Name = "role-" + login, Permissions = [.. permissions] };
            control.Roles.Add(role);
            control.UserRoles.Add(new UserRole { UserId = user.Id, RoleId = role.Id });
            await control.SaveChangesAsync();
        }
        return App.ApiClient(await App.CreateTokenAsync(user.Id));
    }

    public async Task<T> GetAsync<T>(string url)
    {
        using var response = await Api.GetAsync(new Uri(url, UriKind.Relative));
        await Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task<T> PostAsync<T>(string url, object? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Api.PostAsJsonAsync(new Uri(url, UriKind.Relative), body, Json);
        await Expect(response, expected);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task<T> PutAsync<T>(string url, object? body)
    {
        using var response = await Api.PutAsJsonAsync(new Uri(url, UriKind.Relative), body, Json);
        await Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    /// <summary>Sends the request and returns the problem details, asserting the status.</summary>
    public async Task<JsonElement> ProblemAsync(HttpMethod method, string url, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is string raw) request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await Api.SendAsync(request);
        await Expect(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    public static async Task Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>Skips a test whose database or browser is missing, saying why; under CI (SHELFBOOK_CI=1) fails it instead.</summary>
public static class CiGuard
{
    public static void SkipUnlessAvailable(string? reason)
    {
        if (reason is null) return;
        if (Environment.GetEnvironmentVariable("SHELFBOOK_CI") == "1") Assert.Fail("CI must run this test, but: " + reason);
        Assert.Skip(reason);
    }
}

/// <summary>
/// Base of feature tests: each test gets a fresh tenant (its own database) on the app of its class. A class runs on
/// SQLite and again on PostgreSQL by deriving twice; on a machine without PostgreSQL the second is skipped with the reason.
/// </summary>
public abstract class TenantTest(ShelfbookApp app) : IAsyncLifetime
{
    private TenantSession? _session;

    protected ShelfbookApp App { get; } = app;

    protected TenantSession Session => _session ?? throw new InvalidOperationException("The tenant is made in InitializeAsync.");

    public virtual async ValueTask InitializeAsync()
    {
        CiGuard.SkipUnlessAvailable(App.SkipReason);
        _session = await App.NewTenantAsync();
    }

    /// <summary>After every scenario the book must match the ledger (账实相符): the same check as <c>shelfbook verify</c>.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_session is null) return;
        _session.Api.Dispose();
        string? postgres;
        IReadOnlyList<Shelfbook.Inventory.Features.Verify.StockDrift> drifts;
        await using (var db = _session.OpenDb())
        {
            drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync();
            postgres = db.Database.IsNpgsql() ? db.Database.GetConnectionString() : null;
        }
        // Each tenant schema has its own pool; idle connections of finished tests would otherwise pile up to PostgreSQL's limit.
        if (postgres is not null) Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(postgres));
        Assert.True(drifts.Count == 0, "Stock drifted from the ledger:\n" + string.Join("\n", drifts));
    }
}
