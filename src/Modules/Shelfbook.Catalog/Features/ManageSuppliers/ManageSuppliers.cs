using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageSuppliers;

public sealed record SupplierView(Guid Id, string Code, string Name, string? Contact, string? Phone, bool Active, int Products);

/// <summary>Suppliers (供应商): add, edit, switch off. Codes are unique per tenant regardless of case.</summary>
public sealed class ManageSuppliers(TenantDbContext db)
{
    public async Task<IReadOnlyList<SupplierView>> ListAsync(CancellationToken ct)
    {
        var counts = await db.Set<Product>().AsNoTracking().Where(p => p.DefaultSupplierId != null).GroupBy(p => p.DefaultSupplierId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return (await db.Set<Supplier>().AsNoTracking().OrderBy(s => s.NormalizedCode).ToListAsync(ct))
            .Select(s => new SupplierView(s.Id, s.Code, s.Name, s.Contact, s.Phone, s.Active, counts.GetValueOrDefault(s.Id))).ToList();
    }

    public async Task<SupplierView> CreateAsync(SupplierInput input, CancellationToken ct)
    {
        var supplier = Supplier.Create(input);
        await EnsureCodeFreeAsync(supplier, ct);
        db.Set<Supplier>().Add(supplier);
        await db.SaveOrExplainAsync(() => EnsureCodeFreeAsync(supplier, ct), ct);
        return (await ListAsync(ct)).Single(s => s.Id == supplier.Id);
    }

    public async Task<SupplierView> UpdateAsync(Guid id, SupplierInput input, CancellationToken ct)
    {
        var supplier = await db.Set<Supplier>().SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("supplier", id);
        supplier.Update(input);
        await EnsureCodeFreeAsync(supplier, ct);
        await db.SaveOrExplainAsync(() => EnsureCodeFreeAsync(supplier, ct), ct);
        return (await ListAsync(ct)).Single(s => s.Id == id);
    }

    private async Task EnsureCodeFreeAsync(Supplier supplier, CancellationToken ct)
    {
        if (await db.Set<Supplier>().AnyAsync(s => s.NormalizedCode == supplier.NormalizedCode && s.Id != supplier.Id, ct))
            throw new InputRejectedException("code", "duplicate", $"'{supplier.Code}' already exists.", supplier.Code);
    }
}
