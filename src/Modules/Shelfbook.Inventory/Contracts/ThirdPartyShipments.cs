namespace Shelfbook.Inventory.Contracts;

/// <summary>
/// An order a third-party warehouse's quick outbound touched: its number, the tracking number it left under (the first
/// the report gave), and whether it holds nothing more there — every unit it reserved went out — or only part did.
/// </summary>
public sealed record ThirdPartyShipment(Guid OrderId, string OrderNo, Guid WarehouseId, string? TrackingNo, bool Complete);

/// <summary>What became of an order the report shipped: marked shipped with its parcel, or left as it was and why.</summary>
public sealed record ThirdPartyShipNote(Guid OrderId, string OrderNo, bool Shipped, string? Code, string? Message);

/// <summary>
/// Told, inside the quick outbound's transaction, which orders a third-party warehouse shipped (Inventory knows stock,
/// not orders). The module that ships orders implements it — marks the complete ones shipped, records their parcels
/// and queues the write-back — so the report's stock, orders and platforms move together or not at all.
/// </summary>
public interface IThirdPartyShipmentListener
{
    Task<IReadOnlyList<ThirdPartyShipNote>> ShippedAsync(IReadOnlyList<ThirdPartyShipment> shipments, CancellationToken ct);
}
