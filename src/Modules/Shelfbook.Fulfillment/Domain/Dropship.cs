namespace Shelfbook.Fulfillment.Domain;

/// <summary>
/// 代发单: an order of a supplier's dropship warehouse as it was sent to the supplier — when it was first and last
/// handed over (an xlsx export) and how often. One per order; the order's own state (waiting, shipped, intercepted) is
/// read from Orders, the tracking number comes back by import or by hand and ships it in mode <see cref="ShipMode.Dropship"/>.
/// </summary>
public sealed class DropshipRequest
{
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public Guid WarehouseId { get; set; }
    public Guid SupplierId { get; set; }
    public DateTime FirstSentAt { get; set; }
    public DateTime LastSentAt { get; set; }
    public int TimesSent { get; set; }
    public string? SentBy { get; set; }
}
