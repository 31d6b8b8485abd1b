using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Data.Control;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Identity;

/// <summary>Cookie sign-in through the real sign-in form, as a browser does it.</summary>
public abstract partial class SignInTests(ShelfbookApp app) : TenantTest(app)
{
    private HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A browser signed in as the tenant's administrator.</summary>
    private async Task<HttpClient> SignedInAsync()
    {
        var browser = Browser();
        (await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, Session.AdminPassword)).Dispose();
        return browser;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string company, string user, string password)
    {
        var page = await browser.GetStringAsync(new Uri("/login", UriKind.Relative));
        var token = Token().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        return await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Company"] = company, ["User"] = user, ["Password"] = password,
            ["ReturnUrl"] = "/warehouses",
        }));
    }

    [Fact]
    public async Task Right_password_signs_in_and_reaches_pages_and_the_api()
    {
        using var browser = Browser();

        using var response = await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, Session.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/warehouses", response.Headers.Location?.OriginalString);
        using var me = await browser.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(Session.Tenant.Value, await me.Content.ReadAsStringAsync());
        using var page = await browser.GetAsync(new Uri("/warehouses", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_unknown_user_and_unknown_company_get_the_same_message()
    {
        using var browser = Browser();

        using var wrongPassword = await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, "Wrong-pass1");
        using var unknownUser = await SignInAsync(browser, Session.Tenant.Value, "nobody", Session.AdminPassword);
        using var unknownCompany = await SignInAsync(browser, "nosuchco", Session.AdminLogin, Session.AdminPassword);

        foreach (var response in new[] { wrongPassword, unknownUser, unknownCompany })
            Assert.StartsWith("/login?error=invalid", response.Headers.Location?.OriginalString);
        using var me = await browser.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task A_user_of_a_deactivated_tenant_cannot_sign_in()
    {
        await using (var control = App.OpenControl())
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                control.Tenants.Where(t => t.Code == Session.Tenant.Value), s => s.SetProperty(t => t.Active, false));
        using var browser = Browser();

        using var response = await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, Session.AdminPassword);

        Assert.StartsWith("/login?error=invalid", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_chinese_login_signs_in()
    {
        using var _ = await Session.NewUserAsync("张三");
        using var browser = Browser();

        using var response = await SignInAsync(browser, Session.Tenant.Value, "张三", Session.AdminPassword);

        Assert.Equal("/warehouses", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Sign_ins_and_failed_attempts_are_in_the_log()
    {
        using var browser = Browser();
        (await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, "Wrong-pass1")).Dispose();
        (await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, Session.AdminPassword)).Dispose();

        var log = await Session.Api.GetFromJsonAsync<System.Text.Json.JsonElement>(
            new Uri($"/api/v1/audit?entityType=user&entityId={Session.AdminId}", UriKind.Relative));

        var actions = log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["sign_in", "sign_in_failed", "create"], actions);
        Assert.DoesNotContain("Wrong-pass1", log.GetRawText());
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password()
    {
        using var browser = Browser();
        for (var i = 0; i < 5; i++)
            (await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, "Wrong-pass1")).Dispose();

        using var response = await SignInAsync(browser, Session.Tenant.Value, Session.AdminLogin, Session.AdminPassword);

        Assert.StartsWith("/login?error=locked", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        using var browser = await SignedInAsync();
        var page = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        var token = WebUtility.HtmlDecode(Token().Match(page).Groups[1].Value);

        using var response = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        using var me = await browser.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_user_sent_to_the_sign_in_page_goes_straight_back()
    {
        using var browser = await SignedInAsync();

        using var response = await browser.GetAsync(new Uri("/login?returnUrl=%2Fwarehouses", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/warehouses", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Unknown_and_forbidden_pages_show_pages_not_json()
    {
        using var clerk = Browser();
        using var _ = await Session.NewUserAsync("clerk", Inventory.InventoryPermissions.ViewWarehouses);
        (await SignInAsync(clerk, Session.Tenant.Value, "clerk", Session.AdminPassword)).Dispose();

        using var unknown = await clerk.GetAsync(new Uri("/no-such-page", UriKind.Relative));
        using var forbidden = await clerk.GetAsync(new Uri("/audit", UriKind.Relative));
        using var signedOut = await Browser().PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal("/not-found", unknown.Headers.Location?.OriginalString);
        Assert.StartsWith("/access-denied", forbidden.Headers.Location?.AbsolutePath ?? forbidden.Headers.Location?.OriginalString);
        Assert.Equal("/login", signedOut.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Another_site_cannot_sign_a_user_out()
    {
        using var browser = await SignedInAsync();

        using var response = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var me = await browser.GetAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task The_browser_cookie_reads_the_api_but_does_not_change_data_through_it()
    {
        using var browser = await SignedInAsync();

        using var read = await browser.GetAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative));
        using var write = await browser.PostAsJsonAsync(new Uri("/api/v1/inventory/warehouses", UriKind.Relative), new { code = "C1", name = "C", type = "Own" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("cookie_write", await write.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Return_addresses_off_this_site_or_with_control_characters_go_to_the_dashboard()
    {
        using var browser = Browser();

        using var controlCharacters = await browser.GetAsync(new Uri("/culture?name=en-US&redirect=%2F%0Ax", UriKind.Relative));
        using var otherHost = await browser.GetAsync(new Uri("/culture?name=en-US&redirect=%2F%2Fevil.example", UriKind.Relative));

        Assert.Equal("/", controlCharacters.Headers.Location?.OriginalString);
        Assert.Equal("/", otherHost.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_open_page_loses_its_session_when_the_user_is_deactivated()
    {
        var scopes = App.Services.GetRequiredService<IServiceScopeFactory>();
        System.Security.Claims.ClaimsPrincipal principal;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ShelfbookUser>>();
            principal = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByIdAsync(Session.AdminId.ToString()))!);
        }
        Assert.True(await Web.Account.RevalidatingAuthenticationState.IsStillValidAsync(scopes, principal));

        await using (var control = App.OpenControl())
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                control.Users.Where(u => u.Id == Session.AdminId), s => s.SetProperty(u => u.Active, false));

        Assert.False(await Web.Account.RevalidatingAuthenticationState.IsStillValidAsync(scopes, principal));
    }

    [Fact]
    public async Task An_open_page_loses_its_session_when_its_rights_change()
    {
        using var _ = await Session.NewUserAsync("clerk", Inventory.InventoryPermissions.ViewWarehouses);
        var scopes = App.Services.GetRequiredService<IServiceScopeFactory>();
        System.Security.Claims.ClaimsPrincipal principal;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ShelfbookUser>>();
            principal = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByNameAsync(ShelfbookUser.UserNameFor(Session.Tenant.Value, "clerk")))!);
        }
        Assert.True(await Web.Account.RevalidatingAuthenticationState.IsStillValidAsync(scopes, principal));

        await using (var control = App.OpenControl())
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                control.Roles.Where(r => r.Name == "role-clerk"), s => s.SetProperty(r => r.Permissions, new List<string>()));

        Assert.False(await Web.Account.RevalidatingAuthenticationState.IsStillValidAsync(scopes, principal));
    }

    [Fact]
    public async Task Pages_send_an_anonymous_visitor_to_the_sign_in_page()
    {
        using var browser = Browser();

        using var response = await browser.GetAsync(new Uri("/warehouses", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location?.OriginalString);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

public sealed class SignInTestsOnSqlite(SqliteApp app) : SignInTests(app);

public sealed class SignInTestsOnPostgres(PostgresApp app) : SignInTests(app);
