using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;

namespace Shelfbook.Inventory.Contracts;

/// <summary>What other modules may know of a warehouse.</summary>
public sealed class WarehouseSummary
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";

    public bool ShipsOrdersItself { get; init; }
    public bool Active { get; init; }

    /// <summary>The kind's name (<see cref="WarehouseType"/>): Own, ThirdParty, SupplierDropship, Virtual.</summary>
    public WarehouseType Type { get; init; }

    /// <summary>The supplier that ships a dropship warehouse's orders.</summary>
    public Guid? SupplierId { get; init; }
}

public static class WarehouseQueries
{
    /// <summary>The tenant's warehouses, composable into the caller's query.</summary>
    public static IQueryable<WarehouseSummary> Summaries(TenantDbContext db) =>
        db.Set<Warehouse>().AsNoTracking().Select(w => new WarehouseSummary
        {
            Id = w.Id, Code = w.Code, Name = w.Name, ShipsOrdersItself = w.ShipsOrdersItself, Active = w.Active, Type = w.Type, SupplierId = w.SupplierId,
        });
}
