namespace Shelfbook.Logistics.Contracts;

/// <summary>Where a parcel goes, as a waybill and a label carry it.</summary>
public sealed record WaybillReceiver(string Name, string Phone, string? Country, string? Province, string? City, string? District, string Address);

/// <summary>
/// One parcel to number: the caller's <paramref name="Reference"/> (the carrier answers the same reference with the same
/// number until it is cancelled, so asking again after a failure never gets a second number), the carrier and service,
/// the warehouse it leaves from (its sender address), the receiver, the weight and a summary of the goods.
/// </summary>
public sealed record WaybillRequest(string Reference, string CarrierCode, string? ServiceCode, Guid WarehouseId, WaybillReceiver Receiver, long WeightGrams, string Goods);

/// <summary>
/// A parcel's number, or why there is none: <c>waybill.no_account</c> (no active 电子面单 account for the carrier),
/// <c>waybill.no_sender</c> (the warehouse has no sender address), <c>waybill.unreachable</c> (the carrier did not
/// answer: ask again with the same reference), <c>waybill.refused</c> (the carrier's own code and message in
/// <see cref="CarrierCode"/> and <see cref="Message"/>: an address it does not serve, an account out of balance …).
/// </summary>
public sealed record WaybillResult(string Reference, string? TrackingNo, string? Code = null, string? Message = null, string? CarrierCode = null)
{
    public bool Issued => TrackingNo is not null;
}

/// <summary>A warehouse's sender, for the labels.</summary>
public sealed record SenderInfo(Guid WarehouseId, string Name, string Phone, string Province, string City, string District, string Address);

/// <summary>Why a cancellation failed (the carrier's words), or null when the number is cancelled.</summary>
public sealed record WaybillCancelResult(bool Cancelled, string? Code = null, string? Message = null);

/// <summary>电子面单: tracking numbers from the carriers' waybill APIs, and their cancellation.</summary>
public interface IIssueWaybills
{
    /// <summary>Numbers for the parcels, in batches per carrier and warehouse; one result per request, in order.</summary>
    Task<IReadOnlyList<WaybillResult>> IssueAsync(IReadOnlyList<WaybillRequest> requests, CancellationToken ct);

    /// <summary>Cancels a number with its carrier; a number the carrier had cancelled already counts as cancelled.</summary>
    Task<WaybillCancelResult> CancelAsync(string carrierCode, string trackingNo, CancellationToken ct);

    /// <summary>The sender addresses of the warehouses.</summary>
    Task<IReadOnlyDictionary<Guid, SenderInfo>> SendersAsync(IReadOnlyCollection<Guid> warehouseIds, CancellationToken ct);
}
