using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.ManageWarehouses;

public sealed record WarehouseView(
    Guid Id, string Code, string Name, string Type, string Country, string? Province, string? City, string? District,
    string? Address, string? ContactName, string? ContactPhone, bool ShipsOrdersItself, bool AllowNegativeStock, bool Active, DateTime CreatedAt, DateTime UpdatedAt,
    Guid? SupplierId = null);

public sealed record WarehouseFilter(string? Search = null, bool? Active = null, string? Type = null);

/// <summary>Create, edit, (de)activate and list warehouses. Warehouses are never deleted: documents refer to them.</summary>
public sealed class ManageWarehouses(TenantDbContext db)
{
    private DateTime Now => db.Time.StoredUtcNow();

    public async Task<WarehouseView> CreateAsync(WarehouseInput input, CancellationToken ct)
    {
        var warehouse = Warehouse.Create(input, Now);
        await EnsureSupplierAsync(warehouse, ct);
        await EnsureCodeFreeAsync(warehouse.NormalizedCode, warehouse.Id, ct);
        db.Set<Warehouse>().Add(warehouse);
        await SaveAsync(warehouse, ct);
        return View(warehouse);
    }

    public async Task<WarehouseView> UpdateAsync(Guid id, WarehouseInput input, CancellationToken ct)
    {
        var warehouse = await FindAsync(id, ct);
        var wasDropship = warehouse.Type == WarehouseType.SupplierDropship;
        warehouse.Update(input, Now);
        // A dropship warehouse reserves without stock and passes goods through; a warehouse turning into one or out of one
        // while it holds stock or reservations would strand the one or leave the other unable to ship.
        if (wasDropship != (warehouse.Type == WarehouseType.SupplierDropship)
            && await db.Set<StockBalance>().AnyAsync(b => b.WarehouseId == id && (b.OnHand != 0 || b.Reserved != 0), ct))
            throw new InputRejectedException("type", "type_locked",
                $"{warehouse.Code} holds stock or reservations: it cannot become or stop being a supplier dropship warehouse until they are gone.", warehouse.Code);
        await EnsureSupplierAsync(warehouse, ct);
        await EnsureCodeFreeAsync(warehouse.NormalizedCode, warehouse.Id, ct);
        await SaveAsync(warehouse, ct);
        return View(warehouse);
    }

    public async Task<WarehouseView> SetActiveAsync(Guid id, bool active, CancellationToken ct)
    {
        var warehouse = await FindAsync(id, ct);
        if (active) warehouse.Activate(Now);
        else warehouse.Deactivate(Now);
        AuditRecorder.Describe(warehouse, active ? "activate" : "deactivate");
        await SaveAsync(warehouse, ct);
        return View(warehouse);
    }

    public async Task<WarehouseView> GetAsync(Guid id, CancellationToken ct) => View(await FindAsync(id, ct, tracked: false));

    /// <summary>Warehouses by code, a keyset page at a time.</summary>
    public async Task<Page<WarehouseView>> ListAsync(WarehouseFilter filter, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<Warehouse>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var upper = term.ToUpperInvariant();
            query = query.Where(w => w.NormalizedCode.Contains(upper) || w.Name.Contains(term) || (w.City != null && w.City.Contains(term)));
        }
        if (filter.Active is { } active) query = query.Where(w => w.Active == active);
        if (!string.IsNullOrWhiteSpace(filter.Type))
        {
            var check = new InputCheck();
            var type = check.OneOf<WarehouseType>("type", filter.Type);
            check.ThrowIfAny();
            query = query.Where(w => w.Type == type);
        }
        if (page.AfterKey() is { } after) query = query.Where(w => w.NormalizedCode.CompareTo(after) > 0);

        var rows = await query.OrderBy(w => w.NormalizedCode).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(rows.Select(View).ToList(), page.Limit, w => Warehouse.Normalize(w.Code));
    }

    /// <summary>Every active warehouse in code order: the choices of a warehouse picker (a tenant has a handful).</summary>
    public async Task<IReadOnlyList<WarehouseView>> ActiveAsync(CancellationToken ct) =>
        (await db.Set<Warehouse>().AsNoTracking().Where(w => w.Active).OrderBy(w => w.NormalizedCode).ToListAsync(ct)).Select(View).ToList();

    /// <summary>The suppliers a dropship warehouse may name, by code.</summary>
    public async Task<IReadOnlyList<SupplierSummary>> SuppliersAsync(CancellationToken ct) =>
        await SupplierQueries.Summaries(db).OrderBy(s => s.Code).ToListAsync(ct);

    private async Task<Warehouse> FindAsync(Guid id, CancellationToken ct, bool tracked = true)
    {
        var set = tracked ? db.Set<Warehouse>() : db.Set<Warehouse>().AsNoTracking();
        return await set.SingleOrDefaultAsync(w => w.Id == id, ct) ?? throw new NotFoundException("warehouse", id);
    }

    private async Task EnsureSupplierAsync(Warehouse warehouse, CancellationToken ct)
    {
        if (warehouse.SupplierId is { } id && !await SupplierQueries.Summaries(db).AnyAsync(s => s.Id == id, ct))
            throw new InputRejectedException("supplierId", "unknown_supplier", $"No supplier has the id {id}.", id);
    }

    private async Task EnsureCodeFreeAsync(string normalizedCode, Guid self, CancellationToken ct)
    {
        if (await db.Set<Warehouse>().AnyAsync(w => w.NormalizedCode == normalizedCode && w.Id != self, ct))
            throw DuplicateCode(normalizedCode);
    }

    // Another request may take the code between the check and the insert; the unique index refuses it then.
    private Task SaveAsync(Warehouse warehouse, CancellationToken ct) =>
        db.SaveOrExplainAsync(() => EnsureCodeFreeAsync(warehouse.NormalizedCode, warehouse.Id, ct), ct);

    private static InputRejectedException DuplicateCode(string code) =>
        new("code", "duplicate", $"A warehouse with code '{code}' already exists.", code);

    private static WarehouseView View(Warehouse w) => new(
        w.Id, w.Code, w.Name, w.Type.ToString(), w.Country, w.Province, w.City, w.District, w.Address,
        w.ContactName, w.ContactPhone, w.ShipsOrdersItself, w.AllowNegativeStock, w.Active, w.CreatedAt, w.UpdatedAt, w.SupplierId);
}
