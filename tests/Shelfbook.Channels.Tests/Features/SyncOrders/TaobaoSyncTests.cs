using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.SyncOrders;

/// <summary>Order sync of a Taobao shop against the sandbox's TOP over real HTTP.</summary>
public abstract class TaobaoSyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _session = "sess-" + Guid.NewGuid().ToString("N");
    private readonly string _appKey = "app" + Random.Shared.Next(10_000_000, 99_999_999);
    private const string Secret = "sandbox-secret-1";
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-2);

    /// <summary>A Taobao shop linked to a fresh sandbox seller; sync starts two hours back.</summary>
    private async Task<Guid> ShopAsync(string secret = Secret)
    {
        await sandbox.PostAsync("/_sandbox/taobao/sellers", new { appKey = _appKey, appSecret = Secret, session = _session, nick = "沙箱旗舰店" });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Taobao", code = "TB" + Random.Shared.Next(1000, 9999), name = "淘宝沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        // The address first: credentials are given for an address, and changing it later clears them.
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings",
            new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, "/taobao/router/rest").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = secret, ["session"] = _session } });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings", new { syncEnabled = true });
        return id;
    }

    /// <summary>Orders modified between <paramref name="fromMinute"/> and <paramref name="toMinute"/> minutes after the first pull's start.</summary>
    private Task<List<string>> GenerateAsync(int count, int? seed = null, int fromMinute = 20, int toMinute = 117) =>
        sandbox.PostAsync<JsonElement>($"/_sandbox/taobao/sellers/{_session}/orders",
                new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "A-1", "B-2" }, seed })
            .ContinueWith(t => t.Result.GetProperty("tids").EnumerateArray().Select(e => e.GetString()!).ToList(), TaskScheduler.Default);

    private Task<SyncRun> SyncAsync(Guid shop, string node = "test-node") =>
        Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, node, CancellationToken.None));

    private int Calls(string method) => sandbox.State.Calls.GetValueOrDefault($"taobao:{_session}:{method}");

    [Fact]
    public async Task The_first_pull_stores_every_order_once_and_pulling_again_changes_nothing()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(250, seed: 7);

        var first = await SyncAsync(shop);

        Assert.Null(first.Error);
        Assert.Equal(250, first.Inserted);
        await using (var db = Session.OpenDb())
        {
            Assert.Equal(tids.Order(StringComparer.Ordinal), await db.Set<PlatformOrder>().Select(o => o.PlatformOrderId).OrderBy(t => t).ToListAsync());
            var lines = await db.Set<PlatformOrderLine>().CountAsync();
            Assert.Equal(await db.Set<PlatformOrder>().SumAsync(o => o.LineCount), lines);
            var order = await db.Set<PlatformOrder>().FirstAsync(o => o.Status == PlatformOrderStatus.AwaitingShipment);
            Assert.Equal("CNY", order.Currency);
            Assert.True(order.Paid > 0 && order.Paid == order.GoodsAmount - order.Discount + order.Postage);
            Assert.Contains("\"tid\"", order.RawPayload, StringComparison.Ordinal);
            Assert.NotNull(order.Province);
        }
        var link = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Equal(ConnectionHealth.Ok, link.Health);
        Assert.NotNull(link.Cursor);
        Assert.Equal(["app_key", "app_secret", "session"], link.CredentialsSet);
        Assert.Equal((250, 0, 0, 0, 1), (link.Monitor.OrdersToday, link.Monitor.ConfirmationsWaiting, link.Monitor.ConfirmationsRefused, link.Monitor.Quarantined,
            link.Monitor.RunsToday));
        Assert.InRange(link.LagSeconds!.Value, 0, 120);

        var again = await SyncAsync(shop);
        Assert.Equal((0, 0), (again.Inserted, again.Updated));
        await using var check = Session.OpenDb();
        Assert.Equal(250, await check.Set<PlatformOrder>().CountAsync());
    }

    [Fact]
    public async Task Pages_are_read_from_the_last_to_the_first_after_a_count_call()
    {
        var shop = await ShopAsync();
        await GenerateAsync(230, fromMinute: 35, toMinute: 55);

        var run = await SyncAsync(shop);

        // Four windows of 30 minutes, each with a fields=tid call for the count; the 230 orders of the second make three pages of 100.
        Assert.Equal(230, run.Inserted);
        Assert.Equal(3, run.Pages);
        Assert.Equal(run.Windows + 3, Calls("taobao.trades.sold.increment.get"));
    }

    [Fact]
    public async Task Duplicates_across_pages_and_orders_updated_while_paging_are_neither_doubled_nor_lost()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(300);
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { duplicateAcrossPages = true, updateDuringPaging = 2 });

        var first = await SyncAsync(shop);
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { duplicateAcrossPages = false, updateDuringPaging = 0 });
        // Orders moved past the window's end come with the next pull.
        await Task.Delay(1100);
        var second = await SyncAsync(shop);

        Assert.Null(first.Error);
        Assert.Null(second.Error);
        await using var db = Session.OpenDb();
        Assert.Equal(tids.Order(StringComparer.Ordinal), await db.Set<PlatformOrder>().Select(o => o.PlatformOrderId).OrderBy(t => t).ToListAsync());
    }

    [Fact]
    public async Task Throttling_is_waited_out_and_the_window_retried()
    {
        var shop = await ShopAsync();
        await GenerateAsync(120);
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { throttleNext = 2 });

        var run = await SyncAsync(shop);

        Assert.Null(run.Error);
        Assert.Equal(2, run.Throttled);
        Assert.Equal(120, run.Inserted);
        var link = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Equal((1, 2, 0), (link.Monitor.RunsToday, link.Monitor.ThrottledToday, link.Monitor.FailedRunsToday));
        var logged = Assert.Single(await Session.GetAsync<List<JsonElement>>($"/api/v1/channels/shops/{shop}/runs"));
        Assert.Equal((120, 2), (logged.GetProperty("inserted").GetInt32(), logged.GetProperty("throttled").GetInt32()));
    }

    [Fact]
    public async Task The_sellers_call_limit_bans_calls_for_the_seconds_top_names_and_the_sync_waits_them_out()
    {
        var shop = await ShopAsync();
        await GenerateAsync(120);
        // Two calls a second, two at once: the windows' count and page calls outrun it.
        await sandbox.PostAsync($"/_sandbox/limits/taobao:{_session}", new { rate = 2.0, burst = 2.0 });

        var run = await SyncAsync(shop);

        Assert.Equal((null, 120), (run.Error, run.Inserted));
        Assert.True(run.Throttled > 0, "the limit was never reached");
    }

    [Fact]
    public async Task A_page_of_html_fails_the_run_with_a_clear_message_and_keeps_the_cursor_of_stored_windows()
    {
        var shop = await ShopAsync();
        await GenerateAsync(20);
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { htmlNext = 1 });

        var failed = await SyncAsync(shop);

        Assert.Contains("HTML instead of JSON", failed.Error, StringComparison.Ordinal);
        var link = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Equal(ConnectionHealth.Failing, link.Health);
        Assert.NotNull(link.NextSyncAt);
        var retried = await SyncAsync(shop);
        Assert.Null(retried.Error);
        await using var db = Session.OpenDb();
        Assert.Equal(20, await db.Set<PlatformOrder>().CountAsync());
    }

    [Fact]
    public async Task A_wrong_secret_or_a_revoked_session_asks_for_authorization_with_the_platforms_message()
    {
        var shop = await ShopAsync(secret: "not-the-secret");
        var wrong = await SyncAsync(shop);
        var view = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Contains("Invalid signature", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, view.Health);
        Assert.Null(view.NextSyncAt);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = Secret, ["session"] = _session } });
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/revoke", new { });
        var revoked = await SyncAsync(shop);
        Assert.Contains("Invalid session", revoked.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);
    }

    [Fact]
    public async Task A_malformed_record_is_quarantined_the_rest_stored_and_a_good_reading_resolves_it()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(30);
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { malformed = new[] { tids[3] } });

        var run = await SyncAsync(shop);

        Assert.Equal((29, 1), (run.Inserted, run.Quarantined));
        var open = await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={shop}");
        var entry = Assert.Single(open.GetProperty("items").EnumerateArray());
        Assert.Equal(tids[3], entry.GetProperty("platformOrderId").GetString());
        Assert.Contains("payment", entry.GetProperty("error").GetString(), StringComparison.Ordinal);

        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { malformed = Array.Empty<string>() });
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{tids[3]}", new { sellerMemo = "fixed" });
        await Task.Delay(1100);
        await SyncAsync(shop);
        var after = await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={shop}");
        Assert.Empty(after.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_quarantined_record_is_retried_from_the_platform_or_dismissed()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(10);
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { malformed = new[] { tids[1], tids[2] } });
        await SyncAsync(shop);
        var open = (await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={shop}")).GetProperty("items").EnumerateArray()
            .ToDictionary(e => e.GetProperty("platformOrderId").GetString()!, e => e.GetProperty("id").GetInt64());

        var still = await Session.PostAsync<JsonElement>($"/api/v1/channels/quarantine/{open[tids[1]]}/retry", null);
        Assert.Equal(("Open", 2), (still.GetProperty("state").GetString(), still.GetProperty("occurrences").GetInt32()));
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { malformed = Array.Empty<string>() });
        var resolved = await Session.PostAsync<JsonElement>($"/api/v1/channels/quarantine/{open[tids[1]]}/retry", null);
        var dismissed = await Session.PostAsync<JsonElement>($"/api/v1/channels/quarantine/{open[tids[2]]}/dismiss", null);
        var again = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/channels/quarantine/{open[tids[2]]}/dismiss", null, HttpStatusCode.Conflict);

        Assert.Equal("Resolved", resolved.GetProperty("state").GetString());
        Assert.Equal("Dismissed", dismissed.GetProperty("state").GetString());
        Assert.Equal("quarantine.closed", again.GetProperty("code").GetString());
        await using var db = Session.OpenDb();
        Assert.True(await db.Set<PlatformOrder>().AnyAsync(o => o.PlatformOrderId == tids[1]));
        Assert.False(await db.Set<PlatformOrder>().AnyAsync(o => o.PlatformOrderId == tids[2]));
    }

    [Fact]
    public async Task A_refund_request_a_cancellation_and_an_address_change_become_events_on_a_newer_revision()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(5, seed: 11);
        await SyncAsync(shop);

        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{tids[0]}", new { refundStatus = "WAIT_SELLER_AGREE" });
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{tids[1]}", new { status = "TRADE_CLOSED" });
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{tids[2]}", new { receiverAddress = "文一西路 969 号" });
        await Task.Delay(1100);
        var run = await SyncAsync(shop);

        Assert.Equal(3, run.Updated);
        await using var db = Session.OpenDb();
        var events = await db.Set<PlatformOrderEvent>().Select(e => new { e.PlatformOrderId, e.Change }).ToListAsync();
        Assert.Contains(events, e => e.PlatformOrderId == tids[0] && e.Change == PlatformOrderChange.RefundRequested);
        Assert.Contains(events, e => e.PlatformOrderId == tids[1] && e.Change == PlatformOrderChange.Cancelled);
        Assert.Contains(events, e => e.PlatformOrderId == tids[2] && e.Change == PlatformOrderChange.AddressChanged);
        var changed = await db.Set<PlatformOrder>().SingleAsync(o => o.PlatformOrderId == tids[2]);
        Assert.Equal(("文一西路 969 号", 1), (changed.Address, changed.Revision));
    }

    [Fact]
    public async Task An_order_the_platform_forbids_to_ship_is_held_and_a_refund_of_one_line_is_partial()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(40, seed: 5);
        await SyncAsync(shop);
        string multi;
        await using (var db = Session.OpenDb())
            multi = await db.Set<PlatformOrder>().Where(o => o.LineCount > 1 && o.Status == PlatformOrderStatus.AwaitingShipment).Select(o => o.PlatformOrderId).FirstAsync();
        var held = tids.First(t => t != multi);

        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{held}", new { status = "PAID_FORBID_CONSIGN" });
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{multi}", new { refundStatus = "SUCCESS" });
        await Task.Delay(1100);
        var second = await SyncAsync(shop);
        Assert.Null(second.Error);
        Assert.Equal(2, second.Updated);

        await using var check = Session.OpenDb();
        var heldOrder = await check.Set<PlatformOrder>().SingleAsync(o => o.PlatformOrderId == held);
        Assert.Equal((PlatformOrderStatus.Held, "PAID_FORBID_CONSIGN", 1), (heldOrder.Status, heldOrder.PlatformStatus, heldOrder.Revision));
        Assert.Equal(RefundState.PartiallyRefunded, (await check.Set<PlatformOrder>().SingleAsync(o => o.PlatformOrderId == multi)).Refund);
        Assert.True(await check.Set<PlatformOrderEvent>().AnyAsync(e => e.PlatformOrderId == multi && e.Change == PlatformOrderChange.PartiallyRefunded));
    }

    [Fact]
    public async Task An_unknown_status_is_quarantined_and_a_skewed_clock_is_named()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(6);
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{tids[2]}", new { status = "WAIT_SOMETHING_NEW" });

        var run = await SyncAsync(shop);
        // TOP's window bounds are inclusive to the second: a record changed in the second where one window ends and the
        // next begins is read by both (stored once; a quarantined one is counted twice).
        Assert.Equal(5, run.Inserted);
        Assert.InRange(run.Quarantined, 1, 2);
        var open = await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={shop}");
        Assert.Contains("WAIT_SOMETHING_NEW", Assert.Single(open.GetProperty("items").EnumerateArray()).GetProperty("error").GetString(), StringComparison.Ordinal);

        // The platform's clock runs 15 minutes ahead of this server's (for this seller only): TOP refuses the timestamp.
        await sandbox.PostAsync($"/_sandbox/faults/taobao:{_session}", new { clockSkewSeconds = 15 * 60 });
        var skewed = await SyncAsync(shop);

        Assert.Contains("clock differs", skewed.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.Failing, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);
    }

    [Fact]
    public async Task Two_workers_on_one_shop_store_each_order_once()
    {
        var shop = await ShopAsync();
        var tids = await GenerateAsync(400);

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() => SyncAsync(shop, $"node-{i}"))));

        Assert.All(runs, r => Assert.True(r.Error is null or "leased", r.Error));
        Assert.Equal(400, runs.Sum(r => r.Inserted));
        await using var db = Session.OpenDb();
        Assert.Equal(400, await db.Set<PlatformOrder>().CountAsync());
    }

    [Fact]
    public async Task A_new_api_address_needs_the_credentials_again_and_plain_http_is_for_this_machine_only()
    {
        var shop = await ShopAsync();

        var refused = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/channels/shops/{shop}/settings", new { apiBaseUrl = "http://example.com/router/rest" },
            HttpStatusCode.BadRequest);
        var moved = await Session.PutAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}/settings", new { apiBaseUrl = "https://eco.taobao.com/router/rest" });

        Assert.True(refused.GetProperty("errors").TryGetProperty("apiBaseUrl", out _));
        Assert.Empty(moved.CredentialsSet);
        Assert.False(moved.SyncEnabled);
        Assert.Contains("credentials", (await SyncAsync(shop)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_are_checked_by_name_and_never_returned()
    {
        var shop = await ShopAsync();

        var problem = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = "k", ["token"] = "x" } }, HttpStatusCode.BadRequest);
        using var raw = await Session.Api.GetAsync(new Uri($"/api/v1/channels/shops/{shop}", UriKind.Relative));
        var body = await raw.Content.ReadAsStringAsync();

        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("values.app_secret", fields);
        Assert.Contains("values.token", fields);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(_session, body, StringComparison.Ordinal);
        await using var db = Session.OpenDb();
        var stored = await db.Set<ShopConnection>().SingleAsync(c => c.ShopId == shop);
        Assert.DoesNotContain(Secret, stored.ProtectedCredentials!, StringComparison.Ordinal);
        // The change log shows that the credentials changed, never what they are.
        var audit = await db.AuditEntries.Where(a => a.EntityType == "shop_connection" && a.EntityId == shop.ToString()).ToListAsync();
        Assert.NotEmpty(audit);
        Assert.All(audit, a => Assert.Equal(Shelfbook.Data.Audit.AuditCategory.System, a.Category));
        Assert.Contains(audit, a => a.Changes.Contains("credentialsChangedAt", StringComparison.OrdinalIgnoreCase));
        Assert.All(audit, a => Assert.DoesNotContain(Secret, a.Changes, StringComparison.Ordinal));
        Assert.All(audit, a => Assert.DoesNotContain(_session, a.Changes, StringComparison.Ordinal));
    }
}

public sealed class TaobaoSyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : TaobaoSyncTests(app, sandbox);

public sealed class TaobaoSyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : TaobaoSyncTests(app, sandbox);
