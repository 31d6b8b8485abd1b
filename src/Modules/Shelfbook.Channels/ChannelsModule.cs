using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Connectors.Taobao;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.PlatformOrders;
using Shelfbook.Channels.Features.Quarantine;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Channels;

public static class ChannelsPermissions
{
    /// <summary>查看店铺与原始单: shop links, sync status, platform orders, quarantine.</summary>
    public const string View = "channels.view";

    /// <summary>管理店铺授权与同步: credentials, sync settings, sync now.</summary>
    public const string Manage = "channels.manage";
}

/// <summary>Marker for the module's resources (ChannelsStrings.resx: zh-CN, ChannelsStrings.en.resx: English).</summary>
public sealed class ChannelsStrings;

public sealed class ChannelsModule : ShelfbookModule
{
    /// <summary>The named HttpClient every connector calls its platform with.</summary>
    public const string HttpClientName = "channels";

    public override Type Strings => typeof(ChannelsStrings);

    public override string Name => "channels";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(ChannelsPermissions.View, Name, "permission.view"),
        new(ChannelsPermissions.Manage, Name, "permission.manage"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<ChannelsStrings>("nav.connections"), "shop-connections", Icons.Material.Outlined.Storefront, ChannelsPermissions.View, 300),
        new(l => l.Text<ChannelsStrings>("nav.platform_orders"), "platform-orders", Icons.Material.Outlined.ReceiptLong, ChannelsPermissions.View, 301),
        new(l => l.Text<ChannelsStrings>("nav.quarantine"), "quarantine", Icons.Material.Outlined.ReportProblem, ChannelsPermissions.View, 302),
        new(l => l.Text<ChannelsStrings>("nav.confirmations"), "shipment-confirmations", Icons.Material.Outlined.LocalShipping, ChannelsPermissions.View, 303),
        new(l => l.Text<ChannelsStrings>("nav.stock_push"), "stock-push", Icons.Material.Outlined.Inventory, ChannelsPermissions.View, 304),
    ];

    public override IReadOnlyList<DashboardFigure> DashboardFigures =>
    [
        new(l => l.Text<ChannelsStrings>("dashboard.shops_in_trouble"), Icons.Material.Outlined.SyncProblem, "shop-connections", ChannelsPermissions.View,
            (db, ct) => db.Set<ShopConnection>().LongCountAsync(c => c.Health == ConnectionHealth.Failing || c.Health == ConnectionHealth.AuthorizationNeeded, ct)),
        new(l => l.Text<ChannelsStrings>("dashboard.quarantine"), Icons.Material.Outlined.ReportProblem, "quarantine", ChannelsPermissions.View,
            (db, ct) => db.Set<QuarantinedRecord>().LongCountAsync(q => q.State == QuarantineState.Open, ct)),
        new(l => l.Text<ChannelsStrings>("dashboard.confirmations_rejected"), Icons.Material.Outlined.LocalShipping, "shipment-confirmations?state=Rejected",
            ChannelsPermissions.View, (db, ct) => db.Set<ShipmentConfirmation>().LongCountAsync(c => c.State == ConfirmationState.Rejected, ct)),
    ];

    public override void AddServices(IServiceCollection services)
    {
        // Channels:Http:TimeoutSeconds (30): how long a platform call may take before it counts as failed (and is retried).
        services.AddHttpClient(HttpClientName).ConfigureHttpClient((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IConfiguration>().GetValue("Channels:Http:TimeoutSeconds", 30)));
        services.AddSingleton<IPlatformConnector, TaobaoConnector>();
        services.AddSingleton<IPlatformConnector, Connectors.Pinduoduo.PinduoduoConnector>();
        services.AddSingleton<IPlatformConnector, Connectors.Douyin.DouyinConnector>();
        services.AddSingleton<IPlatformConnector, Connectors.Shopify.ShopifyConnector>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<IPlatformConnector, Connectors.Ebay.EbayConnector>();
        services.AddSingleton<IPlatformConnector, Connectors.Amazon.AmazonConnector>();
        services.AddSingleton<IPlatformConnector, Connectors.Jd.JdConnector>();
        services.AddSingleton<ConnectorRegistry>();
        services.AddSingleton<ConnectionSecrets>();
        services.AddScoped<ShopLinks>();
        services.AddScoped<ManageConnections>();
        services.AddScoped<PlatformOrderQueries>();
        services.AddScoped<StorePlatformOrders>();
        services.AddScoped<SyncShopOrders>();
        services.AddScoped<ManageQuarantine>();
        services.AddScoped<Features.PushStock.PushStock>();
        services.AddScoped<Features.FetchListings.FetchListings>();
        services.AddScoped<Features.AuthorizeShops.AuthorizeShop>();
        services.AddScoped<Features.ConfirmShipments.SendConfirmations>();
        services.AddScoped<Contracts.IConfirmShipments>(sp => sp.GetRequiredService<Features.ConfirmShipments.SendConfirmations>());
        services.AddHostedService<OrderSyncWorker>();
        services.AddHostedService<Features.ConfirmShipments.ConfirmationWorker>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group) => ChannelEndpoints.Map(group);
}
