using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Data.Tenancy;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Logistics.Features.CarrierRules;
using Shelfbook.Logistics.Features.ChooseCarriers;
using Shelfbook.Logistics.Features.ManageCarriers;
using Shelfbook.Logistics.Features.RateTables;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Logistics;

public static class LogisticsPermissions
{
    /// <summary>查看物流: carriers, services, rate tables, carrier rules, freight quotes.</summary>
    public const string View = "logistics.view";

    /// <summary>管理物流: edit carriers, services, rate tables and carrier rules.</summary>
    public const string Manage = "logistics.manage";
}

/// <summary>Marker for the module's resources (LogisticsStrings.resx: zh-CN, LogisticsStrings.en.resx: English).</summary>
public sealed class LogisticsStrings;

public sealed class LogisticsModule : ShelfbookModule
{
    /// <summary>The named HttpClient the carriers' waybill APIs are called with.</summary>
    public const string HttpClientName = "logistics";

    public override Type Strings => typeof(LogisticsStrings);

    public override string Name => "logistics";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(LogisticsPermissions.View, Name, "permission.view"),
        new(LogisticsPermissions.Manage, Name, "permission.manage"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<LogisticsStrings>("nav.carriers"), "carriers", Icons.Material.Outlined.LocalShipping, LogisticsPermissions.View, 150),
        new(l => l.Text<LogisticsStrings>("nav.rate_tables"), "rate-tables", Icons.Material.Outlined.RequestQuote, LogisticsPermissions.View, 151),
        new(l => l.Text<LogisticsStrings>("nav.carrier_rules"), "carrier-rules", Icons.Material.Outlined.Route, LogisticsPermissions.View, 152),
        new(l => l.Text<LogisticsStrings>("nav.waybill_accounts"), "waybill-accounts", Icons.Material.Outlined.Receipt, LogisticsPermissions.View, 153),
    ];

    public override void AddServices(IServiceCollection services)
    {
        services.AddScoped<ManageCarriers>();
        services.AddScoped<ManageRateTables>();
        services.AddScoped<ManageCarrierRules>();
        services.AddScoped<IChooseCarriers, ChooseCarriers>();
        // Logistics:Http:TimeoutSeconds (30): how long a carrier's waybill API may take before the parcels count as unanswered.
        services.AddHttpClient(HttpClientName).ConfigureHttpClient((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IConfiguration>().GetValue("Logistics:Http:TimeoutSeconds", 30)));
        services.AddSingleton<Features.Waybills.WaybillSecrets>();
        services.AddScoped<Features.Waybills.ManageWaybillAccounts>();
        services.AddScoped<IIssueWaybills, Features.Waybills.IssueWaybills>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group) => LogisticsEndpoints.Map(group);

    public override Task SeedDemoAsync(TenantDbContext db, CancellationToken ct) => DemoCarriers.SeedAsync(db, ct);
}
