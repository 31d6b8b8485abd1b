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
using Shelfbook.Catalog.Features.ManageSuppliers;
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
        new(l => l.Text<CatalogStrings>("nav.suppliers"), "catalog/suppliers", Icons.Material.Outlined.LocalShipping, CatalogPermissions.View, 115),
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
        services.AddScoped<IShopListings, ShopListings>();
        services.AddScoped<ManageReplacements>();
        services.AddSingleton<ResolutionSnapshots>();
        services.AddScoped<IResolveLines, LineResolver>();
        services.AddScoped<ISkuDirectory, Features.SkuDirectory.SkuDirectory>();
        services.AddScoped<ImportProducts>();
        services.AddScoped<ExportProducts>();
        services.AddScoped<ImportMappings>();
        services.AddScoped<ManageSuppliers>();
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
        SupplierEndpoints.Map(group);
    }

    public override async Task SeedDemoAsync(TenantDbContext db, CancellationToken ct)
    {
        // All or nothing: the demo is seeded only once, so a half-seeded catalog would stay half-seeded.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = db.Time.StoredUtcNow();
        var clothes = Category.Create(new CategoryInput("服装"), new CategoryTree([]));
        var tees = Category.Create(new CategoryInput("T恤", clothes.Id), new CategoryTree([(clothes.Id, null, clothes.Name)]));
        var bags = Category.Create(new CategoryInput("箱包"), new CategoryTree([(clothes.Id, null, clothes.Name), (tees.Id, clothes.Id, tees.Name)]));
        db.Set<Category>().AddRange(clothes, tees, bags);
        await db.SaveChangesAsync(ct);
        db.Set<Product>().AddRange(
            Product.Create(new ProductInput("纯棉圆领T恤", "山海", "件", CategoryId: tees.Id, Skus:
            [
                new SkuInput("TEE-WHT-M", "白色 M", ["6970000000011"], 180, CostPrice: 2500, RetailPrice: 5900, SafetyStock: 20),
                new SkuInput("TEE-WHT-L", "白色 L", ["6970000000028"], 190, CostPrice: 2500, RetailPrice: 5900, SafetyStock: 20),
                new SkuInput("TEE-BLK-M", "黑色 M", ["6970000000035"], 180, CostPrice: 2500, RetailPrice: 5900, SafetyStock: 20),
            ]), now),
            Product.Create(new ProductInput("帆布托特包", "山海", "个", CategoryId: bags.Id, Skus:
            [
                new SkuInput("BAG-CANVAS", "米白", ["6970000000042"], 320, 380, 300, 80, 3800, 9900, 10),
            ]), now));
        await db.SaveChangesAsync(ct);

        // A combo, a shop whose listings are partly matched, and a replacement rule: every catalog page has something to show.
        var products = new ManageProducts(db);
        await new ManageCombos(db, products).CreateAsync(new ComboInput("T恤两件装", "TEE-WHT-M-2PK",
            [new ComponentInput("TEE-WHT-M", 2)], RetailPrice: 9900), ct);
        var shop = Shop.Create(new ShopInput(nameof(ShopPlatform.Tmall), "TMALL-1", "山海天猫旗舰店"), now);
        db.Set<Shop>().Add(shop);
        await db.SaveChangesAsync(ct);
        await new MapListings(db).StoreAsync(shop.Id, new ListingsBatch(
        [
            new ListingInput("6001001", "1", "TEE-WHT-M", "山海纯棉圆领T恤 白色", "白色 M", 5900),
            new ListingInput("6001001", "2", "TEE-WHT-L", "山海纯棉圆领T恤 白色", "白色 L", 5900),
            new ListingInput("6001001", "3", "TEE-BLK-M*2", "山海纯棉圆领T恤 黑色 两件装", "黑色 M ×2", 10900),
            new ListingInput("6002002", null, null, "帆布托特包 大容量", "米白", 9900, "6970000000042"),
            new ListingInput("6003003", null, "T-GIFT", "纯棉圆领T恤 买一送一", null, 5900),
        ]), ct);
        var (black, white) = (await db.Set<Sku>().SingleAsync(s => s.Code == "TEE-BLK-M", ct), await db.Set<Sku>().SingleAsync(s => s.Code == "TEE-WHT-M", ct));
        db.Set<SkuReplacement>().Add(SkuReplacement.Create(new ReplacementInput("TEE-BLK-M", "TEE-WHT-M", OnlyWhenOutOfStock: true, Note: "黑色缺货时发白色"), black, white, now));
        // A supplier, for a dropship warehouse (即买即售) the seller may add: the warehouse page names it.
        db.Set<Supplier>().Add(Supplier.Create(new SupplierInput("YW01", "义乌山海供应链", "陈经理", "0579-5555-0606")));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
