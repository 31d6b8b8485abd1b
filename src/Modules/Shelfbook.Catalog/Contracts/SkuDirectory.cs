using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Contracts;

/// <summary>
/// What other modules may know of a SKU. A class with settable members (not a positional record) so that a query
/// over <see cref="ISkuDirectory.Skus"/> can be composed further — joined, filtered, ordered — into one SQL statement.
/// </summary>
public sealed class SkuSummary
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";

    /// <summary>Upper-case code: the order and keyset key of lists.</summary>
    public string NormalizedCode { get; init; } = "";

    public Guid ProductId { get; init; }
    public string ProductName { get; init; } = "";
    public string? Spec { get; init; }
    public bool IsCombo { get; init; }
    public Guid? CategoryId { get; init; }
    public string? Brand { get; init; }

    /// <summary>Shipping weight of one unit, in grams (0 when not entered).</summary>
    public int WeightGrams { get; init; }

    /// <summary>Volume of one unit in mm³ (length × width × height; 0 when a side is not entered).</summary>
    public long VolumeMm3 { get; init; }

    public int SafetyStock { get; init; }

    /// <summary>The catalog's cost price in minor units: the cost of stock received without one.</summary>
    public long CostPrice { get; init; }

    public bool Active { get; init; }
}

/// <summary>One component of a combo SKU: <see cref="Quantity"/> units of <see cref="ComponentSkuId"/> per combo.</summary>
public sealed class ComboPart
{
    public Guid ComboSkuId { get; init; }
    public Guid ComponentSkuId { get; init; }
    public int Quantity { get; init; }
}

/// <summary>
/// Read access to SKUs for other modules (stock pages, documents, scanning). The queryables are composable and run
/// in the caller's tenant context; lookups by code accept a SKU code, an alias or a barcode, in any letter case.
/// </summary>
public interface ISkuDirectory
{
    IQueryable<SkuSummary> Skus { get; }

    IQueryable<ComboPart> ComboParts { get; }

    /// <summary>The summaries of the given SKUs, read in chunks (ids naming nothing are absent).</summary>
    Task<IReadOnlyDictionary<Guid, SkuSummary>> ByIdsAsync(IEnumerable<Guid> ids, CancellationToken ct = default);

    /// <summary>The SKU each given code, alias or barcode names (keys as given; codes naming nothing are absent).</summary>
    Task<IReadOnlyDictionary<string, SkuSummary>> FindByCodesAsync(IEnumerable<string> codes, CancellationToken ct = default);

    /// <summary>The given categories and every category below them.</summary>
    Task<IReadOnlyList<Guid>> CategoriesWithDescendantsAsync(IEnumerable<Guid> categoryIds, CancellationToken ct = default);
}

/// <summary>
/// The SKU summaries of a tenant database, for code that has the context but no services (dashboard figures,
/// the CLI). <see cref="ISkuDirectory.Skus"/> is the same query.
/// </summary>
public static class SkuQueries
{
    public static IQueryable<SkuSummary> Summaries(TenantDbContext db) =>
        from s in db.Set<Sku>().AsNoTracking()
        join p in db.Set<Product>().AsNoTracking() on s.ProductId equals p.Id
        select new SkuSummary
        {
            Id = s.Id, Code = s.Code, NormalizedCode = s.NormalizedCode, ProductId = p.Id, ProductName = p.Name, Spec = s.Spec,
            IsCombo = s.Kind == SkuKind.Combo, CategoryId = p.CategoryId, Brand = p.Brand, WeightGrams = s.WeightGrams, VolumeMm3 = (long)s.LengthMm * s.WidthMm * s.HeightMm, SafetyStock = s.SafetyStock,
            CostPrice = s.CostPrice,
            Active = s.Active && p.Active,
        };
}
