using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.ChangeOrders;

public sealed record HoldRequest(IReadOnlyList<Guid>? OrderIds, string? Reason, DateTime? Until);

public sealed record OrdersRequest(IReadOnlyList<Guid>? OrderIds, string? Reason)
{
    /// <summary>The chosen orders once each, or the field errors: none chosen, or more than <paramref name="max"/> (a batch job takes more).</summary>
    public List<Guid> Checked(InputCheck check, int max)
    {
        if (OrderIds is not { Count: > 0 } ids) check.Add("orderIds", "required", "Choose at least one order.");
        else if (ids.Count > max) check.Add("orderIds", "too_many", $"At most {max} orders at once; use a batch job for more.", max);
        return OrderIds?.Distinct().ToList() ?? [];
    }
}

public enum ChangeOutcome
{
    Done,

    /// <summary>The order is in a state where the action does not apply; nothing changed (the reason says why).</summary>
    Skipped,
}

/// <summary>What happened to one order: done, or skipped with the reason in the user's words (a rule's code and message).</summary>
public sealed record OrderChange(Guid OrderId, string? OrderNo, ChangeOutcome Outcome, string? Code = null, string? Message = null, params object[] Arguments);

/// <summary>
/// Hold (挂起), release (释放), cancel (取消), intercept (拦截) and unaudit (反审核) on one order or a selection: each order that may take the action takes
/// it, with its log entry and an audit entry; one where it does not apply is skipped with the reason, never failed.
/// Cancelling, intercepting or unauditing an audited order releases the stock it holds in the same transaction.
/// </summary>
public sealed class ChangeOrders(TenantDbContext db, IReserveStock stock, CurrentUser user)
{
    public const int MaxSelection = 1000;

    public Task<IReadOnlyList<OrderChange>> HoldAsync(HoldRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        if (string.IsNullOrWhiteSpace(request.Reason)) check.Add("reason", "required", "A hold needs a reason.");
        else if (request.Reason.Trim().Length > 200) check.Add("reason", "too_long", "The reason is longer than 200 characters.", 200);
        if (request.Until is { } until && until <= db.Time.StoredUtcNow()) check.Add("until", "past", "The release time must lie in the future.");
        return ApplyAsync(request.OrderIds, check, "hold", (o, now) => o.Hold(request.Reason!, request.Until, now), ct);
    }

    public Task<IReadOnlyList<OrderChange>> ReleaseAsync(OrdersRequest request, CancellationToken ct) =>
        ApplyAsync(request.OrderIds, new InputCheck(), "release", (o, now) => o.Release(Trim(request.Reason), now), ct);

    /// <summary>
    /// 到期释放: held orders whose release time has come (at most <paramref name="max"/>, earliest first) are released
    /// with the reason <c>hold_due</c>, in batches of <see cref="MaxSelection"/>. Answers how many were released.
    /// </summary>
    public async Task<int> ReleaseDueAsync(int max, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var due = await db.Set<Order>().AsNoTracking().Where(o => o.Status == OrderStatus.Held && o.HoldUntil != null && o.HoldUntil <= now)
            .OrderBy(o => o.HoldUntil).Select(o => o.Id).Take(max).ToListAsync(ct);
        var released = 0;
        foreach (var chunk in due.Chunk(MaxSelection))
            released += (await ApplyAsync(chunk, new InputCheck(), "release", (o, at) => o.Release("hold_due", at), ct)).Count(r => r.Outcome == ChangeOutcome.Done);
        return released;
    }

    public Task<IReadOnlyList<OrderChange>> CancelAsync(OrdersRequest request, CancellationToken ct) =>
        ApplyAsync(request.OrderIds, new InputCheck(), "cancel", (o, now) => o.Cancel(Trim(request.Reason), now), ct);

    /// <summary>拦截 by hand (the buyer called, the seller changed their mind): orders past audit stop and their stock is released.</summary>
    public Task<IReadOnlyList<OrderChange>> InterceptAsync(OrdersRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        if (string.IsNullOrWhiteSpace(request.Reason)) check.Add("reason", "required", "An interception needs a reason.");
        else if (request.Reason.Trim().Length > 200) check.Add("reason", "too_long", "The reason is longer than 200 characters.", 200);
        return ApplyAsync(request.OrderIds, check, "intercept", (o, now) => o.Intercept(request.Reason!, now), ct);
    }

    /// <summary>反审核: audited orders go back to pending audit and their stock is released.</summary>
    public Task<IReadOnlyList<OrderChange>> UnauditAsync(OrdersRequest request, CancellationToken ct) =>
        ApplyAsync(request.OrderIds, new InputCheck(), "unaudit", (o, now) => o.Unaudit(Trim(request.Reason), now), ct);

    private static string? Trim(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 300)];

    private async Task<IReadOnlyList<OrderChange>> ApplyAsync(IReadOnlyList<Guid>? ids, InputCheck check, string action, Func<Order, DateTime, OrderLogEntry> change,
        CancellationToken ct)
    {
        var wanted = new OrdersRequest(ids, null).Checked(check, MaxSelection);
        check.ThrowIfAny();
        // Its own transaction, or the caller's (a batch job records each order's result in the same one).
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = await db.Set<Order>().Where(o => EF.Parameter(wanted).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var now = db.Time.StoredUtcNow();
        var results = new List<OrderChange>();
        var release = new List<Guid>();
        foreach (var id in wanted)
        {
            if (!orders.TryGetValue(id, out var order))
            {
                results.Add(new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}."));
                continue;
            }
            var (before, heldStock) = (order.Status, order.HoldsStock);
            try
            {
                var entry = change(order, now);
                (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
                db.Add(entry);
                db.Add(new AuditEntry
                {
                    At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = order.OrderNo,
                    Action = action, Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]> { ["status"] = [before.ToString(), order.Status.ToString()], ["reason"] = [null, entry.Reason] }),
                });
                // An audited order holds stock, also while held (挂起 keeps the reservation until released or cancelled).
                if (heldStock && !order.HoldsStock) release.Add(order.Id);
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Done));
            }
            catch (RuleViolatedException e)
            {
                results.Add(new OrderChange(id, order.OrderNo, ChangeOutcome.Skipped, e.Code, e.Message, [.. e.Arguments]));
            }
        }
        await db.SaveChangesAsync(ct);
        if (release.Count > 0)
        {
            await stock.ReleaseAsync(release, ct);
            await db.Set<OrderEstimate>().Where(e => EF.Parameter(release).Contains(e.OrderId)).ExecuteDeleteAsync(ct);
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return results;
    }
}
