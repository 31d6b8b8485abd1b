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
        orders.MapGet("/", ([AsParameters] OrderListQuery query, string? after, int? limit, OrderQueries handler, CancellationToken ct) =>
                handler.ListAsync(query.Filter(), PageRequest.From(after, limit), ct))
            .WithSummary("System orders, newest first, a keyset page at a time; filter by status, exception, shop, platform, SKU code, buyer, tag, warehouse, "
                         + "carrier, paid, created or shipped time [from, to), or a search for an order / platform order / tracking number, receiver, phone or seller code")
            .RequirePermission(OrdersPermissions.View);
        orders.MapGet("/counts", ([AsParameters] OrderListQuery query, OrderQueries handler, CancellationToken ct) =>
                handler.CountsAsync(query.Filter() with { Status = null, Exception = null }, ct))
            .WithSummary("How many orders each status tab and each exception queue holds under the other filters")
            .RequirePermission(OrdersPermissions.View);
        orders.MapGet("/export", async ([AsParameters] OrderListQuery query, OrderQueries handler, HttpContext http, CancellationToken ct) =>
            {
                var file = await handler.ExportAsync(query.Filter(), ct);
                http.Response.RegisterForDisposeAsync(file);
                return TypedResults.File(file, Shelfbook.Platform.Spreadsheets.Workbooks.ContentType, $"订单-{DateTime.UtcNow:yyyyMMdd}.xlsx");
            })
            .WithSummary("The filtered orders as xlsx (the list's filters; at most 200,000 orders)")
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
        orders.MapPost("/retry-out-of-stock", (AuditOrders.AuditOrders handler, CancellationToken ct) => handler.RetryOutOfStockAsync(AuditOrders.AuditOrders.JobChunk, ct))
            .WithSummary("Audit again the out-of-stock orders (缺货) one of their warehouses can now serve whole, oldest payment first (the worker does it every round)")
            .RequirePermission(OrdersPermissions.Audit);
        orders.MapPost("/unaudit", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.UnauditAsync(input, ct))
            .WithSummary("Unaudit orders (反审核): back to pending audit, their stock released; a result per order")
            .RequirePermission(OrdersPermissions.Audit);
        orders.MapPut("/{id:guid}/address", async (Guid id, ResolveExceptions.AddressInput input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) =>
            {
                await handler.ChangeAddressAsync(id, input, ct);
                return Results.NoContent();
            })
            .WithSummary("Change the receiver and address of an order before audit (修改地址); a complete address clears 地址不全")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/accept-remarks", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.AcceptRemarksAsync(input, ct))
            .WithSummary("Mark buyer remarks as read (确认留言); a result per order").RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/clear-rule-flags", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.ClearRuleFlagsAsync(input, ct))
            .WithSummary("Clear what audit rules flagged (规则标记) once a person has looked; a result per order").RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/dismiss-duplicates", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.DismissDuplicatesAsync(input, ct))
            .WithSummary("Confirm suspected duplicates (疑似重复) as orders of their own; a result per order").RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/accept-refunds", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.AcceptRefundsAsync(input, ct))
            .WithSummary("继续发货: a person has checked a refund under way (退款中) and the order goes on; a result per order").RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/accept-amounts", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.AcceptAmountsAsync(input, ct))
            .WithSummary("确认金额: a person has checked an amount anomaly (金额异常) and the order goes on; a result per order").RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/dismiss-merge", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.DismissMergeAsync(input, ct))
            .WithSummary("不合并: merge candidates (可合并) go as parcels of their own; a result per order").RequirePermission(OrdersPermissions.Edit);
        orders.MapGet("/{id:guid}/merge-partners", (Guid id, MergeSplit.RearrangeOrders handler, CancellationToken ct) => handler.PartnersAsync(id, ct))
            .WithSummary("The orders this one could be merged with: same shop, buyer and receiver at the same address, not audited yet (or held)")
            .RequirePermission(OrdersPermissions.View);
        orders.MapPost("/merge", (MergeSplit.MergeRequest input, MergeSplit.RearrangeOrders handler, CancellationToken ct) => handler.MergeAsync(input, ct))
            .WithSummary("合并: 2–50 orders not audited yet, of one shop, buyer and address, become the one paid first; the others are 已合并 and their "
                         + "platform orders go with it")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/{id:guid}/split", (Guid id, MergeSplit.SplitRequest input, MergeSplit.RearrangeOrders handler, CancellationToken ct) => handler.SplitAsync(id, input, ct))
            .WithSummary("拆分: chosen lines, or some units of a line, go into a new order (not audited yet); at least one unit stays")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/re-resolve", (OrdersRequest input, ResolveExceptions.ResolveExceptions handler, CancellationToken ct) => handler.ReResolveAsync(input, ct))
            .WithSummary("Match unmatched lines again through the catalog (重新匹配); a result per order").RequirePermission(OrdersPermissions.Edit);
        var jobs = group.MapGroup("/jobs").WithTags("Batch jobs 批量处理");
        jobs.MapPost("/", async (BatchJobs.JobRequest input, BatchJobs.OrderJobs handler, CancellationToken ct) =>
                Results.Accepted((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Start a batch job: action (Audit, Unaudit, Hold, Release, Cancel) over orderIds or a filter (status, exception, shopId, search, "
                         + "paidFrom, paidTo); up to 500,000 orders, run by a worker chunk by chunk")
            .RequirePermission(OrdersPermissions.Batch);
        jobs.MapGet("/", (string? after, int? limit, BatchJobs.OrderJobs handler, CancellationToken ct) => handler.ListAsync(PageRequest.From(after, limit), ct))
            .WithSummary("Batch jobs, newest first, with their progress").RequirePermission(OrdersPermissions.View);
        jobs.MapGet("/{id:guid}", (Guid id, BatchJobs.OrderJobs handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One batch job and its progress").RequirePermission(OrdersPermissions.View);
        jobs.MapGet("/{id:guid}/items", (Guid id, string? outcome, string? after, int? limit, BatchJobs.OrderJobs handler, CancellationToken ct) =>
                handler.ItemsAsync(id, InputCheck.Filter<ItemOutcome>("outcome", outcome), PageRequest.From(after, limit), ct))
            .WithSummary("A job's result per order (Pending, Done, Skipped, Failed), in the job's order, a keyset page at a time").RequirePermission(OrdersPermissions.View);
        jobs.MapGet("/{id:guid}/items/export", async (Guid id, string? outcome, BatchJobs.OrderJobs handler, HttpContext http, CancellationToken ct) =>
            {
                var file = await handler.ExportAsync(id, InputCheck.Filter<ItemOutcome>("outcome", outcome), ct);
                http.Response.RegisterForDisposeAsync(file);
                return TypedResults.File(file, Shelfbook.Platform.Spreadsheets.Workbooks.ContentType, $"批量处理-{id.ToString()[..8]}.xlsx");
            })
            .WithSummary("A job's results as xlsx (one outcome or all)").RequirePermission(OrdersPermissions.View);
        jobs.MapPost("/{id:guid}/cancel", (Guid id, BatchJobs.OrderJobs handler, CancellationToken ct) => handler.CancelAsync(id, ct))
            .WithSummary("Stop a job: orders it has not reached are left as they are").RequirePermission(OrdersPermissions.Batch);
        orders.MapPost("/manual", async (ManualOrders.ManualOrderInput input, ManualOrders.CreateManualOrder handler, CancellationToken ct) =>
                Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Enter an offline order (线下订单): receiver, lines by SKU code, alias, barcode or combo with quantity and unit price (minor units), "
                         + "discount and postage; every field at fault is named, and nothing is written then")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/{id:guid}/reissue", async (Guid id, ManualOrders.ReissueInput input, ManualOrders.CreateManualOrder handler, CancellationToken ct) =>
                Results.Created((string?)null, await handler.ReissueAsync(id, input, ct)))
            .WithSummary("Reissue items of an order (补发): reason, lines by code and units, optionally another receiver; zero amounts, linked to the original, "
                         + "no platform write-back")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/{id:guid}/copy", async (Guid id, ManualOrders.CreateManualOrder handler, CancellationToken ct) =>
                Results.Created((string?)null, await handler.CopyAsync(id, ct)))
            .WithSummary("Copy an order (复制订单) as a new manual order with the same receiver, lines and prices").RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/apply-rules", (OrdersRequest input, AuditRules.ApplyAuditRules handler, CancellationToken ct) => handler.ApplyToAsync(input, ct))
            .WithSummary("Look at chosen orders with the audit rules again (as on arrival)").RequirePermission(OrdersPermissions.Audit);
        var auditRules = group.MapGroup("/audit-rules").WithTags("Audit rules 审核规则");
        auditRules.MapGet("/", (AuditRules.ManageAuditRules handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The audit rules, by priority").RequirePermission(OrdersPermissions.View);
        auditRules.MapPost("/", async (AuditRules.AuditRuleInput input, AuditRules.ManageAuditRules handler, CancellationToken ct) =>
                Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Add an audit rule: conditions (shops, platforms, paid range, SKU codes, categories, brands, provinces, remark, lines, weight, "
                         + "presale, tags) and actions (hold, flag, warehouse, carrier, tag, auto-audit, stop)")
            .RequirePermission(OrdersPermissions.Rules);
        auditRules.MapPut("/{id:guid}", (Guid id, AuditRules.AuditRuleInput input, AuditRules.ManageAuditRules handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change an audit rule").RequirePermission(OrdersPermissions.Rules);
        auditRules.MapDelete("/{id:guid}", async (Guid id, AuditRules.ManageAuditRules handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Delete an audit rule").RequirePermission(OrdersPermissions.Rules);
        var settings = group.MapGroup("/settings").WithTags("Order settings 订单设置");
        settings.MapGet("/", (Settings.ManageOrderSettings handler, CancellationToken ct) => handler.GetAsync(ct))
            .WithSummary("The order settings: split by warehouse, by weight and by presale line, amount anomaly (below a percentage of cost, above an amount, in one currency), auto-merge")
            .RequirePermission(OrdersPermissions.View);
        settings.MapPut("/", (Settings.OrderSettingsInput input, Settings.ManageOrderSettings handler, CancellationToken ct) => handler.UpdateAsync(input, ct))
            .WithSummary("Replace the order settings (a switch left out is off, an amount check left out is off)").RequirePermission(OrdersPermissions.Rules);
        var presale = group.MapGroup("/presale-skus").WithTags("Presale SKUs 预售商品");
        presale.MapGet("/", (Presale.ManagePresaleSkus handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The presale SKUs and the day each ships from (an entry whose day passed is listed inactive)").RequirePermission(OrdersPermissions.View);
        presale.MapPut("/", (Presale.PresaleSkuInput input, Presale.ManagePresaleSkus handler, CancellationToken ct) => handler.SetAsync(input, ct))
            .WithSummary("Set a SKU's ship-from day (skuCode: a code, alias or barcode; shipFrom: a day after today on the tenant's clock); audit holds what holds it until then")
            .RequirePermission(OrdersPermissions.Rules);
        presale.MapDelete("/{id:guid}", async (Guid id, Presale.ManagePresaleSkus handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Take a SKU off presale").RequirePermission(OrdersPermissions.Rules);
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
        orders.MapPost("/set-carrier", (SetCarrier.SetCarrierRequest input, SetCarrier.SetCarrier handler, CancellationToken ct) => handler.SetAsync(input, ct))
            .WithSummary("改快递: the carrier code orders should go with (none: the automatic choice again); audited orders get their service and "
                         + "freight chosen again at once; orders in fulfillment or later are skipped; a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/set-warehouse", (EditGoods.SetWarehouseRequest input, EditGoods.EditGoods handler, CancellationToken ct) => handler.SetWarehouseAsync(input, ct))
            .WithSummary("指定仓库: the warehouse audit must ship orders from (none: the allocation rules again); orders past audit are skipped "
                         + "(unaudit first); a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/replace-sku", (EditGoods.ReplaceSkuRequest input, EditGoods.EditGoods handler, CancellationToken ct) => handler.ReplaceSkuAsync(input, ct))
            .WithSummary("换商品: every unit of fromCode the orders would send becomes one of toCode (a plain, active SKU; codes, aliases or barcodes); "
                         + "the lines keep what was sold; orders past audit or without fromCode are skipped; a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/release", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.ReleaseAsync(input, ct))
            .WithSummary("Release held orders; a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/cancel", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.CancelAsync(input, ct))
            .WithSummary("Cancel orders before fulfillment (their stock is released); a result per order")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/intercept", (OrdersRequest input, ChangeOrders.ChangeOrders handler, CancellationToken ct) => handler.InterceptAsync(input, ct))
            .WithSummary("拦截: orders past audit and not shipped stop with a reason and their stock is released; 释放 sends them back to audit")
            .RequirePermission(OrdersPermissions.Edit);
        orders.MapPost("/platform-changes", (PlatformChanges.ApplyPlatformChanges handler, CancellationToken ct) => handler.RunAsync(PlatformChanges.ApplyPlatformChanges.Batch * 5, ct))
            .WithSummary("Act now on the platforms' refunds, cancellations and address changes (the intake round does it every few seconds)")
            .RequirePermission(OrdersPermissions.Audit);
    }
}
