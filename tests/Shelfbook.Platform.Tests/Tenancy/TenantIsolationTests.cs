using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Access.Features.ManageApiTokens;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Tenancy;

/// <summary>
/// Signed in as tenant A, every API route is tried with tenant B's ids: each must answer 404, never 403 and never
/// B's data. New routes are covered automatically, because the routes are read from the running app; a route whose
/// kind of id the test does not know fails the test until it is added.
/// </summary>
public abstract partial class TenantIsolationTests(ShelfbookApp app) : TenantTest(app)
{
    [Fact]
    public async Task Every_route_with_an_id_answers_404_for_another_tenants_id()
    {
        var tenantB = await App.NewTenantAsync();
        var warehouseB = await tenantB.PostAsync<WarehouseView>("/api/v1/inventory/warehouses", new { code = "B1", name = "B 的仓库", type = "Own" }, HttpStatusCode.Created);
        var tokenB = await tenantB.PostAsync<CreatedToken>("/api/v1/access/tokens", new { name = "B" }, HttpStatusCode.Created);
        Guid roleB;
        await using (var control = App.OpenControl())
            roleB = control.Roles.Where(r => r.Name == Data.Control.Role.AdministratorName)
                .Join(control.Tenants.Where(t => t.Code == tenantB.Tenant.Value), r => r.TenantId, t => t.Id, (r, _) => r.Id).Single();
        var productB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
            new { name = "B 的仓库 货品", skus = new[] { new { code = "B-SKU" } } }, HttpStatusCode.Created);
        var categoryB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/categories", new { name = "B 的仓库 分类" }, HttpStatusCode.Created);
        var comboB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/combos",
            new { name = "B 的仓库 组合", code = "B-COMBO", components = new[] { new { code = "B-SKU", quantity = 2 } } }, HttpStatusCode.Created);
        var shopB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/shops", new { platform = "Jd", code = "B-SHOP", name = "B 的仓库 店" }, HttpStatusCode.Created);
        await tenantB.PostAsync<System.Text.Json.JsonElement>($"/api/v1/catalog/shops/{shopB.GetProperty("id").GetString()}/listings",
            new { listings = new[] { new { platformItemId = "1", title = "B 的仓库 商品" } } });
        var listingB = (await tenantB.GetAsync<System.Text.Json.JsonElement>("/api/v1/catalog/listings")).GetProperty("items")[0];
        var ruleB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/replacements", new { fromCode = "B-SKU", toCode = "B-COMBO" }, HttpStatusCode.Created);
        var supplierB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/suppliers", new { code = "B-SUP", name = "B 的仓库 供应商" }, HttpStatusCode.Created);
        var skuB = productB.GetProperty("skus")[0].GetProperty("id").GetString()!;
        var documentB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/documents",
            new { kind = "ManualIn", warehouseId = warehouseB.Id, reason = "found", note = "B 的仓库 单", lines = new[] { new { skuCode = "B-SKU", quantity = 2 } } }, HttpStatusCode.Created);
        await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/reasons", new { code = "b-only", name = "B 的仓库 原因", direction = "Both" }, HttpStatusCode.Created);
        var transferB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/transfers", new
        {
            fromWarehouseId = warehouseB.Id,
            toWarehouseId = (await tenantB.PostAsync<WarehouseView>("/api/v1/inventory/warehouses", new { code = "B2", name = "B 的仓库 2", type = "Own" }, HttpStatusCode.Created)).Id,
            note = "B 的仓库 调拨", lines = new[] { new { skuCode = "B-SKU", quantity = 1 } },
        }, HttpStatusCode.Created);
        await tenantB.PostAsync<System.Text.Json.JsonElement>($"/api/v1/inventory/documents/{documentB.GetProperty("id").GetString()}/post", null);
        var stocktakeB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/stocktakes", new { warehouseId = warehouseB.Id, note = "B 的仓库 盘点" }, HttpStatusCode.Created);
        var platformOrderB = new Channels.Domain.PlatformOrder
        {
            ShopId = shopB.GetProperty("id").GetGuid(), Platform = Catalog.Contracts.ShopPlatform.Jd, PlatformOrderId = "B-ORDER", PlatformStatus = "WAIT_SELLER_STOCK_OUT",
            RawPayload = "{}", PlacedAt = DateTime.UtcNow, PlatformUpdatedAt = DateTime.UtcNow, FirstStoredAt = DateTime.UtcNow, StoredAt = DateTime.UtcNow,
        };
        var quarantinedB = new Channels.Domain.QuarantinedRecord
        {
            ShopId = platformOrderB.ShopId, PlatformOrderId = "B-BAD", Error = "B 的仓库 错误", Payload = "{}", FirstSeenAt = DateTime.UtcNow, LastSeenAt = DateTime.UtcNow,
        };
        var confirmationB = new Channels.Domain.ShipmentConfirmation
        {
            ShopId = platformOrderB.ShopId, PlatformOrderId = "B-ORDER", TrackingNo = "B-TRACK", CarrierCode = "SF", CreatedAt = DateTime.UtcNow,
            State = Channels.Domain.ConfirmationState.Rejected,
        };
        var carrierB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/carriers",
            new { code = "B-EXP", name = "B 的仓库 快递", services = new[] { new { code = "STD", name = "B 的仓库 标快" } } }, HttpStatusCode.Created);
        var rateTableB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/rate-tables",
            new { serviceId = carrierB.GetProperty("services")[0].GetProperty("id").GetGuid(), name = "B 的仓库 运费" }, HttpStatusCode.Created);
        var carrierRuleB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/carrier-rules", new { name = "B 的仓库 物流规则" }, HttpStatusCode.Created);
        var waybillAccountB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/waybill-accounts",
            new { carrierId = carrierB.GetProperty("id").GetGuid(), apiUrl = "http://127.0.0.1:9/carriers/B/api", appKey = "B 的仓库", appSecret = "b", customerCode = "B" },
            HttpStatusCode.Created);
        var templateB = await tenantB.PostAsync<System.Text.Json.JsonElement>("/api/v1/fulfillment/label-templates",
            new { name = "B 的仓库 面单", widthMm = 100, heightMm = 150, fields = new[] { "carrier", "barcode", "receiver", "sender" } }, HttpStatusCode.Created);
        var shipJobB = new Fulfillment.Domain.ShipJob { Mode = Fulfillment.Domain.ShipMode.OneClick, CreatedAt = DateTime.UtcNow, CreatedBy = "B 的仓库" };
        var orderB = new Orders.Domain.Order { OrderNo = "SO-B-1", PlacedAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        var waveB = new Fulfillment.Domain.Wave { WaveNo = "W-B-1", WarehouseId = warehouseB.Id, CreatedAt = DateTime.UtcNow };
        await using (var db = tenantB.OpenDb())
        {
            db.AddRange(platformOrderB, quarantinedB, confirmationB, orderB, waveB, shipJobB);
            await db.SaveChangesAsync();
        }
        var idsOfB = new Dictionary<string, string>
        {
            ["/api/v1/orders/"] = orderB.Id.ToString(),
            ["/api/v1/fulfillment/waves/"] = waveB.Id.ToString(),
            ["/api/v1/fulfillment/pack/"] = orderB.Id.ToString(),
            ["/api/v1/fulfillment/ship-modes/"] = warehouseB.Id.ToString(),
            ["/api/v1/fulfillment/label-templates/"] = templateB.GetProperty("id").GetString()!,
            ["/api/v1/fulfillment/ship-jobs/"] = shipJobB.Id.ToString(),
            ["/api/v1/logistics/carriers/"] = carrierB.GetProperty("id").GetString()!,
            ["/api/v1/logistics/rate-tables/"] = rateTableB.GetProperty("id").GetString()!,
            ["/api/v1/logistics/carrier-rules/"] = carrierRuleB.GetProperty("id").GetString()!,
            ["/api/v1/logistics/waybill-accounts/"] = waybillAccountB.GetProperty("id").GetString()!,
            ["/api/v1/logistics/senders/"] = warehouseB.Id.ToString(),
            ["/api/v1/channels/shops/"] = shopB.GetProperty("id").GetString()!,
            ["/api/v1/channels/orders/"] = platformOrderB.Id.ToString(),
            ["/api/v1/channels/quarantine/"] = quarantinedB.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["/api/v1/channels/confirmations/"] = confirmationB.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["/api/v1/inventory/transfers/"] = transferB.GetProperty("id").GetString()!,
            ["/api/v1/inventory/stocktakes/"] = stocktakeB.GetProperty("id").GetString()!,
            ["/api/v1/inventory/stock/ledger/"] = skuB,
            ["/api/v1/inventory/documents/"] = documentB.GetProperty("id").GetString()!,
            ["/api/v1/inventory/reasons/"] = "b-only",
            ["/api/v1/catalog/suppliers/"] = supplierB.GetProperty("id").GetString()!,
            ["/api/v1/catalog/shops/"] = shopB.GetProperty("id").GetString()!,
            ["/api/v1/catalog/listings/"] = listingB.GetProperty("id").GetString()!,
            ["/api/v1/catalog/replacements/"] = ruleB.GetProperty("id").GetString()!,
            ["/api/v1/catalog/combos/"] = comboB.GetProperty("sku").GetProperty("id").GetString()!,
            ["/api/v1/catalog/categories/"] = categoryB.GetProperty("id").GetString()!,
            ["/api/v1/catalog/products/"] = productB.GetProperty("id").GetString()!,
            ["/api/v1/catalog/skus/"] = productB.GetProperty("skus")[0].GetProperty("id").GetString()!,
            ["/api/v1/access/users/"] = tenantB.AdminId.ToString(),
            ["/api/v1/access/roles/"] = roleB.ToString(),
            ["/api/v1/inventory/warehouses/"] = warehouseB.Id.ToString(),
            ["/api/v1/access/tokens/"] = tokenB.Token.Id.ToString(),
            ["/api/v1/access/tenants/"] = tenantB.Tenant.Value,
        };

        var routes = ApiRoutesWithParameters();
        Assert.True(routes.Count >= 16, $"only {routes.Count} routes found");
        foreach (var (method, pattern) in routes)
        {
            var prefix = idsOfB.Keys.FirstOrDefault(pattern.StartsWith)
                         ?? throw new Xunit.Sdk.XunitException($"No id of tenant B is known for {method} {pattern}: add one to this test.");
            var url = Parameter().Replace(pattern, idsOfB[prefix]);
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
            // A body that would be valid, so that only the id can make the answer a 404.
            if (method is "POST" or "PUT")
                request.Content = new StringContent(
                    """{"code":"A1","name":"A","type":"Own","displayName":"A","roleIds":[],"permissions":[],"password":"Valid-Pass1"}""",
                    Encoding.UTF8, "application/json");

            using var response = await Session.Api.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {url} answered {(int)response.StatusCode}");
            Assert.DoesNotContain("B 的仓库", await response.Content.ReadAsStringAsync());
        }

        // B's things are untouched and still B's.
        Assert.True((await tenantB.GetAsync<WarehouseView>($"/api/v1/inventory/warehouses/{warehouseB.Id}")).Active);
        using var tokenClient = App.ApiClient(tokenB.Secret);
        var me = await tokenClient.GetStringAsync(new Uri("/api/v1/access/me", UriKind.Relative));
        Assert.Contains(tenantB.Tenant.Value, me);
    }

    [Fact]
    public async Task Lists_show_only_the_own_tenants_rows()
    {
        var tenantB = await App.NewTenantAsync();
        await tenantB.PostAsync<WarehouseView>("/api/v1/inventory/warehouses", new { code = "B1", name = "B 的仓库", type = "Own" }, HttpStatusCode.Created);

        var warehouses = await Session.GetAsync<Page<WarehouseView>>("/api/v1/inventory/warehouses");
        var audit = await Session.Api.GetStringAsync(new Uri("/api/v1/audit?limit=500", UriKind.Relative));
        var tokens = await Session.GetAsync<List<ApiTokenView>>("/api/v1/access/tokens");

        Assert.Empty(warehouses.Items);
        Assert.DoesNotContain("B 的仓库", audit);
        Assert.DoesNotContain(tenantB.Tenant.Value, audit);
        var own = Assert.Single(tokens);
        Assert.Equal(Session.AdminId, await OwnerOf(own.Id));
    }

    [Fact]
    public async Task Tenant_admin_routes_are_hidden_from_non_operators()
    {
        using var list = await Session.Api.GetAsync(new Uri("/api/v1/access/tenants", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
    }

    private async Task<Guid> OwnerOf(Guid tokenId)
    {
        await using var control = App.OpenControl();
        return control.ApiTokens.Where(t => t.Id == tokenId).Select(t => t.UserId).Single();
    }

    private List<(string Method, string Pattern)> ApiRoutesWithParameters() =>
        App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true && e.RoutePattern.Parameters.Count > 0)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!)))
            .ToList();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}

public sealed class TenantIsolationTestsOnSqlite(SqliteApp app) : TenantIsolationTests(app);

public sealed class TenantIsolationTestsOnPostgres(PostgresApp app) : TenantIsolationTests(app);
