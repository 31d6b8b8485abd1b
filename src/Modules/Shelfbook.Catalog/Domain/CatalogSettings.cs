using Shelfbook.Data.Audit;

namespace Shelfbook.Catalog.Domain;

/// <summary>What a combo's selling price is split by when its lines are expanded to components.</summary>
public enum ComboPriceBasis
{
    RetailPrice,
    CostPrice,
}

/// <summary>The tenant's catalog settings: one row.</summary>
[Audited(AuditCategory.Product, "catalog_settings")]
public sealed class CatalogSettings
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    /// <summary>
    /// By retail price (the default): each component earns what it would sell for alone. By cost: margins spread
    /// evenly, which sellers of bundles priced far below the sum of their parts often prefer.
    /// </summary>
    public ComboPriceBasis ComboPriceBasis { get; set; } = ComboPriceBasis.RetailPrice;
}
