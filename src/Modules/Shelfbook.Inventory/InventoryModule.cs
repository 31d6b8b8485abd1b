using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Inventory.Features.Alerts;
using Shelfbook.Inventory.Features.QuickOutbound;
using Shelfbook.Inventory.Features.Reservations;
using Shelfbook.Inventory.Features.Stocktakes;
using Shelfbook.Inventory.Features.Transfers;
using Shelfbook.Inventory.Features.StockDocuments;
using Shelfbook.Inventory.Features.StockViews;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Inventory;

public static class InventoryPermissions
{
    public const string ViewWarehouses = "inventory.warehouses.view";
    public const string ManageWarehouses = "inventory.warehouses.manage";

    /// <summary>查看库存: stock pages, the ledger, alerts, documents.</summary>
    public const string View = "inventory.view";

    /// <summary>出入库: manual in/out, condition changes, reason codes, quick outbound.</summary>
    public const string Adjust = "inventory.adjust";

    /// <summary>盘点: count sheets, counting and posting them.</summary>
    public const string Stocktake = "inventory.stocktake";

    /// <summary>调拨: transfers between warehouses.</summary>
    public const string Transfer = "inventory.transfer";
}

/// <summary>Marker for the module's resources (InventoryStrings.resx: zh-CN, InventoryStrings.en.resx: English).</summary>
public sealed class InventoryStrings;

public sealed class InventoryModule : ShelfbookModule
{
    public override Type Strings => typeof(InventoryStrings);

    public override string Name => "inventory";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(InventoryPermissions.ViewWarehouses, Name, "permission.warehouses.view"),
        new(InventoryPermissions.ManageWarehouses, Name, "permission.warehouses.manage"),
        new(InventoryPermissions.View, Name, "permission.view"),
        new(InventoryPermissions.Adjust, Name, "permission.adjust"),
        new(InventoryPermissions.Stocktake, Name, "permission.stocktake"),
        new(InventoryPermissions.Transfer, Name, "permission.transfer"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<InventoryStrings>("nav.warehouses"), "warehouses", Icons.Material.Outlined.Warehouse, InventoryPermissions.ViewWarehouses, 200),
        new(l => l.Text<InventoryStrings>("nav.stock"), "stock", Icons.Material.Outlined.Inventory, InventoryPermissions.View, 201),
        new(l => l.Text<InventoryStrings>("nav.documents"), "stock-documents", Icons.Material.Outlined.SwapVert, InventoryPermissions.View, 202),
        new(l => l.Text<InventoryStrings>("nav.stocktakes"), "stocktakes", Icons.Material.Outlined.FactCheck, InventoryPermissions.View, 203),
        new(l => l.Text<InventoryStrings>("nav.transfers"), "transfers", Icons.Material.Outlined.LocalShipping, InventoryPermissions.View, 204),
        new(l => l.Text<InventoryStrings>("nav.quick_outbound"), "quick-outbound", Icons.Material.Outlined.Outbox, InventoryPermissions.Adjust, 205),
        new(l => l.Text<InventoryStrings>("nav.alerts"), "stock-alerts", Icons.Material.Outlined.NotificationImportant, InventoryPermissions.View, 206),
    ];

    public override IReadOnlyList<DashboardFigure> DashboardFigures =>
    [
        new(l => l.Text<InventoryStrings>("dashboard.active_warehouses"), Icons.Material.Outlined.Warehouse, "warehouses", InventoryPermissions.ViewWarehouses,
            (db, ct) => db.Set<Warehouse>().LongCountAsync(w => w.Active, ct)),
        new(l => l.Text<InventoryStrings>("dashboard.low_stock"), Icons.Material.Outlined.TrendingDown, "stock-alerts", InventoryPermissions.View,
            StockAlerts.CountLowAsync),
        new(l => l.Text<InventoryStrings>("dashboard.stagnant"), Icons.Material.Outlined.HourglassBottom, "stock-alerts?tab=stagnant", InventoryPermissions.View,
            StockAlerts.CountStagnantAsync),
    ];

    public override void AddServices(IServiceCollection services)
    {
        services.AddScoped<ManageWarehouses>();
        services.AddScoped<StockPosting>();
        services.AddScoped<StockReservations>();
        services.AddScoped<IReserveStock>(sp => sp.GetRequiredService<StockReservations>());
        services.AddScoped<RecordMovements>();
        services.AddScoped<ManageStockDocuments>();
        services.AddScoped<ManageStockReasons>();
        services.AddScoped<StockQueries>();
        services.AddScoped<StockAlerts>();
        services.AddScoped<StockVerification>();
        services.AddScoped<ManageStocktakes>();
        services.AddScoped<ManageTransfers>();
        services.AddScoped<PostQuickOutbound>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group)
    {
        WarehouseEndpoints.Map(group);
        StockEndpoints.Map(group);
        StocktakeEndpoints.Map(group);
    }

    public override async Task SeedDemoAsync(TenantDbContext db, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        db.Set<Warehouse>().AddRange(
            Warehouse.Create(new WarehouseInput("SH01", "上海主仓", "Own", "CN", "上海市", "上海市", "青浦区", "华新镇华腾路 88 号", "王仓管", "021-5555-0101"), now),
            Warehouse.Create(new WarehouseInput("GZ01", "广州仓", "Own", "CN", "广东省", "广州市", "白云区", "太和镇大源北路 12 号", "李主管", "020-5555-0202"), now),
            Warehouse.Create(new WarehouseInput("3PL-JD", "京东云仓（外包）", "ThirdParty", "CN", "北京市", "北京市", "大兴区", "亦庄经济开发区 6 号库", "外包客服", "400-555-0303"), now));
        await db.SaveChangesAsync(ct);
    }
}
