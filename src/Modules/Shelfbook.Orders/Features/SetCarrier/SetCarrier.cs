using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.SetCarrier;

/// <summary>The orders and the carrier code they should go with; none: back to the automatic choice.</summary>
public sealed record SetCarrierRequest(IReadOnlyList<Guid>? OrderIds, string? CarrierCode);

/// <summary>A carrier the orders page offers.</summary>
public sealed record CarrierOption(string Code, string Name);

/// <summary>
/// 改快递: a person fixes the carrier of orders not yet in fulfillment (or gives it back to the automatic choice). A
/// pending order keeps the wish for its audit; an audited one (also held after audit) has its service and estimate
/// chosen again at once with the new carrier. Each order is logged; one past the point of change is skipped with the reason.
/// </summary>
public sealed class SetCarrier(TenantDbContext db, OrderCarriers carriers, CurrentUser user)
{
    public const int MaxSelection = ChangeOrders.ChangeOrders.MaxSelection;

    public async Task<IReadOnlyList<CarrierOption>> CarriersAsync(CancellationToken ct) =>
        await CarrierQueries.Summaries(db).Where(c => c.Active).OrderBy(c => c.Code).Select(c => new CarrierOption(c.Code, c.Name)).ToListAsync(ct);

    /// <summary>The carrier as stored (its own spelling) for a typed code, or the field error: unknown or inactive.</summary>
    public async Task<string?> CheckCarrierAsync(InputCheck check, string? typed, CancellationToken ct)
    {
        var code = check.Optional("carrierCode", typed, 32);
        if (code is null) return null;
        // A tenant has a handful of carriers: read them and compare in any letter case here.
        var carrier = (await CarrierQueries.Summaries(db).ToListAsync(ct)).FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase));
        if (carrier is null) check.Add("carrierCode", "no_such_carrier", $"No carrier has the code {code}.", code);
        else if (!carrier.Active) check.Add("carrierCode", "inactive_carrier", $"The carrier {carrier.Code} is not active.", carrier.Code);
        return carrier?.Code;
    }

    public async Task<IReadOnlyList<OrderChange>> SetAsync(SetCarrierRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var wanted = new OrdersRequest(request.OrderIds, null).Checked(check, MaxSelection);
        var code = await CheckCarrierAsync(check, request.CarrierCode, ct);
        check.ThrowIfAny();
        // Its own transaction, or the caller's (a batch job records each order's result in the same one).
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = await db.Set<Order>().Where(o => EF.Parameter(wanted).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var now = db.Time.StoredUtcNow();
        var results = new List<OrderChange>();
        var placed = new List<Order>();
        foreach (var id in wanted)
        {
            if (!orders.TryGetValue(id, out var order))
            {
                results.Add(new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}."));
                continue;
            }
            var before = order.CarrierCode;
            try
            {
                var entry = order.WantCarrier(code, now);
                (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
                db.Add(entry);
                db.Add(new AuditEntry
                {
                    At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = order.OrderNo,
                    Action = "set_carrier", Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]> { ["carrier"] = [before, code] }),
                });
                // An order with its warehouse (audited, or held after audit) is priced again now.
                if (order.WarehouseId is not null) placed.Add(order);
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Done));
            }
            catch (RuleViolatedException e)
            {
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Skipped, e.Code, e.Message, [.. e.Arguments]));
            }
        }
        var placedIds = placed.Select(o => o.Id).ToList();
        var items = placedIds.Count == 0 ? [] : await db.Set<OrderItem>().Where(i => EF.Parameter(placedIds).Contains(i.OrderId))
            .Select(i => new ParcelItem(i.OrderId, i.SkuId, i.Quantity)).ToListAsync(ct);
        var estimates = await carriers.ChooseAsync(placed, items, now, ct);
        await db.SaveChangesAsync(ct);
        await carriers.WriteEstimatesAsync(estimates, ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return results;
    }
}
