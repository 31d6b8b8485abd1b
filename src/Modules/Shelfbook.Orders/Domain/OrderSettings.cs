using Shelfbook.Data.Audit;

namespace Shelfbook.Orders.Domain;

/// <summary>The tenant's order settings (订单设置): one row, every choice off until the seller turns it on.</summary>
[Audited(AuditCategory.Order, "order_settings", Ignore = [nameof(UpdatedAt)])]
public sealed class OrderSettings
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    /// <summary>
    /// 按仓拆单: when no warehouse can serve an order whole, audit splits it into parts that one warehouse each can serve
    /// (whole lines, warehouses in the order's allocation order) instead of leaving it out of stock.
    /// </summary>
    public bool SplitByWarehouse { get; set; }

    /// <summary>
    /// 按重量拆分: audit splits an order whose goods weigh more than this (grams, from the SKUs' weights) into parcels of
    /// at most this much each (a unit heavier alone goes alone); null turns it off.
    /// </summary>
    public int? SplitAboveGrams { get; set; }

    /// <summary>
    /// 按预售拆分: audit splits the lines of 预售商品 off an order that also holds goods in stock (one part per ship-from day,
    /// each held until its day) and audits the rest; off, the whole order waits for its latest presale day.
    /// </summary>
    public bool SplitPresale { get; set; }

    /// <summary>
    /// 金额异常 (floor): an arriving order whose paid amount is below this percentage of its goods' cost (the catalog's
    /// cost prices) is flagged. 100 flags a sale below cost; null turns the check off.
    /// </summary>
    public int? AnomalyBelowCostPercent { get; set; }

    /// <summary>金额异常 (ceiling): an arriving order that paid more than this (minor units) is flagged; null turns it off.</summary>
    public long? AnomalyAbove { get; set; }

    /// <summary>The currency the amount checks apply to (the catalog's prices are in it); orders in others are not checked.</summary>
    public string AnomalyCurrency { get; set; } = "CNY";

    /// <summary>
    /// 自动合并: orders found mergeable at intake are merged at once into the one paid first (the flag is for a person
    /// to decide otherwise).
    /// </summary>
    public bool AutoMerge { get; set; }

    public DateTime UpdatedAt { get; set; }
}
