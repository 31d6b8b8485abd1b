using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Fulfillment.Features.Waybills;
using Shelfbook.Orders.Domain;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>
/// 电子面单 against the sandbox carriers: numbers per wave in the carrier's format, never twice for one parcel (asking
/// again, a lost answer, two fetches), cancellation and renumbering, the carriers' refusals per order, and shipping
/// that holds a parcel to its own live number.
/// </summary>
public abstract class WaybillTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    private async Task<(Guid Warehouse, List<Order> Audited)> ReadyAsync(int count, string carrier, params string[] accounts)
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, count);
        await WaybillKit.SetUpAsync(Session, sandbox, warehouse, accounts);
        await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = audited.Select(o => o.Id), carrierCode = carrier });
        return (warehouse, audited);
    }

    private async Task<List<JsonElement>> IssuedAsync(string carrier)
    {
        using var response = await sandbox.Control.GetAsync(new Uri($"/_sandbox/carriers/waybills?carrier={carrier}", UriKind.Relative));
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!.Where(w => w.GetProperty("appKey").GetString() == WaybillKit.AppKey(Session, carrier)).ToList();
    }

    [Fact]
    public async Task A_wave_is_numbered_once_and_a_cancelled_number_makes_way_for_a_new_one()
    {
        var (warehouse, audited) = await ReadyAsync(6, "ZTO", "ZTO");
        var wave = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "ByCarrier", carrierCode = "ZTO", maxOrders = 100 },
            HttpStatusCode.Created);
        Assert.Equal(audited.Count, wave.OrderCount);

        var run = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { waveId = wave.Id });
        Assert.Equal((audited.Count, 0, 0), (run.Issued, run.Already, run.Failed));
        Assert.All(run.Results, r => Assert.Matches("^78[0-9]{12}$", r.TrackingNo));
        Assert.Equal(audited.Count, run.Results.Select(r => r.TrackingNo).Distinct().Count());

        // Asking again changes nothing: the same numbers, none new at the carrier.
        var again = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { waveId = wave.Id });
        Assert.Equal((0, audited.Count, 0), (again.Issued, again.Already, again.Failed));
        Assert.Equal(run.Results.Select(r => r.TrackingNo), again.Results.Select(r => r.TrackingNo));
        Assert.Equal(audited.Count, (await IssuedAsync("ZTO")).Count);

        // An answer lost on the way back (a crash, a timeout): the row is still Requested; the next fetch asks with the
        // same reference and the carrier gives the same number.
        var lost = run.Results[0];
        await using (var db = Session.OpenDb())
            await db.Set<Waybill>().Where(w => w.OrderId == lost.OrderId)
                .ExecuteUpdateAsync(u => u.SetProperty(w => w.Status, WaybillStatus.Requested).SetProperty(w => w.TrackingNo, (string?)null));
        var recovered = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { lost.OrderId } });
        Assert.Equal((true, lost.TrackingNo), (recovered.Results[0].Issued, recovered.Results[0].TrackingNo));
        Assert.Equal(audited.Count, (await IssuedAsync("ZTO")).Count);

        // Cancelled with the carrier, the order is numbered again under a new reference.
        var cancelled = await Session.PostAsync<WaybillView>("/api/v1/fulfillment/waybills/cancel", new { trackingNo = lost.TrackingNo });
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.NotNull((await IssuedAsync("ZTO")).Single(w => w.GetProperty("trackingNo").GetString() == lost.TrackingNo).GetProperty("cancelledAt").GetString());
        var twice = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waybills/cancel", new { trackingNo = lost.TrackingNo }, HttpStatusCode.Conflict);
        Assert.Equal("waybill.cancelled", twice.GetProperty("code").GetString());
        var renumbered = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { lost.OrderId } });
        var fresh = renumbered.Results[0].TrackingNo!;
        Assert.NotEqual(lost.TrackingNo, fresh);
        await using (var db = Session.OpenDb())
            Assert.Equal([lost.OrderNo + "-1", lost.OrderNo + "-2"], await db.Set<Waybill>().Where(w => w.OrderId == lost.OrderId).OrderBy(w => w.Reference).Select(w => w.Reference).ToListAsync());

        // Shipping holds each parcel to its own live number.
        var other = run.Results[1];
        var ship = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new
        {
            mode = "Simple",
            rows = new[]
            {
                new { orderNo = lost.OrderNo, trackingNo = lost.TrackingNo },
                new { orderNo = run.Results[2].OrderNo, trackingNo = other.TrackingNo },
                new { orderNo = run.Results[3].OrderNo, trackingNo = (string?)"780000000000" },
            },
        });
        Assert.Equal([(false, "waybill.cancelled"), (false, "waybill.other_order"), (false, "waybill.mismatch")], ship.Results.Select(r => (r.Shipped, r.Code)));
        var own = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = other.OrderNo, trackingNo = other.TrackingNo } } });
        Assert.True(own.Results[0].Shipped);
        // 一键发货 without a number takes the order's live one.
        var oneClick = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "OneClick", orderIds = new[] { lost.OrderId } });
        Assert.Equal((true, fresh), (oneClick.Results[0].Shipped, oneClick.Results[0].TrackingNo));
        var shipped = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waybills/cancel", new { trackingNo = other.TrackingNo }, HttpStatusCode.Conflict);
        Assert.Equal("waybill.shipped", shipped.GetProperty("code").GetString());
        var none = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waybills/cancel", new { trackingNo = "NOPE" }, HttpStatusCode.NotFound);
        Assert.NotNull(none.GetProperty("title").GetString());
        // A shipped order is not numbered again.
        var after = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { lost.OrderId, other.OrderId } });
        Assert.All(after.Results, r => Assert.True(r.Already));
    }

    [Fact]
    public async Task The_carriers_refusals_come_back_per_order_and_nothing_is_numbered_for_them()
    {
        var (warehouse, audited) = await ReadyAsync(6, "ZTO", "ZTO", "4PX");
        Assert.True(audited.Count >= 4, $"{audited.Count} audited");
        var ids = audited.Select(o => o.Id).ToList();

        // Out of balance: every parcel refused with the carrier's words; nothing kept.
        await sandbox.PostAsync($"/_sandbox/carriers/accounts/{WaybillKit.AppKey(Session, "ZTO")}", new { balance = 1 });
        var poor = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = ids.Take(3) });
        Assert.Equal((1, 2), (poor.Issued, poor.Failed));
        Assert.All(poor.Results.Skip(1), r => Assert.Equal("waybill.refused", r.Code));
        Assert.All(poor.Results.Skip(1), r => Assert.Contains("余额不足", r.Message, StringComparison.Ordinal));
        await using (var db = Session.OpenDb())
            Assert.Equal(1, await db.Set<Waybill>().CountAsync());

        // Topped up, the same orders are numbered.
        await sandbox.PostAsync($"/_sandbox/carriers/accounts/{WaybillKit.AppKey(Session, "ZTO")}", new { balance = 100 });
        Assert.Equal(2, (await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = ids.Take(3) })).Issued);

        // A cross-border line does not take a parcel to China; a carrier without an account cannot number; a warehouse
        // without a sender neither; an intercepted order is refused by us.
        await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = new[] { ids[3] }, carrierCode = "4PX" });
        var abroad = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { ids[3] } });
        Assert.Equal("waybill.refused", abroad.Results[0].Code);
        Assert.Contains("A01", abroad.Results[0].Message, StringComparison.Ordinal);
        await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = new[] { ids[3] }, carrierCode = "SF" });
        Assert.Equal("waybill.no_account", (await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { ids[3] } })).Results[0].Code);
        await sandbox.PostAsync("/_sandbox/carriers/ZTO", new { suspended = new[] { audited[4].Province![..2] } });
        try
        {
            var suspended = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { ids[4] } });
            Assert.Contains("超区", suspended.Results[0].Message, StringComparison.Ordinal);
        }
        finally
        {
            await sandbox.PostAsync("/_sandbox/carriers/ZTO", new { suspended = Array.Empty<string>() });
        }
        await Session.PostAsync<JsonElement>("/api/v1/orders/intercept", new { orderIds = new[] { ids[4] }, reason = "买家退款" });
        Assert.Equal("order.intercepted", (await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { ids[4] } })).Results[0].Code);
        await using (var db = Session.OpenDb())
            await db.Set<Logistics.Domain.SenderAddress>().ExecuteDeleteAsync();
        if (audited.Count > 5)
            Assert.Equal("waybill.no_sender", (await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { ids[5] } })).Results[0].Code);

        // Bad requests name the field.
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waybills", new { }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("orderIds", out _));
        _ = warehouse;
    }

    [Fact]
    public async Task Waybill_accounts_keep_their_secret_and_refuse_bad_fields()
    {
        var carrier = await Session.PostAsync<JsonElement>("/api/v1/logistics/carriers", new { code = "YTO", name = "圆通速递", services = new[] { new { code = "STD", name = "圆通标准" } } },
            HttpStatusCode.Created);
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/waybill-accounts", new { apiUrl = "ftp://x", appKey = "" }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "carrierId", "apiUrl", "appKey", "appSecret", "customerCode" }) Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        var account = await Session.PostAsync<JsonElement>("/api/v1/logistics/waybill-accounts",
            new { carrierId = carrier.GetProperty("id").GetGuid(), apiUrl = "https://api.yto.example/waybill", appKey = "yto-key", appSecret = "yto-secret-1", customerCode = "K123" },
            HttpStatusCode.Created);
        Assert.True(account.GetProperty("secretSet").GetBoolean());
        var listed = await Session.GetAsync<JsonElement>("/api/v1/logistics/waybill-accounts");
        Assert.DoesNotContain("yto-secret-1", listed.GetRawText(), StringComparison.Ordinal);
        var duplicate = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/logistics/waybill-accounts",
            new { carrierId = carrier.GetProperty("id").GetGuid(), apiUrl = "https://x.example", appKey = "k", appSecret = "s", customerCode = "c" }, HttpStatusCode.BadRequest);
        Assert.True(duplicate.GetProperty("errors").TryGetProperty("carrierId", out _));
        // Changed without a secret, the secret stays.
        var changed = await Session.PutAsync<JsonElement>($"/api/v1/logistics/waybill-accounts/{account.GetProperty("id").GetGuid()}",
            new { carrierId = carrier.GetProperty("id").GetGuid(), apiUrl = "https://api.yto.example/v2", appKey = "yto-key", customerCode = "K124", active = false });
        Assert.Equal(("K124", false, true), (changed.GetProperty("customerCode").GetString(), changed.GetProperty("active").GetBoolean(), changed.GetProperty("secretSet").GetBoolean()));

        var warehouse = await OrdersKit.WarehouseAsync(Session, "SH");
        var badSender = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/logistics/senders/{warehouse}", new { name = "仓", phone = "call me" }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "phone", "province", "city", "address" }) Assert.True(badSender.GetProperty("errors").TryGetProperty(field, out _), field);
        await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/logistics/senders/{Guid.NewGuid()}", new { name = "仓" }, HttpStatusCode.NotFound);
        await using var db = Session.OpenDb();
        Assert.Contains(await db.Set<Shelfbook.Data.Audit.AuditEntry>().Where(a => a.EntityType == "waybill_account").Select(a => a.Changes).ToListAsync(),
            c => c.Contains("K124", StringComparison.Ordinal) && !c.Contains("yto-secret", StringComparison.Ordinal));
    }
}

public sealed class WaybillTestsOnSqlite(SqliteApp app, Sandbox sandbox) : WaybillTests(app, sandbox);

public sealed class WaybillTestsOnPostgres(PostgresApp app, Sandbox sandbox) : WaybillTests(app, sandbox);
