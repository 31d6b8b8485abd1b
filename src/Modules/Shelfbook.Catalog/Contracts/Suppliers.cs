using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Contracts;

/// <summary>What other modules may know of a supplier (供应商): a dropship warehouse names one, its requests go to it.</summary>
public sealed class SupplierSummary
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Contact { get; init; }
    public string? Phone { get; init; }
    public bool Active { get; init; }
}

public static class SupplierQueries
{
    /// <summary>The tenant's suppliers, composable into the caller's query.</summary>
    public static IQueryable<SupplierSummary> Summaries(TenantDbContext db) =>
        db.Set<Supplier>().AsNoTracking().Select(s => new SupplierSummary
        {
            Id = s.Id, Code = s.Code, Name = s.Name, Contact = s.Contact, Phone = s.Phone, Active = s.Active,
        });
}
