using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Data.Control;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Access;

public abstract class ChangeOwnPasswordTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Url = "/api/v1/access/me/password";

    private async Task<bool> PasswordIsAsync(string password)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ShelfbookUser>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(Session.AdminId.ToString()))!, password);
    }

    [Fact]
    public async Task A_user_changes_their_password_with_the_current_one()
    {
        using var response = await Session.Api.PostAsync(new Uri(Url, UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { currentPassword = Session.AdminPassword, newPassword = "Brand-New-Pass1" }));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await PasswordIsAsync("Brand-New-Pass1"));
        var log = await Session.Api.GetStringAsync(new Uri($"/api/v1/audit?entityType=user&entityId={Session.AdminId}", UriKind.Relative));
        Assert.Contains("\"change_password\"", log);
        Assert.DoesNotContain("Brand-New-Pass1", log);
    }

    [Fact]
    public async Task A_wrong_current_password_or_a_weak_new_one_names_the_field()
    {
        var wrong = await Session.ProblemAsync(HttpMethod.Post, Url, new { currentPassword = "Not-It-123", newPassword = "Brand-New-Pass1" }, HttpStatusCode.BadRequest);
        var weak = await Session.ProblemAsync(HttpMethod.Post, Url, new { currentPassword = Session.AdminPassword, newPassword = "weak" }, HttpStatusCode.BadRequest);
        var missing = await Session.ProblemAsync(HttpMethod.Post, Url, new { }, HttpStatusCode.BadRequest);

        Assert.Equal("wrong_password", wrong.GetProperty("codes").GetProperty("currentPassword")[0].GetString());
        Assert.True(weak.GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(["currentPassword", "newPassword"], missing.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.True(await PasswordIsAsync(Session.AdminPassword));
    }
}

public sealed class ChangeOwnPasswordTestsOnSqlite(SqliteApp app) : ChangeOwnPasswordTests(app);

public sealed class ChangeOwnPasswordTestsOnPostgres(PostgresApp app) : ChangeOwnPasswordTests(app);
