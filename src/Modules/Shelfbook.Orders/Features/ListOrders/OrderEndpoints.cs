using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Orders.Features.ListOrders;

internal static class OrderEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var orders = group.MapGroup("/").WithTags("Orders 系统订单");
        orders.MapGet("/", (OrderStatus? status, OrderExceptions? exception, Guid? shopId, string? search, string? after, int? limit, OrderQueries handler, CancellationToken ct) =>
                handler.ListAsync(new OrderFilter(status, exception, shopId, search), PageRequest.From(after, limit), ct))
            .WithSummary("System orders, newest first, a keyset page at a time; filter by status, exception, shop, or an order / platform order number, receiver, phone or seller code")
            .RequirePermission(OrdersPermissions.View);
        orders.MapGet("/counts", (Guid? shopId, string? search, OrderQueries handler, CancellationToken ct) => handler.CountsAsync(new OrderFilter(null, null, shopId, search), ct))
            .WithSummary("How many orders each status tab and each exception queue holds")
            .RequirePermission(OrdersPermissions.View);
        orders.MapGet("/{id:guid}", (Guid id, OrderQueries handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One order: lines (the shop's SKU and what it resolved to), items to pick, its platform orders and its log")
            .RequirePermission(OrdersPermissions.View);
        orders.MapPost("/intake", (int? max, IntakeOrders.IntakeOrders handler, CancellationToken ct) => handler.RunAsync(max, ct))
            .WithSummary("Take in paid platform orders not taken in yet (订单接入), oldest payment first")
            .RequirePermission(OrdersPermissions.Audit);
        orders.MapPost("/audit", (OrdersRequest input, AuditOrders.AuditOrders handler, CancellationToken ct) => handler.AuditAsync(input, ct))
            .WithSummary("Audit orders (审核): allocate a warehouse by the rules and reserve the whole order there; a result per order (缺货 goes to 异常)")
            .RequirePermission(OrdersPermissions.Audit);
        orders.MapPost("/unaudit", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.UnauditAsync(input, ct))
            .WithSummary("Unaudit orders (反审核): back to pending audit, their stock released; a result per order")
            .RequirePermission(OrdersPermissions.Audit);
        var rules = group.MapGroup("/allocation-rules").WithTags("Allocation rules 分配规则");
        rules.MapGet("/", (ManageAllocationRules.ManageAllocationRules handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The allocation rules, by priority").RequirePermission(OrdersPermissions.View);
        rules.MapPost("/", async (ManageAllocationRules.AllocationRuleInput input, ManageAllocationRules.ManageAllocationRules handler, CancellationToken ct) =>
                Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Add an allocation rule").RequirePermission(OrdersPermissions.Rules);
        rules.MapPut("/{id:guid}", (Guid id, ManageAllocationRules.AllocationRuleInput input, ManageAllocationRules.ManageAllocationRules handler, CancellationToken ct) =>
                handler.UpdateAsync(id, input, ct))
            .WithSummary("Change an allocation rule").RequirePermission(OrdersPermissions.Rules);
        rules.MapDelete("/{id:guid}", async (Guid id, ManageAllocationRules.ManageAllocationRules handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Delete an allocation rule").RequirePermission(OrdersPermissions.Rules);
        orders.MapPost("/hold", (HoldRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.HoldAsync(input, ct))
            .WithSummary("Hold orders (挂起) with a reason and an optional release time; a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/release", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.ReleaseAsync(input, ct))
            .WithSummary("Release held orders; a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/cancel", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.CancelAsync(input, ct))
            .WithSummary("Cancel orders before fulfillment (their stock is released); a result per order")
            .RequirePermission(OrdersPermissions.Edit);
    }
}
