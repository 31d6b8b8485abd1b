using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.ChangeOrders;

/// <summary>
/// Claiming orders before changing what a concurrent audit, merge or split also reads: each order must still be in the
/// status and exceptions it was read in. One conditional update per (status, exceptions) and 10,000 orders marks them,
/// which on PostgreSQL also holds their rows until the caller commits; any order changed meanwhile refuses the whole
/// change as a concurrent one.
/// </summary>
internal static class OrderClaims
{
    public static async Task ClaimAsync(TenantDbContext db, IEnumerable<(Guid Id, OrderStatus Status, OrderExceptions Exceptions)> read, DateTime now, string doing,
        CancellationToken ct)
    {
        foreach (var group in read.GroupBy(r => (r.Status, r.Exceptions)))
        {
            var (status, exceptions) = group.Key;
            foreach (var chunk in group.Select(r => r.Id).Distinct().Chunk(10_000))
            {
                var ids = chunk.ToList();
                var claimed = await db.Set<Order>().Where(o => EF.Parameter(ids).Contains(o.Id) && o.Status == status && o.Exceptions == exceptions)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.UpdatedAt, now), ct);
                if (claimed != ids.Count) throw new DbUpdateConcurrencyException($"{ids.Count - claimed} of the orders changed while {doing}.");
            }
        }
    }
}
