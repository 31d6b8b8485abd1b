using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Control;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Tenancy;

/// <summary>An app with the demo switched on, as a first-time user starts it.</summary>
public sealed class DemoApp() : ShelfbookApp(Db.Sqlite)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Demo:Enabled"] = "true" };
}

public sealed class DemoTenantTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task First_start_creates_the_demo_tenant_with_warehouses_and_an_operator_admin()
    {
        await using var control = app.OpenControl();
        var tenant = await control.Tenants.SingleAsync();
        var admin = await control.Users.SingleAsync();
        await using var db = app.OpenTenant(TenantCode.Parse(tenant.Code));

        Assert.Equal("demo", tenant.Code);
        Assert.Equal(ShelfbookUser.UserNameFor("demo", "admin"), admin.UserName);
        Assert.True(admin.IsOperator);
        Assert.Equal(3, await db.Set<Warehouse>().CountAsync());
        // Four SKUs and a combo; a shop with five listings, two waiting to be matched; a replacement rule.
        Assert.Equal(5, await db.Set<Shelfbook.Catalog.Domain.Sku>().CountAsync());
        Assert.Equal(2, await db.Set<Shelfbook.Catalog.Domain.ShopListing>().CountAsync(l => l.Match == Shelfbook.Catalog.Domain.ListingMatch.Unmatched));
        Assert.Equal(1, await db.Set<Shelfbook.Catalog.Domain.SkuReplacement>().CountAsync());
    }

    [Fact]
    public async Task The_demo_sign_in_from_the_readme_works()
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await browser.GetStringAsync(new Uri("/login", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        using var response = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Company"] = "demo", ["User"] = "admin", ["Password"] = "Shelfbook2026",
        }));
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));

        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Contains("Shelfbook2026", readme);
        var dashboard = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        // The app bar names the tenant (the figures load once the page is live; the browser tests read them).
        var chip = dashboard[dashboard.IndexOf("data-testid=\"tenant\"", StringComparison.Ordinal)..];
        Assert.Contains("demo</", chip[..Math.Min(chip.Length, 2000)]);
    }

    internal static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Shelfbook.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Shelfbook.slnx not found above the test folder.");
        return dir;
    }
}
