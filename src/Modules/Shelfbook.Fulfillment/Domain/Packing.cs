using Shelfbook.Data.Audit;

namespace Shelfbook.Fulfillment.Domain;

/// <summary>
/// 验货打包与称重: what the station recorded for an order's parcel — verified and packed (every unit scanned, nothing
/// wrong or extra), then weighed against the estimate. A weight out of tolerance holds the parcel for a check (待核重):
/// it does not ship until weighed again within tolerance or the weight is accepted by someone who may.
/// </summary>
public sealed class PackRecord
{
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public Guid WarehouseId { get; set; }
    public int Units { get; set; }
    public DateTime? PackedAt { get; set; }
    public string? PackedBy { get; set; }

    /// <summary>The estimate from the SKUs' weights at audit (grams; 0 when unknown: nothing to compare with).</summary>
    public long EstimatedGrams { get; set; }

    public int? WeightGrams { get; set; }
    public DateTime? WeighedAt { get; set; }
    public string? WeighedBy { get; set; }

    /// <summary>Out of tolerance and not yet accepted: the parcel waits for a check.</summary>
    public bool WeightHeld { get; set; }

    /// <summary>The freight at the weighed weight with the order's carrier (minor units of <see cref="Currency"/>), when a rate covers it.</summary>
    public long? Freight { get; set; }

    public string? Currency { get; set; }
}

/// <summary>发货设置: the tenant's weighing tolerance (a parcel within either bound of its estimate passes).</summary>
[Audited(AuditCategory.System, "fulfillment_settings", Ignore = [nameof(UpdatedAt)])]
public sealed class FulfillmentSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>How far the weight may be off the estimate, in percent of the estimate.</summary>
    public int WeightTolerancePercent { get; set; } = 10;

    /// <summary>…or in grams (a light parcel's packing weighs more than its percentage).</summary>
    public int WeightToleranceGrams { get; set; } = 50;

    public DateTime UpdatedAt { get; set; }

    /// <summary>Whether <paramref name="grams"/> is within tolerance of <paramref name="estimate"/> (no estimate: anything is).</summary>
    public bool Within(long estimate, long grams) =>
        estimate <= 0 || Math.Abs(grams - estimate) <= Math.Max(estimate * WeightTolerancePercent / 100, WeightToleranceGrams);
}

/// <summary>发货方式 of a warehouse: how its orders must ship (none set: any mode).</summary>
[Audited(AuditCategory.System, "warehouse_ship_mode", Ignore = [nameof(UpdatedAt)])]
public sealed class WarehouseShipMode
{
    public Guid WarehouseId { get; set; }
    public ShipMode Mode { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An order's own 发货方式, over its warehouse's (a parcel a third party took, one that must be weighed).</summary>
[Audited(AuditCategory.Order, "order_ship_mode", Ignore = [nameof(SetAt)])]
public sealed class OrderShipMode
{
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public ShipMode Mode { get; set; }
    public DateTime SetAt { get; set; }
    public string? SetBy { get; set; }
}
