namespace Shelfbook.Fulfillment.Domain;

public enum ShipJobState
{
    Queued,
    Running,
    Finished,
    Cancelled,
}

public enum ShipRowOutcome
{
    Pending,
    Shipped,
    Skipped,
    Failed,
}

/// <summary>
/// 批量发货任务: a batch too big to wait for (简易发货 or 一键发货 of tens of thousands of orders), shipped chunk by chunk
/// in the background. Each chunk commits with its rows' outcomes, so a job stopped anywhere (a restart, a crash) goes
/// on from the first row not done, and nothing ships twice; a lease keeps two app nodes off one job.
/// </summary>
public sealed class ShipJob
{
    public const int MaxRows = 500_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public ShipMode Mode { get; set; }
    public ShipJobState State { get; set; }
    public int Total { get; set; }
    public int Shipped { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}

/// <summary>One order of a ship job, as given (an order number with its tracking number and carrier, or an order id), and what became of it.</summary>
public sealed class ShipJobRow
{
    public Guid JobId { get; set; }
    public int Seq { get; set; }
    public string? OrderNo { get; set; }
    public Guid? OrderId { get; set; }
    public string? TrackingNo { get; set; }
    public string? CarrierCode { get; set; }
    public ShipRowOutcome Outcome { get; set; }
    public string? Code { get; set; }
    public string? Message { get; set; }
}
