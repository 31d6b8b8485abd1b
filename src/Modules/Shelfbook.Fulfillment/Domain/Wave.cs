namespace Shelfbook.Fulfillment.Domain;

/// <summary>How a wave chooses its orders (波次策略).</summary>
public enum WaveStrategy
{
    /// <summary>一单一件: orders of exactly one unit — picked straight into their parcel, no sorting.</summary>
    SingleItem,

    /// <summary>一单多件: orders of several units — picked together, then sorted into slots (分拣).</summary>
    MultiItem,

    /// <summary>同款: orders of one SKU only, the SKU most orders wait for.</summary>
    SameSku,

    /// <summary>按快递: orders of one carrier.</summary>
    ByCarrier,

    /// <summary>按店铺: orders of one shop.</summary>
    ByShop,

    /// <summary>按预售批次: presale orders of one ship-by day (the earliest waiting, or the day asked), to go out together when their goods arrive.</summary>
    ByPresale,
}

public enum WaveStatus
{
    /// <summary>Built, being picked.</summary>
    Picking,

    /// <summary>Every order shipped or taken out.</summary>
    Done,
}

/// <summary>
/// 波次: audited orders of one warehouse picked together from one pick list. Its orders are in fulfillment (发货中) until
/// they ship or are taken out; a multi-item wave gives each order a sorting slot (分拣格).
/// </summary>
public sealed class Wave
{
    public const int MaxOrders = 10_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>W + the tenant's day + a serial: W2612020001.</summary>
    public string WaveNo { get; set; } = "";

    public Guid WarehouseId { get; set; }
    public WaveStrategy Strategy { get; set; }

    /// <summary>The strategy's choice: the carrier, the shop or the SKU it was built for.</summary>
    public string? Criterion { get; set; }

    public WaveStatus Status { get; set; }
    public int OrderCount { get; set; }
    public int Units { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

/// <summary>An order in a wave, with its sorting slot (1…n; 0 when the wave is not sorted) and, once taken out, when and why.</summary>
public sealed class WaveOrder
{
    public Guid WaveId { get; set; }
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public int Slot { get; set; }
    public DateTime? RemovedAt { get; set; }
    public string? RemovedReason { get; set; }
}

/// <summary>库位: the default bin of a SKU in a warehouse, which orders the pick list.</summary>
public sealed class SkuBin
{
    public const int CodeMax = 32;

    public Guid WarehouseId { get; set; }
    public Guid SkuId { get; set; }
    public string BinCode { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}
