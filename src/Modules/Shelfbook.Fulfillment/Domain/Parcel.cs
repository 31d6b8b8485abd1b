namespace Shelfbook.Fulfillment.Domain;

/// <summary>发货方式: how an order's parcel leaves (configurable per warehouse and per order as the module grows).</summary>
public enum ShipMode
{
    /// <summary>称重发货: pick, verify, pack, weigh, then the tracking and order numbers scanned together.</summary>
    WeighShip,

    /// <summary>简易发货: the tracking number and the order number entered or scanned; written back to the platform.</summary>
    Simple,

    /// <summary>一键发货: marked shipped (someone else shipped it); nothing is written back.</summary>
    OneClick,

    /// <summary>即买即售: the supplier ships; its tracking number comes back and is written back.</summary>
    Dropship,

    /// <summary>虚拟发货: the tracking number written back first, the parcel completed when packed.</summary>
    Virtual,

    /// <summary>第三方仓发货: shipped by an outsourced warehouse, whose shipment report (Inventory's quick outbound) ships it.</summary>
    ThirdParty,
}

/// <summary>Where the confirmation to the platform (回传) stands for a parcel.</summary>
public enum WriteBackState
{
    /// <summary>Nothing to confirm: 一键发货, an offline order, a reissue.</summary>
    NotNeeded,

    /// <summary>Queued in Channels' outbox (sent and retried there).</summary>
    Queued,

    /// <summary>Could not be queued (the carrier has no code on the platform, the shop is not linked): a person confirms it.</summary>
    Failed,
}

/// <summary>
/// 包裹: what left the warehouse for an order — one per order — with its carrier, tracking number (unique in the tenant:
/// no number serves two parcels), how it shipped, who shipped it, and whether its platforms were told.
/// </summary>
public sealed class Parcel
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public Guid? WarehouseId { get; set; }
    public string? CarrierCode { get; set; }
    public string? TrackingNo { get; set; }
    public ShipMode Mode { get; set; }

    /// <summary>The weight the scale read, in grams (称重); none when not weighed.</summary>
    public int? WeightGrams { get; set; }

    public DateTime ShippedAt { get; set; }

    /// <summary>
    /// When the goods left and their stock was taken: at once for every mode but 虚拟发货, whose parcel is written back
    /// first (<see cref="ShippedAt"/>) and completed when it is packed and leaves; none while it is open.
    /// </summary>
    public DateTime? CompletedAt { get; set; }
    public Guid? ShippedById { get; set; }
    public string? ShippedBy { get; set; }
    public WriteBackState WriteBack { get; set; }

    /// <summary>Why the write-back could not be queued (for each platform order that failed), for the person who confirms it.</summary>
    public string? WriteBackProblem { get; set; }
}

public enum WaybillStatus
{
    /// <summary>Asked of the carrier, no answer kept yet (a crash or a carrier that did not answer): asked again with the same reference.</summary>
    Requested,

    /// <summary>Issued: the parcel's tracking number.</summary>
    Active,

    /// <summary>Cancelled with the carrier; the order may be numbered again.</summary>
    Cancelled,
}

/// <summary>
/// 电子面单: a tracking number a carrier issued for an order's parcel. An order has at most one that is not cancelled
/// (unique), each request carries a reference of its own (<c>order no-attempt</c>) the carrier answers with the same
/// number when asked again, so no parcel is numbered twice unless its first number was cancelled.
/// </summary>
public sealed class Waybill
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public Guid WarehouseId { get; set; }
    public string CarrierCode { get; set; } = "";
    public string Reference { get; set; } = "";
    public string? TrackingNo { get; set; }
    public WaybillStatus Status { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime? IssuedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public string? RequestedBy { get; set; }

    /// <summary>How many times its label was printed (a second print is a reprint, logged).</summary>
    public int Prints { get; set; }

    public DateTime? PrintedAt { get; set; }
}
