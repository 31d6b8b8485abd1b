using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Catalog.Features.ManageProducts;
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
/// The catalog (货品): products, SKUs and barcodes so far. Combos, aliases, replacements, listing mapping, import/export
/// and pages arrive with the rest of issue 3.
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

    public override void AddServices(IServiceCollection services) => services.AddScoped<ManageProducts>();

    public override void MapEndpoints(IEndpointRouteBuilder group) => ProductEndpoints.Map(group);
}
