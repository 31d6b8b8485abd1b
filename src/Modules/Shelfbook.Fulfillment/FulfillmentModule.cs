using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Fulfillment;

public static class FulfillmentPermissions
{
    /// <summary>拣货: waves and pick lists.</summary>
    public const string Pick = "fulfillment.pick";

    /// <summary>验货打包: the verification station, packing and weighing.</summary>
    public const string Pack = "fulfillment.pack";

    /// <summary>发货: ship orders in any mode, see the parcels.</summary>
    public const string Ship = "fulfillment.ship";

    /// <summary>打印: labels, pick lists and packing slips, and reprints.</summary>
    public const string Print = "fulfillment.print";
}

/// <summary>Marker for the module's resources (FulfillmentStrings.resx: zh-CN, FulfillmentStrings.en.resx: English).</summary>
public sealed class FulfillmentStrings;

public sealed class FulfillmentModule : ShelfbookModule
{
    public override Type Strings => typeof(FulfillmentStrings);

    public override string Name => "fulfillment";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(FulfillmentPermissions.Pick, Name, "permission.pick"),
        new(FulfillmentPermissions.Pack, Name, "permission.pack"),
        new(FulfillmentPermissions.Ship, Name, "permission.ship"),
        new(FulfillmentPermissions.Print, Name, "permission.print"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<FulfillmentStrings>("nav.overview"), "fulfillment-overview", Icons.Material.Outlined.Dashboard, FulfillmentPermissions.Pick, 119),
        new(l => l.Text<FulfillmentStrings>("nav.waves"), "waves", Icons.Material.Outlined.Waves, FulfillmentPermissions.Pick, 120),
        new(l => l.Text<FulfillmentStrings>("nav.pack"), "pack", Icons.Material.Outlined.QrCodeScanner, FulfillmentPermissions.Pack, 121),
        new(l => l.Text<FulfillmentStrings>("nav.ship"), "ship", Icons.Material.Outlined.LocalShipping, FulfillmentPermissions.Ship, 121),
        new(l => l.Text<FulfillmentStrings>("nav.dropship"), "dropship", Icons.Material.Outlined.Storefront, FulfillmentPermissions.Ship, 122),
        new(l => l.Text<FulfillmentStrings>("nav.settings"), "fulfillment-settings", Icons.Material.Outlined.Tune, FulfillmentPermissions.Ship, 122),
    ];

    public override void AddServices(IServiceCollection services)
    {
        services.AddScoped<Features.Ship.ShipParcels>();
        services.AddScoped<Features.Ship.ShipQueries>();
        services.AddScoped<Features.Waves.Waves>();
        services.AddScoped<Features.Bins.SkuBins>();
        services.AddScoped<Shelfbook.Inventory.Contracts.IBinDirectory, Features.Bins.BinDirectory>();
        services.AddScoped<Features.Overview.FulfillmentOverview>();
        services.AddScoped<Features.Waybills.ParcelWaybills>();
        services.AddSingleton<Features.Printing.DocumentFonts>();
        services.AddScoped<Features.Printing.PrintLabels>();
        services.AddScoped<Features.Printing.LabelTemplates>();
        services.AddScoped<Features.Pack.PackStation>();
        services.AddScoped<Features.Settings.ShipModes>();
        services.AddScoped<Features.Dropship.DropshipOrders>();
        services.AddScoped<Features.Ship.ShipJobs>();
        services.AddHostedService<Features.Ship.ShipJobWorker>();
        services.AddScoped<Inventory.Contracts.IThirdPartyShipmentListener, Features.Ship.ThirdPartyShipping>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group)
    {
        Features.Ship.ShipEndpoints.Map(group);
        Features.Waves.WaveEndpoints.Map(group);
        Features.Waybills.WaybillEndpoints.Map(group);
        Features.Printing.PrintEndpoints.Map(group);
        Features.Pack.PackEndpoints.Map(group);
        Features.Settings.SettingsEndpoints.Map(group);
        Features.Dropship.DropshipEndpoints.Map(group);
    }
}
