namespace Shelfbook.Channels.Domain;

public enum ConfirmationState
{
    /// <summary>Waiting to be sent (or to be sent again after a passing failure, at <see cref="ShipmentConfirmation.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Taken by a sender (until <see cref="ShipmentConfirmation.LeaseUntil"/>).</summary>
    Sending,

    /// <summary>The platform accepted it (or already showed the parcel shipped with this tracking number): never sent again.</summary>
    Accepted,

    /// <summary>The platform refused it for a reason a retry does not cure (bad carrier, order closed, credentials): a person must look.</summary>
    Rejected,
}

/// <summary>
/// One shipment confirmation (回传) in the outbox: the tracking number and carrier of a platform order's parcel, sent to
/// the platform with retries and back-off. Unique per (shop, platform order, tracking number), so enqueueing twice is
/// one confirmation, and an accepted one is never sent again.
/// </summary>
public sealed class ShipmentConfirmation
{
    public const int MaxAttempts = 12;

    public long Id { get; set; }
    public Guid ShopId { get; set; }
    public string PlatformOrderId { get; set; } = "";

    /// <summary>The platform's line ids of a partial shipment (comma-separated); empty for the whole order.</summary>
    public string? PlatformLineIds { get; set; }

    public string TrackingNo { get; set; } = "";

    /// <summary>Shelfbook's carrier code (SF, ZTO …); the platform's own code is looked up when sending.</summary>
    public string CarrierCode { get; set; } = "";

    public ConfirmationState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    /// <summary>The platform's own message of the last failure.</summary>
    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? AcceptedAt { get; set; }

    /// <summary>How long to wait after the given failed attempt: 1, 2, 4 … minutes, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));
}
