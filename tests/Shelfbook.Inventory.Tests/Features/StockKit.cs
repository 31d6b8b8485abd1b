using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features;

/// <summary>SKUs, warehouses and opening stock for inventory scenarios, made through the real API and services.</summary>
public static class StockKit
{
    public static async Task<Guid> SkuAsync(this TenantSession session, string code, long costPrice = 1000, int safetyStock = 0, string? barcode = null)
    {
        var product = await session.PostAsync<JsonElement>("/api/v1/catalog/products", new
        {
            name = "货品 " + code,
            skus = new[] { new { code, costPrice, safetyStock, barcodes = barcode is null ? Array.Empty<string>() : [barcode] } },
        }, HttpStatusCode.Created);
        return product.GetProperty("skus")[0].GetProperty("id").GetGuid();
    }

    public static async Task<Guid> WarehouseAsync(this TenantSession session, string code, string type = "Own", bool allowNegative = false)
    {
        var warehouse = await session.PostAsync<JsonElement>("/api/v1/inventory/warehouses",
            new { code, name = "仓 " + code, type, allowNegativeStock = allowNegative }, HttpStatusCode.Created);
        return warehouse.GetProperty("id").GetGuid();
    }

    /// <summary>Puts stock on the shelf with a manual receipt (opening balance) at the given unit cost.</summary>
    public static Task<PostedMovements> ReceiveAsync(this TenantSession session, Guid warehouse, Guid sku, int quantity, long? unitCost = null,
        StockCondition condition = StockCondition.Sellable) =>
        session.WithAsync<StockPosting, PostedMovements>(p => p.PostAsync(
            [new MovementDraft(warehouse, sku, condition, quantity, MovementType.OpeningBalance, "open:" + Guid.NewGuid(), "lines[0]", UnitCost: unitCost)], default));

    public static async Task<StockBalance?> BalanceAsync(this TenantSession session, Guid warehouse, Guid sku, StockCondition condition = StockCondition.Sellable)
    {
        await using var db = session.OpenDb();
        return await db.Set<StockBalance>().AsNoTracking().SingleOrDefaultAsync(b => b.WarehouseId == warehouse && b.SkuId == sku && b.Condition == condition);
    }
}
