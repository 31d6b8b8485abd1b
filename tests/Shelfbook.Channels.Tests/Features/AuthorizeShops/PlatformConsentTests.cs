using System.Net;
using System.Text.Json;
using System.Web;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.AuthorizeShops;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.AuthorizeShops;

/// <summary>
/// How a test reaches one platform's seller in the sandbox: the shop's platform and API address, the control path that
/// registers the app with a seller (by a token the test knows), the paths that generate its orders and expire its
/// tokens, the app credentials the consent flow asks for, and its name in the sandbox's call counts (renewals are counted per seller).
/// </summary>
public sealed record ConsentPlatform(
    string Platform, string ApiPath, string SellersPath, Func<string, string, string, string, object> Seller, Dictionary<string, string> App, string Counted)
{
}

/// <summary>店铺授权 on Taobao, Pinduoduo, JD, Douyin and Amazon: the platform's consent page and code exchange, and renewing expired tokens, against the sandbox over real HTTP.</summary>
public abstract class PlatformConsentTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private const string Secret = "consent-secret";
    private const string Back = "http://127.0.0.1:5999/channels/authorized";

    /// <summary>Per platform; <see cref="ConsentPlatform.Seller"/> turns (app id, secret, known token, seller name) into the control API's body registering the seller.</summary>
    private static readonly Dictionary<string, ConsentPlatform> Platforms = new ConsentPlatform[]
    {
        new ConsentPlatform("Taobao", "/taobao/router/rest", "taobao/sellers", (app, secret, token, name) => new { appKey = app, appSecret = secret, session = token, nick = name },
            new() { ["app_key"] = "", ["app_secret"] = "" }, "taobao"),
        new ConsentPlatform("Pinduoduo", "/pinduoduo/api/router", "pinduoduo/malls", (app, secret, token, name) => new { clientId = app, clientSecret = secret, accessToken = token, mallName = name },
            new() { ["client_id"] = "", ["client_secret"] = "" }, "pinduoduo"),
        new ConsentPlatform("Jd", "/jd/routerjson", "jd/vendors", (app, secret, token, name) => new { appKey = app, appSecret = secret, accessToken = token, vendorName = name },
            new() { ["app_key"] = "", ["app_secret"] = "" }, "jd"),
        new ConsentPlatform("Douyin", "/douyin", "douyin/shops", (app, secret, token, name) => new { appKey = app, appSecret = secret, accessToken = token, shopName = name },
            new() { ["app_key"] = "", ["app_secret"] = "" }, "douyin"),
        new ConsentPlatform("Amazon", "/amazon", "amazon/sellers",
            (app, secret, token, name) => new { clientId = app, clientSecret = secret, refreshToken = token, sellerId = name, marketplaceId = "ATVPDKIKX0DER", rateScale = 50.0 },
            new() { ["application_id"] = "", ["client_id"] = "", ["client_secret"] = "", ["marketplace_id"] = "ATVPDKIKX0DER" }, ""),
    }.ToDictionary(p => p.Platform);

    private sealed record Linked(Guid Shop, string Token, string Seller);

    /// <summary>Registers the app with the seller at the sandbox and makes a shop that knows only the sandbox's address.</summary>
    private async Task<(Guid Shop, string App, string Token, string Seller)> ShopAsync(ConsentPlatform p)
    {
        var (app, token, seller) = ("App" + Random.Shared.Next(10_000_000, 99_999_999), "known-" + Guid.NewGuid().ToString("N"), "seller-" + Guid.NewGuid().ToString("N")[..8]);
        await sandbox.PostAsync($"/_sandbox/{p.SellersPath}", p.Seller(app, Secret, token, seller));
        var shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = p.Platform, code = "AU" + Random.Shared.Next(10000, 99999), name = p.Platform + " 授权店" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/settings",
            new { firstPullFrom = DateTime.UtcNow.AddHours(-1), apiBaseUrl = new Uri(sandbox.BaseUrl, p.ApiPath).ToString() });
        return (shop, app, token, seller);
    }

    private static Dictionary<string, string> AppValues(ConsentPlatform p, string app) =>
        p.App.ToDictionary(v => v.Key, v => v.Key switch
        {
            "app_secret" or "client_secret" => Secret,
            "application_id" => "amzn1.sp.solution." + app,
            _ => v.Value.Length > 0 ? v.Value : app,
        });

    /// <summary>Starts the flow, opens the consent page and answers it as the seller would; the parameters the platform sends back.</summary>
    private async Task<(string State, Dictionary<string, string?> Returned)> ConsentAsync(ConsentPlatform p, Guid shop, string app, string seller, string decision)
    {
        var started = await Session.PostAsync<AuthorizationStarted>($"/api/v1/channels/shops/{shop}/authorize", new { values = AppValues(p, app), redirectUri = Back });
        var query = HttpUtility.ParseQueryString(started.ConsentUrl.Query);
        Assert.Equal(Back, query["redirect_uri"]);
        Assert.Contains(app, await sandbox.Control.GetStringAsync(started.ConsentUrl), StringComparison.Ordinal);
        var form = query.AllKeys.ToDictionary(k => k!, k => query[k]!);
        (form["seller"], form["decision"]) = (seller, decision);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var answer = await client.PostAsync(new Uri(started.ConsentUrl.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var back = HttpUtility.ParseQueryString(answer.Headers.Location!.Query);
        return (query["state"]!, back.AllKeys.ToDictionary(k => k!, k => back[k]));
    }

    private int Calls(string key) => sandbox.State.Calls.GetValueOrDefault(key);

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None));

    private Task OrdersAsync(ConsentPlatform p, string token, string seller, int count) =>
        sandbox.PostAsync($"/_sandbox/{p.SellersPath}/{(p.Platform == "Amazon" ? seller : token)}/orders",
            new { count, from = DateTime.UtcNow.AddMinutes(-40), to = DateTime.UtcNow.AddMinutes(-10), unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0 });

    [Theory]
    [InlineData("Taobao"), InlineData("Pinduoduo"), InlineData("Jd"), InlineData("Douyin"), InlineData("Amazon")]
    public async Task The_sellers_consent_links_the_shop_and_the_code_works_once(string platform)
    {
        var p = Platforms[platform];
        var (shop, app, token, seller) = await ShopAsync(p);
        var (state, returned) = await ConsentAsync(p, shop, app, seller, "agree");
        Assert.Equal(state, returned["state"]);

        // The return address's parameters as the result page passes them: the code under the platform's own name.
        var linked = await Session.PostAsync<ShopConnectionView>("/api/v1/channels/shops/authorize/complete", new { state, parameters = returned });

        Assert.All(linked.RequiredCredentials, name => Assert.Contains(name, linked.CredentialsSet));
        if (p.Platform == "Amazon") Assert.Contains("seller_id", linked.CredentialsSet);
        else Assert.Contains("refresh_token", linked.CredentialsSet);
        await OrdersAsync(p, token, seller, 3);
        var run = await SyncAsync(shop);
        Assert.Equal((null, 3), (run.Error, run.Inserted));
        var again = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete", new { state, parameters = returned }, HttpStatusCode.BadRequest);
        Assert.Contains("stale", again.ToString(), StringComparison.Ordinal);

        // Declined on the platform: the refusal is said and the working credentials stay.
        var (declinedState, declined) = await ConsentAsync(p, shop, app, seller, "decline");
        var refusal = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete",
            new { state = declinedState, error = declined["error"], errorDescription = declined["error_description"] }, HttpStatusCode.Conflict);
        Assert.Contains("access_denied", refusal.ToString(), StringComparison.Ordinal);
        Assert.Null((await SyncAsync(shop)).Error);
    }

    [Theory]
    [InlineData("Taobao"), InlineData("Pinduoduo"), InlineData("Jd"), InlineData("Douyin"), InlineData("Amazon")]
    public async Task A_code_the_platform_refuses_leaves_the_shop_unlinked_with_the_platforms_message(string platform)
    {
        var p = Platforms[platform];
        var (shop, app, _, seller) = await ShopAsync(p);
        var (state, returned) = await ConsentAsync(p, shop, app, seller, "agree");
        var code = p.Platform == "Amazon" ? "spapi_oauth_code" : "code";
        returned[code] = returned[code] + "x";

        var refused = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete", new { state, parameters = returned }, HttpStatusCode.Conflict);

        Assert.Contains("connection.consent_refused", refused.ToString(), StringComparison.Ordinal);
        var view = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Empty(view.CredentialsSet);
    }

    /// <summary>(Amazon's and eBay's access tokens come from a refresh token that does not rotate; their sync tests cover an expired access token.)</summary>
    [Theory]
    [InlineData("Taobao"), InlineData("Pinduoduo"), InlineData("Jd"), InlineData("Douyin")]
    public async Task An_expired_access_token_is_renewed_with_the_refresh_token_once_and_kept(string platform)
    {
        var p = Platforms[platform];
        var (shop, app, token, seller) = await ShopAsync(p);
        var (state, returned) = await ConsentAsync(p, shop, app, seller, "agree");
        await Session.PostAsync<ShopConnectionView>("/api/v1/channels/shops/authorize/complete", new { state, parameters = returned });
        await OrdersAsync(p, token, seller, 2);
        var expirePath = $"/_sandbox/{p.SellersPath}/{token}/expire";
        var renewals = $"{p.Counted}:{token}:token.refresh";
        var before = Calls(renewals);

        await sandbox.PostAsync(expirePath, new { });
        var run = await SyncAsync(shop);

        Assert.Equal((null, 2), (run.Error, run.Inserted));
        Assert.Equal(before + 1, Calls(renewals));
        // The renewed tokens were stored: the next run uses them without renewing again.
        Assert.Null((await SyncAsync(shop)).Error);
        Assert.Equal(before + 1, Calls(renewals));

        // Revoked at the platform: the renewal is refused too, and the shop asks for authorization with both messages.
        await sandbox.PostAsync(expirePath, new { });
        await sandbox.PostAsync($"/_sandbox/{p.SellersPath}/{token}/revoke", new { });
        var refused = await SyncAsync(shop);
        Assert.NotNull(refused.Error);
        Assert.Contains("refresh token", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);
    }
}

public sealed class PlatformConsentTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PlatformConsentTests(app, sandbox);

public sealed class PlatformConsentTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PlatformConsentTests(app, sandbox);
