using System.Net;
using System.Text.Json;
using System.Web;
using Shelfbook.Channels.Features.AuthorizeShops;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.AuthorizeShops;

/// <summary>店铺授权: eBay's consent page and code exchange against the sandbox over real HTTP.</summary>
public abstract class ConsentTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _client = "Consent-" + Random.Shared.Next(10_000_000, 99_999_999);
    private readonly string _seller = "consent-seller-" + Guid.NewGuid().ToString("N")[..8];
    private const string Secret = "consent-secret";
    private const string Back = "http://127.0.0.1:5999/channels/authorized";

    private async Task<Guid> ShopAsync()
    {
        // The app exists at eBay (registered with another seller); this shop's seller has not granted it anything yet.
        await sandbox.PostAsync("/_sandbox/ebay/sellers", new { clientId = _client, clientSecret = Secret, refreshToken = "v^1.1#r^1#" + Guid.NewGuid().ToString("N"), seller = "other" });
        var shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Ebay", code = "EBC" + Random.Shared.Next(1000, 9999), name = "eBay 授权店" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/settings",
            new { firstPullFrom = DateTime.UtcNow.AddHours(-1), apiBaseUrl = new Uri(sandbox.BaseUrl, "/ebay").ToString() });
        return shop;
    }

    /// <summary>Starts the flow and answers the consent page as the seller would, without following the redirect back.</summary>
    private async Task<(string State, Uri Back)> ConsentAsync(Guid shop, string decision)
    {
        var started = await Session.PostAsync<AuthorizationStarted>($"/api/v1/channels/shops/{shop}/authorize",
            new { values = new Dictionary<string, string> { ["client_id"] = _client, ["client_secret"] = Secret }, redirectUri = Back });
        var query = HttpUtility.ParseQueryString(started.ConsentUrl.Query);
        Assert.Equal((_client, Back, "code"), (query["client_id"], query["redirect_uri"], query["response_type"]));
        Assert.Contains(_client, await sandbox.Control.GetStringAsync(started.ConsentUrl), StringComparison.Ordinal);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = sandbox.BaseUrl };
        using var answer = await client.PostAsync(new Uri("/ebay/oauth2/authorize", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = _client, ["redirect_uri"] = Back, ["state"] = query["state"]!, ["seller"] = _seller, ["decision"] = decision,
        }));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return (query["state"]!, answer.Headers.Location!);
    }

    [Fact]
    public async Task The_sellers_consent_gives_the_shop_its_refresh_token_and_the_code_works_once()
    {
        var shop = await ShopAsync();
        var (state, back) = await ConsentAsync(shop, "agree");
        var returned = HttpUtility.ParseQueryString(back.Query);
        Assert.Equal(state, returned["state"]);

        var linked = await Session.PostAsync<ShopConnectionView>("/api/v1/channels/shops/authorize/complete", new { state, code = returned["code"] });

        Assert.Equal(["client_id", "client_secret", "refresh_token"], linked.CredentialsSet);
        await sandbox.PostAsync($"/_sandbox/ebay/sellers/{_seller}/orders", new { count = 3, from = DateTime.UtcNow.AddMinutes(-30), to = DateTime.UtcNow.AddMinutes(-5) });
        var run = await Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None));
        Assert.Equal((null, 3), (run.Error, run.Inserted));
        // The round trip is over: its state cannot be used again.
        var again = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete", new { state, code = returned["code"] },
            HttpStatusCode.BadRequest);
        Assert.Contains("stale", again.ToString(), StringComparison.Ordinal);

        // A new consent that the seller declines leaves the working credentials as they were.
        var (second, declined) = await ConsentAsync(shop, "decline");
        await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete",
            new { state = second, error = HttpUtility.ParseQueryString(declined.Query)["error"] }, HttpStatusCode.Conflict);
        var still = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Equal(["client_id", "client_secret", "refresh_token"], still.CredentialsSet);
        Assert.Null((await Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None))).Error);
    }

    [Fact]
    public async Task A_declined_consent_a_forged_state_and_missing_app_credentials_are_each_named()
    {
        var shop = await ShopAsync();
        var missing = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/channels/shops/{shop}/authorize",
            new { values = new Dictionary<string, string> { ["client_id"] = _client }, redirectUri = "ftp://elsewhere" }, HttpStatusCode.BadRequest);
        Assert.Contains("values.client_secret", missing.ToString(), StringComparison.Ordinal);
        Assert.Contains("redirectUri", missing.ToString(), StringComparison.Ordinal);

        var (state, back) = await ConsentAsync(shop, "decline");
        var returned = HttpUtility.ParseQueryString(back.Query);
        var declined = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete",
            new { state, error = returned["error"], errorDescription = returned["error_description"] }, HttpStatusCode.Conflict);
        Assert.Contains("access_denied", declined.ToString(), StringComparison.Ordinal);

        var forged = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/shops/authorize/complete",
            new { state = state[..^4] + "AAAA", code = "x" }, HttpStatusCode.BadRequest);
        Assert.Contains("state", forged.ToString(), StringComparison.Ordinal);
        var shopify = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Shopify", code = "SHNC", name = "Shopify 店" }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var none = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/channels/shops/{shopify}/authorize",
            new { values = new Dictionary<string, string>(), redirectUri = Back }, HttpStatusCode.Conflict);
        Assert.Contains("connection.no_consent", none.ToString(), StringComparison.Ordinal);
    }
}

public sealed class ConsentTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ConsentTests(app, sandbox);

public sealed class ConsentTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ConsentTests(app, sandbox);
