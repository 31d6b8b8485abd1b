using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.EditGoods;

/// <summary>The orders and the warehouse audit must ship them from; none: the allocation rules decide again.</summary>
public sealed record SetWarehouseRequest(IReadOnlyList<Guid>? OrderIds, Guid? WarehouseId);

/// <summary>The orders, the SKU to take out of them (code, alias or barcode) and the one to send instead.</summary>
public sealed record ReplaceSkuRequest(IReadOnlyList<Guid>? OrderIds, string? FromCode, string? ToCode);

/// <summary>A warehouse the orders page offers.</summary>
public sealed record WarehouseOption(Guid Id, string Code, string Name);

/// <summary>
/// Changes to what orders not audited yet will ship and from where, on a selection or as a batch job: 指定仓库 fixes
/// the warehouse audit uses (as an audit rule may), 换商品 swaps every unit of one SKU to send for one of another (out
/// of stock, discontinued, a gift changed) — the order lines keep what the buyer bought, only the goods to pick
/// change, each keeping its amount and noting the SKU it replaced. Orders past audit are skipped with the reason
/// (unaudit first: their stock is reserved where they were allocated). Each order changed is logged.
/// </summary>
public sealed class EditGoods(TenantDbContext db, ISkuDirectory skus, CurrentUser user)
{
    public const int MaxSelection = ChangeOrders.ChangeOrders.MaxSelection;

    public async Task<IReadOnlyList<WarehouseOption>> WarehousesAsync(CancellationToken ct) =>
        await WarehouseQueries.Summaries(db).Where(w => w.Active).OrderBy(w => w.Code).Select(w => new WarehouseOption(w.Id, w.Code, w.Name)).ToListAsync(ct);

    /// <summary>The warehouse's code, or the field error: unknown or inactive.</summary>
    public async Task<string?> CheckWarehouseAsync(InputCheck check, Guid? warehouseId, CancellationToken ct)
    {
        if (warehouseId is not { } id) return null;
        var warehouse = await WarehouseQueries.Summaries(db).SingleOrDefaultAsync(w => w.Id == id, ct);
        if (warehouse is null) check.Add("warehouseId", "unknown", $"No warehouse {id}.", id);
        else if (!warehouse.Active) check.Add("warehouseId", "inactive_warehouse", $"The warehouse {warehouse.Code} is not active.", warehouse.Code);
        return warehouse?.Code;
    }

    /// <summary>The two SKUs of a replacement by their codes (any letter case, alias or barcode), or the fields' errors.</summary>
    public async Task<(SkuSummary? From, SkuSummary? To)> CheckSkusAsync(InputCheck check, string? fromCode, string? toCode, CancellationToken ct)
    {
        var from = check.Required("fromCode", fromCode, 64);
        var to = check.Required("toCode", toCode, 64);
        if (from.Length == 0 || to.Length == 0) return (null, null);
        var found = await skus.FindByCodesAsync([from, to], ct);
        var (a, b) = (found.GetValueOrDefault(from), found.GetValueOrDefault(to));
        if (a is null) check.Add("fromCode", "unknown_sku", $"No SKU has the code {from}.", from);
        if (b is null) check.Add("toCode", "unknown_sku", $"No SKU has the code {to}.", to);
        else if (b.IsCombo) check.Add("toCode", "combo_not_allowed", $"{b.Code} is a combo: choose the SKU to pick.", b.Code);
        else if (!b.Active) check.Add("toCode", "inactive_sku", $"{b.Code} is inactive.", b.Code);
        if (a is not null && b is not null && a.Id == b.Id) check.Add("toCode", "same_sku", "The SKU sent instead is the one taken out.");
        return (a, b);
    }

    public async Task<IReadOnlyList<OrderChange>> SetWarehouseAsync(SetWarehouseRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var wanted = new OrdersRequest(request.OrderIds, null).Checked(check, MaxSelection);
        var code = await CheckWarehouseAsync(check, request.WarehouseId, ct);
        check.ThrowIfAny();
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = await db.Set<Order>().Where(o => EF.Parameter(wanted).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var codes = await WarehouseQueries.Summaries(db).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var now = db.Time.StoredUtcNow();
        var results = new List<OrderChange>();
        foreach (var id in wanted)
        {
            if (!orders.TryGetValue(id, out var order))
            {
                results.Add(new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}."));
                continue;
            }
            var before = order.RuleWarehouseId is { } w ? codes.GetValueOrDefault(w) : null;
            try
            {
                Record(order.WantWarehouse(request.WarehouseId, before, code, now), order, "set_warehouse", new() { ["warehouse"] = [before, code] }, now);
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Done));
            }
            catch (RuleViolatedException e)
            {
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Skipped, e.Code, e.Message, [.. e.Arguments]));
            }
        }
        await db.SaveChangesAsync(ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return results;
    }

    /// <summary>
    /// 换商品. The goods change as new item rows (the old ones removed), so an audit that read the old ones meanwhile
    /// finds its items gone and refuses itself; and every order changed is first claimed in the state it was read, so
    /// a concurrent hold, audit or merge refuses this change instead.
    /// </summary>
    public async Task<IReadOnlyList<OrderChange>> ReplaceSkuAsync(ReplaceSkuRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var wanted = new OrdersRequest(request.OrderIds, null).Checked(check, MaxSelection);
        var (from, to) = await CheckSkusAsync(check, request.FromCode, request.ToCode, ct);
        check.ThrowIfAny();
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = await db.Set<Order>().Where(o => EF.Parameter(wanted).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var items = (await db.Set<OrderItem>().Where(i => EF.Parameter(wanted).Contains(i.OrderId) && i.SkuId == from!.Id).ToListAsync(ct)).ToLookup(i => i.OrderId);
        var now = db.Time.StoredUtcNow();
        var results = new List<OrderChange>();
        var read = new List<(Guid, OrderStatus, OrderExceptions)>();
        foreach (var id in wanted)
        {
            if (!orders.TryGetValue(id, out var order))
            {
                results.Add(new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}."));
                continue;
            }
            if (!items[id].Any())
            {
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Skipped, "order.sku_not_on_order", $"Order {order.OrderNo} sends no {from!.Code}.",
                    order.OrderNo, from.Code));
                continue;
            }
            var (status, exceptions) = (order.Status, order.Exceptions);
            try
            {
                var units = items[id].Sum(i => i.Quantity);
                var entry = order.ReplaceGoods(from!.Code, to!.Code, units, now);
                read.Add((id, status, exceptions));
                foreach (var item in items[id])
                {
                    db.Remove(item);
                    db.Add(new OrderItem
                    {
                        OrderId = id, LineId = item.LineId, SkuId = to.Id, SkuCode = to.Code, Quantity = item.Quantity, Amount = item.Amount, ComboSkuId = item.ComboSkuId,
                        ReplacedSkuId = item.ReplacedSkuId ?? item.SkuId,
                    });
                }
                Record(entry, order, "replace_sku", new() { ["sku"] = [from.Code, to.Code], ["units"] = [null, units] }, now);
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Done));
            }
            catch (RuleViolatedException e)
            {
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Skipped, e.Code, e.Message, [.. e.Arguments]));
            }
        }
        await OrderClaims.ClaimAsync(db, read, now, "their goods were being replaced", ct);
        await db.SaveChangesAsync(ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return results;
    }

    private void Record(OrderLogEntry entry, Order order, string action, Dictionary<string, object?[]> changes, DateTime now)
    {
        (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
        db.Add(entry);
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = order.OrderNo, Action = action,
            Changes = JsonSerializer.Serialize(changes),
        });
    }
}
