namespace Shelfbook.Channels.Contracts;

/// <summary>
/// A parcel to confirm on its platform (回传): the shop, the platform order, the lines it carries (empty for the whole
/// order), the tracking number and Shelfbook's carrier code (SF, ZTO, YTO, STO, YUNDA, EMS, POST, JD, JT).
/// </summary>
public sealed record ConfirmShipmentRequest(Guid ShopId, string? PlatformOrderId, string? TrackingNo, string? CarrierCode, IReadOnlyList<string>? PlatformLineIds = null);

/// <summary>Whether a confirmation was queued (or was already), or why it cannot be: a code and a message.</summary>
public sealed record QueuedConfirmation(bool Queued, string? Code = null, string? Message = null, params object[] Arguments);

/// <summary>What Fulfillment calls when a parcel ships: the confirmation is queued and sent with retries; queuing it twice is one confirmation.</summary>
public interface IConfirmShipments
{
    /// <summary>Queues the confirmation in the caller's transaction and answers its id (the existing one for a repeat).</summary>
    Task<long> EnqueueAsync(ConfirmShipmentRequest request, CancellationToken ct);

    /// <summary>
    /// Queues many at once in the caller's transaction (which it needs): the shops and their links read once, the queued
    /// ones found a chunk at a time, the new ones written through the bulk path. Answers a result per request, in order;
    /// one that cannot be queued (unknown carrier, a carrier the platform has no code for, a shop not linked) is
    /// answered, not thrown, and the rest are queued.
    /// </summary>
    Task<IReadOnlyList<QueuedConfirmation>> EnqueueManyAsync(IReadOnlyList<ConfirmShipmentRequest> requests, CancellationToken ct);
}
