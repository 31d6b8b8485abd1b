namespace Shelfbook.Channels.Contracts;

/// <summary>
/// A parcel to confirm on its platform (回传): the shop, the platform order, the lines it carries (empty for the whole
/// order), the tracking number and Shelfbook's carrier code (SF, ZTO, YTO, STO, YUNDA, EMS, POST, JD, JT).
/// </summary>
public sealed record ConfirmShipmentRequest(Guid ShopId, string? PlatformOrderId, string? TrackingNo, string? CarrierCode, IReadOnlyList<string>? PlatformLineIds = null);

/// <summary>What Fulfillment calls when a parcel ships: the confirmation is queued and sent with retries; queuing it twice is one confirmation.</summary>
public interface IConfirmShipments
{
    /// <summary>Queues the confirmation in the caller's transaction and answers its id (the existing one for a repeat).</summary>
    Task<long> EnqueueAsync(ConfirmShipmentRequest request, CancellationToken ct);
}
