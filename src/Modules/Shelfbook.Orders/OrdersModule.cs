using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Orders;

public static class OrdersPermissions
{
    /// <summary>查看订单: the order list, an order's lines, resolution and log.</summary>
    public const string View = "orders.view";

    /// <summary>审核订单: audit, take orders in.</summary>
    public const string Audit = "orders.audit";

    /// <summary>编辑订单: hold, release, cancel, edit addresses and lines.</summary>
    public const string Edit = "orders.edit";

    /// <summary>批量处理: batch actions over filters.</summary>
    public const string Batch = "orders.batch";

    /// <summary>审核规则: audit, allocation and carrier rules.</summary>
    public const string Rules = "orders.rules";
}

/// <summary>Marker for the module's resources (OrdersStrings.resx: zh-CN, OrdersStrings.en.resx: English).</summary>
public sealed class OrdersStrings;

public sealed class OrdersModule : ShelfbookModule
{
    public override Type Strings => typeof(OrdersStrings);

    public override string Name => "orders";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(OrdersPermissions.View, Name, "permission.view"),
        new(OrdersPermissions.Audit, Name, "permission.audit"),
        new(OrdersPermissions.Edit, Name, "permission.edit"),
        new(OrdersPermissions.Batch, Name, "permission.batch"),
        new(OrdersPermissions.Rules, Name, "permission.rules"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<OrdersStrings>("nav.orders"), "orders", Icons.Material.Outlined.Assignment, OrdersPermissions.View, 100),
        new(l => l.Text<OrdersStrings>("nav.order_import"), "order-import", Icons.Material.Outlined.UploadFile, OrdersPermissions.Edit, 100),
        new(l => l.Text<OrdersStrings>("nav.order_jobs"), "order-jobs", Icons.Material.Outlined.PlaylistPlay, OrdersPermissions.View, 101),
        new(l => l.Text<OrdersStrings>("nav.audit_rules"), "audit-rules", Icons.Material.Outlined.Rule, OrdersPermissions.Rules, 102),
        new(l => l.Text<OrdersStrings>("nav.allocation_rules"), "allocation-rules", Icons.Material.Outlined.AltRoute, OrdersPermissions.Rules, 103),
        new(l => l.Text<OrdersStrings>("nav.order_settings"), "order-settings", Icons.Material.Outlined.Tune, OrdersPermissions.Rules, 104),
    ];

    public override IReadOnlyList<DashboardFigure> DashboardFigures =>
    [
        new(l => l.Text<OrdersStrings>("dashboard.pending_audit"), Icons.Material.Outlined.PendingActions, "orders?status=PendingAudit", OrdersPermissions.View,
            (db, ct) => db.Set<Order>().LongCountAsync(o => o.Status == OrderStatus.PendingAudit, ct)),
        new(l => l.Text<OrdersStrings>("dashboard.exceptions"), Icons.Material.Outlined.ReportProblem, "orders?status=Exception", OrdersPermissions.View,
            (db, ct) => db.Set<Order>().LongCountAsync(o => o.Status == OrderStatus.Exception, ct)),
    ];

    public override void AddServices(IServiceCollection services)
    {
        services.AddScoped<IntakeOrders>();
        services.AddScoped<OrderQueries>();
        services.AddScoped<ChangeOrders>();
        services.AddScoped<Features.AuditOrders.AuditOrders>();
        services.AddScoped<Features.AuditOrders.OrderCarriers>();
        services.AddScoped<Features.SetCarrier.SetCarrier>();
        services.AddScoped<Features.MergeSplit.RearrangeOrders>();
        services.AddScoped<Features.ManageAllocationRules.ManageAllocationRules>();
        services.AddScoped<Features.Settings.ManageOrderSettings>();
        services.AddScoped<Features.Presale.ManagePresaleSkus>();
        services.AddScoped<Contracts.IShipOrders, Features.ShipOrders.ShipOrders>();
        services.AddScoped<Features.PlatformChanges.ApplyPlatformChanges>();
        services.AddScoped<Features.BatchJobs.OrderJobs>();
        services.AddScoped<Features.ResolveExceptions.ResolveExceptions>();
        services.AddScoped<Features.AuditRules.ManageAuditRules>();
        services.AddScoped<Features.AuditRules.ApplyAuditRules>();
        services.AddScoped<Features.ManualOrders.CreateManualOrder>();
        services.AddScoped<Features.ImportOrders.ImportOrders>();
        services.AddScoped<Features.EditGoods.EditGoods>();
        services.AddHostedService<OrderIntakeWorker>();
        services.AddHostedService<Features.BatchJobs.OrderJobWorker>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group)
    {
        OrderEndpoints.Map(group);
        Features.ImportOrders.ImportOrderEndpoints.Map(group);
    }
}
