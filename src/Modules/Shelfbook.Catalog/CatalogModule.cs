using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageCategories;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Features.ImportCatalog;
using Shelfbook.Catalog.Features.ManageCombos;
using Shelfbook.Catalog.Features.ManageReplacements;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Catalog.Features.MapListings;
using Shelfbook.Catalog.Features.ResolveLines;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Catalog;

public static class CatalogPermissions
{
    public const string View = "catalog.view";
    public const string Edit = "catalog.edit";
    public const string Import = "catalog.import";
}

/// <summary>Marker for the module's resources (CatalogStrings.resx: zh-CN, CatalogStrings.en.resx: English).</summary>
public sealed class CatalogStrings;

/// <summary>
/// The catalog (货品): products, SKUs and barcodes so far. Combos, aliases, replacements, listing mapping, import/export,
/// categories and the product editor arrive with the rest of issue 3.
/// </summary>
public sealed class CatalogModule : ShelfbookModule
{
    public override Type Strings => typeof(CatalogStrings);

    public override string Name => "catalog";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(CatalogPermissions.View, Name, "permission.view"),
        new(CatalogPermissions.Edit, Name, "permission.edit"),
        new(CatalogPermissions.Import, Name, "permission.import"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<CatalogStrings>("nav.skus"), "catalog/skus", Icons.Material.Outlined.Inventory2, CatalogPermissions.View, 100),
        new(l => l.Text<CatalogStrings>("nav.combos"), "catalog/combos", Icons.Material.Outlined.Widgets, CatalogPermissions.View, 105),
        new(l => l.Text<CatalogStrings>("nav.listings"), "catalog/listings", Icons.Material.Outlined.Storefront, CatalogPermissions.View, 106),
        new(l => l.Text<CatalogStrings>("nav.replacements"), "catalog/replacements", Icons.Material.Outlined.SwapHoriz, CatalogPermissions.View, 107),
        new(l => l.Text<CatalogStrings>("nav.import"), "catalog/import", Icons.Material.Outlined.UploadFile, CatalogPermissions.Import, 120),
        new(l => l.Text<CatalogStrings>("nav.categories"), "catalog/categories", Icons.Material.Outlined.AccountTree, CatalogPermissions.View, 110),
    ];

    public override IReadOnlyList<DashboardFigure> DashboardFigures =>
    [
        new(l => l.Text<CatalogStrings>("dashboard.active_skus"), Icons.Material.Outlined.Inventory2, "catalog/skus", CatalogPermissions.View,
            (db, ct) => db.Set<Sku>().LongCountAsync(s => s.Active, ct)),
    ];

    public override void AddServices(IServiceCollection services)
    {
        services.AddScoped<ManageProducts>();
        services.AddScoped<ManageCategories>();
        services.AddScoped<ManageCombos>();
        services.AddScoped<ManageShops>();
        services.AddScoped<MapListings>();
        services.AddScoped<ManageReplacements>();
        services.AddScoped<IResolveLines, LineResolver>();
        services.AddScoped<ImportProducts>();
        services.AddScoped<ExportProducts>();
        services.AddScoped<ImportMappings>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group)
    {
        ProductEndpoints.Map(group);
        CategoryEndpoints.Map(group);
        ComboEndpoints.Map(group);
        ShopEndpoints.Map(group);
        ListingEndpoints.Map(group);
        ReplacementEndpoints.Map(group);
        ImportEndpoints.Map(group);
    }

    public override async Task SeedDemoAsync(TenantDbContext db, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        db.Set<Product>().AddRange(
            Product.Create(new ProductInput("纯棉圆领T恤", "山海", "件", Skus:
            [
                new SkuInput("TEE-WHT-M", "白色 M", ["6970000000011"], 180, CostPrice: 2500, RetailPrice: 5900, SafetyStock: 20),
                new SkuInput("TEE-WHT-L", "白色 L", ["6970000000028"], 190, CostPrice: 2500, RetailPrice: 5900, SafetyStock: 20),
                new SkuInput("TEE-BLK-M", "黑色 M", ["6970000000035"], 180, CostPrice: 2500, RetailPrice: 5900, SafetyStock: 20),
            ]), now),
            Product.Create(new ProductInput("帆布托特包", "山海", "个", Skus:
            [
                new SkuInput("BAG-CANVAS", "米白", ["6970000000042"], 320, 380, 300, 80, 3800, 9900, 10),
            ]), now));
        await db.SaveChangesAsync(ct);
    }
}
