using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.ConfirmShipments;

/// <summary>Tracking write-back (回传) through the outbox to the sandbox's TOP and Pinduoduo over real HTTP.</summary>
public abstract class ConfirmShipmentTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _session = "sess-" + Guid.NewGuid().ToString("N");
    private const string Secret = "confirm-secret";

    private async Task<(Guid Shop, List<string> Orders)> TaobaoShopAsync(int orders = 3)
    {
        var appKey = "app" + Random.Shared.Next(10_000_000, 99_999_999);
        await sandbox.PostAsync("/_sandbox/taobao/sellers", new { appKey, appSecret = Secret, session = _session, nick = "回传测试店" });
        var shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Taobao", code = "TBC" + Random.Shared.Next(1000, 9999), name = "回传测试店" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/settings",
            new { firstPullFrom = DateTime.UtcNow.AddMinutes(-50), apiBaseUrl = new Uri(sandbox.BaseUrl, "/taobao/router/rest").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = appKey, ["app_secret"] = Secret, ["session"] = _session } });
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/taobao/sellers/{_session}/orders",
            new { count = orders, from = DateTime.UtcNow.AddMinutes(-40), to = DateTime.UtcNow.AddMinutes(-5), unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0 });
        return (shop, generated.GetProperty("tids").EnumerateArray().Select(t => t.GetString()!).ToList());
    }

    private Task<ConfirmationRow> QueueAsync(Guid shop, string order, string tracking, string carrier = "ZTO") =>
        Session.PostAsync<ConfirmationRow>("/api/v1/channels/confirmations", new { shopId = shop, platformOrderId = order, trackingNo = tracking, carrierCode = carrier },
            HttpStatusCode.Created);

    private Task<SendRun> SendAsync() => Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);

    private async Task<List<JsonElement>> ReceivedAsync(string seller)
    {
        using var response = await sandbox.Control.GetAsync(new Uri($"/_sandbox/received?seller={seller}", UriKind.Relative));
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    [Fact]
    public async Task A_confirmation_whose_answer_is_lost_reaches_the_platform_once_and_is_never_sent_again()
    {
        var (shop, orders) = await TaobaoShopAsync();
        var queued = await QueueAsync(shop, orders[0], "ZT1000000001");
        // The platform does the work but answers after the client's timeout (3 s in the tests).
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { slowAnswerNext = 1, slowAnswerMs = 4500 });

        var first = await SendAsync();
        Assert.Equal((1, 0, 1), (first.Sent, first.Accepted, first.Retrying));
        var waiting = await Session.GetAsync<JsonElement>($"/api/v1/channels/confirmations?shopId={shop}");
        Assert.Contains("did not answer in time", waiting.GetProperty("items")[0].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await Session.PostAsync<ConfirmationRow>($"/api/v1/channels/confirmations/{queued.Id}/retry", null);
        var second = await SendAsync();
        var again = await QueueAsync(shop, orders[0], "ZT1000000001");
        var third = await SendAsync();

        Assert.Equal((1, 1), (second.Sent, second.Accepted));
        Assert.Equal(queued.Id, again.Id);
        Assert.Equal(ConfirmationState.Accepted, again.State);
        Assert.Equal(0, third.Sent);
        var received = await ReceivedAsync(_session);
        Assert.Single(received, r => r.GetProperty("accepted").GetBoolean());
        Assert.Equal(2, received.Count);
        await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/channels/confirmations/{queued.Id}/retry", null, HttpStatusCode.Conflict);

        // The next pull sees the order shipped.
        await Task.Delay(1100);
        await Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None));
        await using var db = Session.OpenDb();
        Assert.Equal(PlatformOrderStatus.Shipped, (await db.Set<PlatformOrder>().SingleAsync(o => o.PlatformOrderId == orders[0])).Status);
    }

    [Fact]
    public async Task A_refusal_shows_the_platforms_message_and_waits_for_a_retry_while_throttling_waits_seconds_without_using_up_attempts()
    {
        var (shop, orders) = await TaobaoShopAsync();
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{orders[1]}", new { status = "TRADE_CLOSED" });
        var refused = await QueueAsync(shop, orders[1], "YT2000000002", "YTO");
        await SendAsync();
        var throttled = await QueueAsync(shop, orders[2], "SF3000000003", "SF");
        var behind = await QueueAsync(shop, orders[0], "SF3000000004", "SF");
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { throttleNext = 1 });
        var run = await SendAsync();

        // The shop's next row is not sent into the same limit: it waits for the next round.
        Assert.Equal((1, 0, 1, 0), (run.Sent, run.Accepted, run.Retrying, run.Rejected));
        var rows = (await Session.GetAsync<JsonElement>($"/api/v1/channels/confirmations?shopId={shop}")).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetInt64());
        Assert.Equal("Rejected", rows[refused.Id].GetProperty("state").GetString());
        Assert.Contains("交易已关闭", rows[refused.Id].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("Pending", rows[throttled.Id].GetProperty("state").GetString());
        // Throttling is the platform's call limit, not the row's failure: no attempt is counted (a busy day must not use
        // up a row's twelve), and it waits seconds, not the minutes of back-off a failure waits.
        Assert.Equal(0, rows[throttled.Id].GetProperty("attempts").GetInt32());
        Assert.InRange(rows[throttled.Id].GetProperty("nextAttemptAt").GetDateTime(), DateTime.UtcNow, DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(JsonValueKind.Null, rows[behind.Id].GetProperty("lastError").ValueKind);
        Assert.Equal(1, rows[refused.Id].GetProperty("attempts").GetInt32());
        var retried = await Session.PostAsync<ConfirmationRow>($"/api/v1/channels/confirmations/{refused.Id}/retry", null);
        Assert.Equal(ConfirmationState.Pending, retried.State);
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_queues_nothing()
    {
        var (shop, orders) = await TaobaoShopAsync(1);

        var unknown = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/confirmations",
            new { shopId = shop, platformOrderId = orders[0], trackingNo = "", carrierCode = "XYZ" }, HttpStatusCode.BadRequest);

        var fields = unknown.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("trackingNo", fields);
        Assert.Contains("carrierCode", fields);
        await using var db = Session.OpenDb();
        Assert.False(await db.Set<ShipmentConfirmation>().AnyAsync());
        await Session.ProblemAsync(HttpMethod.Post, "/api/v1/channels/confirmations",
            new { shopId = Guid.NewGuid(), platformOrderId = "1", trackingNo = "T1", carrierCode = "SF" }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_pinduoduo_order_is_confirmed_with_its_numeric_carrier_id()
    {
        var token = "pdd-confirm-" + Guid.NewGuid().ToString("N");
        var client = "pdd-client-" + Random.Shared.Next(10_000_000, 99_999_999);
        await sandbox.PostAsync("/_sandbox/pinduoduo/malls", new { clientId = client, clientSecret = Secret, accessToken = token, mallName = "拼多多回传店" });
        var shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Pinduoduo", code = "PDC" + Random.Shared.Next(1000, 9999), name = "拼多多回传店" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/settings", new { apiBaseUrl = new Uri(sandbox.BaseUrl, "/pinduoduo/api/router").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["client_id"] = client, ["client_secret"] = Secret, ["access_token"] = token } });
        var sn = (await sandbox.PostAsync<JsonElement>($"/_sandbox/pinduoduo/malls/{token}/orders", new { count = 1, unpaidShare = 0.0, closedShare = 0.0 }))
            .GetProperty("orderSns")[0].GetString()!;

        await QueueAsync(shop, sn, "YD4000000004", "YUNDA");
        var run = await SendAsync();

        Assert.Equal((1, 1), (run.Sent, run.Accepted));
        var received = Assert.Single(await ReceivedAsync(token));
        Assert.Equal(("121", "YD4000000004"), (received.GetProperty("carrier").GetString(), received.GetProperty("trackingNo").GetString()));
    }
}

public sealed class ConfirmShipmentTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ConfirmShipmentTests(app, sandbox);

public sealed class ConfirmShipmentTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ConfirmShipmentTests(app, sandbox);
