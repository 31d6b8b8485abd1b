using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;

namespace Shelfbook.Fulfillment.Features.Bins;

/// <summary>Answers Inventory's question of which SKUs sit in some bins (a stocktake limited to bins) from the default bins kept here.</summary>
internal sealed class BinDirectory(TenantDbContext db) : IBinDirectory
{
    public async Task<IReadOnlyCollection<Guid>> SkusInBinsAsync(Guid warehouseId, IReadOnlyList<string> binCodes, CancellationToken ct)
    {
        var found = new HashSet<Guid>();
        // Bin codes are kept in upper case (SkuBins).
        foreach (var code in binCodes.Select(c => c.Trim().ToUpperInvariant()).Where(c => c.Length > 0).Distinct())
            found.UnionWith(await db.Set<SkuBin>().AsNoTracking().Where(b => b.WarehouseId == warehouseId && b.BinCode.StartsWith(code)).Select(b => b.SkuId).ToListAsync(ct));
        return found;
    }
}
